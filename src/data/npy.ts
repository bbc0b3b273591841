import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../core/errors';
import { ArrayHeader, ByteSource, Dtype, elementCount, isSupportedDtype, readSourceHead } from './arrays';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** numpy itself refuses headers above 10,000 bytes unless told otherwise. */
const MAX_HEADER_BYTES = 1 << 20;

/** Parses the header of an NPY array (versions 1–3) from a byte source. */
export async function readNpyHeader(source: ByteSource, file: string): Promise<ArrayHeader> {
  const start = await readSourceHead(source, 12);
  if (start.length < 10 || !MAGIC.every((b, i) => start[i] === b)) {
    throw new UserError('not an NPY array (bad magic bytes)', { file, hint: 'save arrays with numpy.save' });
  }
  const major = start[6];
  const lengthBytes = major === 1 ? 2 : 4;
  const headerStart = 8 + lengthBytes;
  const headerLength = major === 1 ? start.readUInt16LE(8) : start.readUInt32LE(8);
  if (headerLength > MAX_HEADER_BYTES) {
    throw new UserError(`the NPY header claims ${headerLength} bytes; numpy writes a few hundred`, { file, hint: 'the file is damaged; save the array again with numpy.save' });
  }
  const all = await readSourceHead(source, headerStart + headerLength);
  if (all.length < headerStart + headerLength) {
    throw new UserError('the NPY header is truncated', { file, hint: 'save the array again with numpy.save' });
  }
  const text = all.toString(major >= 3 ? 'utf8' : 'latin1', headerStart, headerStart + headerLength);
  const bad = (what: string): never => {
    throw new UserError(`the NPY header is not understood (${what}): ${text.trim()}`, { file, hint: 'save the array with numpy.save' });
  };
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1] ?? bad('no plain descr; structured arrays are not supported');
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1] ?? bad('no fortran_order');
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1] ?? bad('no shape');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^\d+L?$/.test(s) && Number.isSafeInteger(parseInt(s, 10)) ? parseInt(s, 10) : bad(`shape entry '${s}'`)));
  const match = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  const dtype: Dtype | null = match ? { kind: match[2] as Dtype['kind'], size: Number(match[3]), littleEndian: match[1] !== '>', name: descr } : null;
  if (dtype === null || !isSupportedDtype(dtype)) {
    throw new UserError(`arrays of dtype '${descr}' are not supported`, {
      file,
      hint: 'convert to a numeric type first, e.g. x.astype("float32") (float16/32/64, int8–64, uint8–64 and bool are read)',
    });
  }
  if (shape.length === 0) throw new UserError('the array is a single number, not a dataset', { file, hint: 'save an array with one row per example' });
  return { dtype, shape, fortran: fortran === 'True', dataOffset: headerStart + headerLength };
}

/** Bytes the data of an array takes. */
export const dataBytes = (header: ArrayHeader): number => elementCount(header.shape) * header.dtype.size;

/**
 * The label file that goes with a features file, by the usual names: X.npy → y.npy, NAME_X.npy → NAME_y.npy,
 * X_NAME.npy → y_NAME.npy, NAME.npy → NAME_labels.npy (or NAME_y.npy). Returns the candidates tried too,
 * for the message when none exists.
 */
export function companionLabels(file: string): { found?: string; tried: string[] } {
  const dir = dirname(file);
  const name = basename(file).replace(/\.npy$/i, '');
  const candidates: string[] = [];
  if (/^x$/i.test(name)) candidates.push('y', 'Y');
  let m = /^(.*[_-])(x|X)$/.exec(name);
  if (m) candidates.push(`${m[1]}y`, `${m[1]}Y`);
  m = /^(x|X)([_-].*)$/.exec(name);
  if (m) candidates.push(`y${m[2]}`, `Y${m[2]}`);
  m = /^(.*[_-])(features|inputs|data|images)$/i.exec(name);
  if (m) candidates.push(`${m[1]}labels`, `${m[1]}targets`);
  candidates.push(`${name}_labels`, `${name}_y`, `${name}_targets`);
  const tried = [...new Set(candidates)].map((c) => join(dir, `${c}.npy`));
  return { found: tried.find((path) => path !== file && existsSync(path)), tried };
}
