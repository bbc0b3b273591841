import { basename, dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { UserError } from '../core/errors';
import { ArrayHeader, ByteSource, Dtype, elementCount, fileSource, readSourceHead, transformedSource } from './arrays';
import { ArrayDatasetSpec, ArrayInput, LabelSource, columnIndexOf } from './arrayDataset';
import { OpenOptions } from './dataset';
import { companionLabels, dataBytes, readNpyHeader } from './npy';
import { listZip, MAX_DEFLATE_RATIO, zipEntrySource } from './zip';
import { isIdxHeader } from './format';
import { statPath } from './files';

function labelsByColumn(target: string, header: ArrayHeader, file: string): LabelSource {
  const width = elementCount(header.shape.slice(1));
  return { kind: 'column', index: columnIndexOf(target, width, file) };
}

function truncated(header: ArrayHeader, file: string, have: number, expected: number): UserError {
  return new UserError(`the file is truncated: ${have} bytes, but its header announces ${expected} (shape ${header.shape.join('×')}, ${header.dtype.name})`, {
    file,
    hint: 'the file was cut off while being written or copied; save it again',
  });
}

/** The header's shape against the bytes really there, before anything the size of the array is allocated. */
function checkSize(header: ArrayHeader, file: string, size: number): void {
  const expected = header.dataOffset + dataBytes(header);
  if (size < expected) throw truncated(header, file, size, expected);
}

/** A compressed array cannot be larger than its compressed bytes times the best ratio deflate reaches. */
function checkCompressedSize(header: ArrayHeader, file: string, compressedBytes: number): void {
  const expected = header.dataOffset + dataBytes(header);
  if (expected > compressedBytes * MAX_DEFLATE_RATIO + 1024) {
    throw new UserError(`the header announces ${expected} bytes (shape ${header.shape.join('×')}, ${header.dtype.name}), more than ${compressedBytes} compressed bytes can hold`, {
      file,
      hint: 'the file is damaged; save or download it again',
    });
  }
}

/** An NPY features file and its labels: a companion file by naming convention, or a column via --target. */
export async function npySpec(file: string, size: number, options: OpenOptions): Promise<ArrayDatasetSpec> {
  const source = fileSource(file);
  const header = await readNpyHeader(source, file);
  checkSize(header, file, size);
  const features: ArrayInput = { file, label: basename(file), source, header };
  let labels: LabelSource;
  if (options.target !== undefined) {
    const asFile = join(dirname(file), options.target);
    if (/\.npy$/i.test(options.target) && existsSync(asFile)) labels = await npyLabels(asFile);
    else labels = labelsByColumn(options.target, header, file);
  } else {
    const { found, tried } = companionLabels(file);
    if (found === undefined) {
      throw new UserError('no label file found beside this array', {
        file,
        hint: `save the labels as ${tried.slice(0, 3).map((t) => basename(t)).join(' or ')}, or pick a label column with --target INDEX (or --target FILE.npy)`,
      });
    }
    labels = await npyLabels(found);
  }
  return { path: file, format: 'npy', features, labels, warnings: [] };
}

async function npyLabels(file: string): Promise<LabelSource> {
  const stats = await statPath(file);
  const source = fileSource(file);
  const header = await readNpyHeader(source, file);
  checkSize(header, file, stats.size);
  return { kind: 'array', input: { file, label: basename(file), source, header } };
}

const FEATURE_NAMES = ['x', 'features', 'inputs', 'data', 'images', 'x_train', 'train_x', 'train_images', 'arr_0'];
const LABEL_NAMES = ['y', 'labels', 'label', 'targets', 'target', 'y_train', 'train_y', 'train_labels', 'arr_1'];

/** An NPZ archive: features and labels are members with the usual names (x/y, x_train/y_train, …). */
export async function npzSpec(file: string, size: number, options: OpenOptions): Promise<ArrayDatasetSpec> {
  const entries = (await listZip(file, size)).filter((e) => e.name.endsWith('.npy'));
  const names = entries.map((e) => e.name.replace(/\.npy$/, ''));
  if (entries.length === 0) throw new UserError('the archive holds no .npy arrays', { file, hint: 'save arrays with numpy.savez(path, x=..., y=...)' });
  const find = (wanted: string[]): number => {
    for (const w of wanted) {
      const i = names.findIndex((n) => n.toLowerCase() === w);
      if (i >= 0) return i;
    }
    return -1;
  };
  const open = async (i: number): Promise<ArrayInput> => {
    const source = await zipEntrySource(file, entries[i]);
    const header = await readNpyHeader(source, `${file}:${names[i]}`);
    // listZip has bounded the member's declared size by the archive's real size.
    checkSize(header, `${file}:${names[i]}`, entries[i].size);
    return { file, label: `${basename(file)}:${names[i]}`, source, header, compressed: true };
  };
  const fi = find(FEATURE_NAMES);
  if (fi < 0) {
    throw new UserError(`no features array among ${names.join(', ')}`, { file, hint: `name it one of ${FEATURE_NAMES.slice(0, 6).join(', ')}` });
  }
  const features = await open(fi);
  const warnings: string[] = [];
  if (names[fi] === 'arr_0') warnings.push('unnamed arrays: using arr_0 as features and arr_1 as labels');
  let labels: LabelSource;
  const byName = options.target === undefined ? -1 : names.indexOf(options.target);
  if (byName >= 0) labels = { kind: 'array', input: await open(byName) };
  else if (options.target !== undefined) labels = labelsByColumn(options.target, features.header, file);
  else {
    const li = find(LABEL_NAMES);
    if (li < 0) {
      throw new UserError(`no labels array among ${names.join(', ')}`, { file, hint: `name it one of ${LABEL_NAMES.slice(0, 6).join(', ')}, or pick a label column or array with --target` });
    }
    labels = { kind: 'array', input: await open(li) };
  }
  return { path: file, format: 'npz', features, labels, warnings };
}

// --- IDX (MNIST) ---------------------------------------------------------------------------------------

const IDX_TYPES: Record<number, Dtype> = {
  0x08: { kind: 'u', size: 1, littleEndian: false, name: 'ubyte' },
  0x09: { kind: 'i', size: 1, littleEndian: false, name: 'byte' },
  0x0b: { kind: 'i', size: 2, littleEndian: false, name: 'short' },
  0x0c: { kind: 'i', size: 4, littleEndian: false, name: 'int' },
  0x0d: { kind: 'f', size: 4, littleEndian: false, name: 'float' },
  0x0e: { kind: 'f', size: 8, littleEndian: false, name: 'double' },
};

const isGzip = (file: string) => /\.gz$/i.test(file);
const idxSource = (file: string): ByteSource => (isGzip(file) ? transformedSource(file, () => createGunzip()) : fileSource(file));

async function readIdxHeader(file: string): Promise<ArrayHeader> {
  const source = idxSource(file);
  const head = await readSourceHead(source, 4);
  if (!isIdxHeader(head)) throw new UserError('not an IDX file (bad magic number)', { file, hint: 'MNIST files start with 0x00000803 (images) or 0x00000801 (labels)' });
  const dims = head[3];
  const full = await readSourceHead(source, 4 + 4 * dims);
  if (full.length < 4 + 4 * dims) throw new UserError('the IDX header is truncated', { file, hint: 'download the file again' });
  const shape = Array.from({ length: dims }, (_, i) => full.readUInt32BE(4 + 4 * i));
  return { dtype: IDX_TYPES[head[2]], shape, fortran: false, dataOffset: 4 + 4 * dims };
}

/** The label file beside an MNIST images file: `*-images-idx3-ubyte` → `*-labels-idx1-ubyte` (also .gz). */
export function idxLabelCandidates(file: string): string[] {
  const dir = dirname(file);
  const name = basename(file).replace(/\.gz$/i, '');
  const swapped = name.replace(/images/i, (m) => (m === 'IMAGES' ? 'LABELS' : m[0] === 'I' ? 'Labels' : 'labels')).replace(/idx3/i, 'idx1');
  return [swapped, `${swapped}.gz`].map((n) => join(dir, n));
}

export async function idxSpec(file: string): Promise<ArrayDatasetSpec> {
  const header = await readIdxHeader(file);
  if (header.shape.length === 1) {
    throw new UserError('this is an IDX label file', { file, hint: 'point at the images file (…-images-idx3-ubyte); its labels are found beside it' });
  }
  const candidates = idxLabelCandidates(file);
  const labelsFile = candidates.find((c) => c !== file && existsSync(c));
  if (labelsFile === undefined) {
    throw new UserError('no label file found beside this IDX images file', { file, hint: `put ${basename(candidates[0])} (or .gz) in the same folder` });
  }
  const labelHeader = await readIdxHeader(labelsFile);
  for (const [path, h] of [[file, header], [labelsFile, labelHeader]] as const) {
    const { size } = await statPath(path);
    if (isGzip(path)) checkCompressedSize(h, path, size);
    else checkSize(h, path, size);
  }
  return {
    path: file,
    format: 'idx',
    features: { file, label: basename(file), source: idxSource(file), header, compressed: isGzip(file) },
    labels: { kind: 'array', input: { file: labelsFile, label: basename(labelsFile), source: idxSource(labelsFile), header: labelHeader } },
    warnings: [],
  };
}
