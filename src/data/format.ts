import { extname } from 'node:path';
import { Stats } from 'node:fs';
import { UserError } from '../core/errors';
import { DatasetSummary } from '../core/types';
import { readHead, requireRegularFile } from './files';

/** The formats read here (a PyTorch-side dataset is described by the Python bridge instead). */
export type DatasetFormat = Exclude<DatasetSummary['format'], 'pytorch'>;

const SUPPORTED = 'CSV, TSV, JSON Lines, NPY, NPZ, MNIST IDX (optionally .gz), or a folder with one sub-folder of PNG/JPEG images per class';

const startsWith = (head: Uint8Array, bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);

/** IDX (MNIST) files start with two zero bytes, a type code and the number of dimensions. */
export function isIdxHeader(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0 && head[1] === 0 && [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e].includes(head[2]) && head[3] >= 1 && head[3] <= 4;
}

/** Decides how to read a path from its kind, its first bytes and its extension (content wins). */
export async function detectFormat(file: string, stats: Stats): Promise<DatasetFormat> {
  if (stats.isDirectory()) return 'images';
  requireRegularFile(stats, file);
  if (stats.size === 0) throw new UserError('the file is empty', { file, hint: 'export the data again; a table needs a header row and data rows' });
  const head = await readHead(file, 512);
  const ext = extname(file).toLowerCase();
  const name = file.toLowerCase();
  if (startsWith(head, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return 'npy';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    if (ext === '.npz') return 'npz';
    const what = ext === '.xlsx' ? 'an Excel workbook' : 'a zip archive';
    throw new UserError(`${what} is not a supported dataset format`, { file, hint: ext === '.xlsx' ? 'save the sheet as CSV' : `extract it; supported: ${SUPPORTED}` });
  }
  if (startsWith(head, [0x1f, 0x8b])) {
    if (name.includes('idx') || name.includes('ubyte')) return 'idx';
    throw new UserError('a gzip-compressed file that is not MNIST IDX', { file, hint: `decompress it first (gunzip); supported: ${SUPPORTED}` });
  }
  if (isIdxHeader(head) && (name.includes('idx') || name.includes('ubyte'))) return 'idx';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47]) || startsWith(head, [0xff, 0xd8, 0xff])) {
    throw new UserError('a single image is not a dataset', { file, hint: 'point at the folder that holds one sub-folder of images per class' });
  }
  const known: Array<[number[], string]> = [
    [[0x50, 0x41, 0x52, 0x31], 'Parquet'],
    [[0x89, 0x48, 0x44, 0x46], 'HDF5'],
    [[0x80], 'a Python pickle'],
    [[0x25, 0x50, 0x44, 0x46], 'PDF'],
  ];
  for (const [magic, what] of known) {
    if (startsWith(head, magic) && (magic.length > 1 || ['.pkl', '.pickle', '.pt', '.pth'].includes(ext))) {
      throw new UserError(`${what} is not a supported dataset format`, { file, hint: `convert it to one of: ${SUPPORTED}` });
    }
  }
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.json') {
    const first = head.toString('utf8').trimStart()[0];
    if (first === '[') throw new UserError('a JSON array, not JSON Lines', { file, hint: 'write one JSON object per line (JSON Lines, .jsonl)' });
    return 'jsonl';
  }
  if (ext === '.npy') return 'npy';
  if (ext === '.npz') return 'npz';
  const text = head.toString('utf8').replace(/^\ufeff/, '').trimStart();
  if (text.startsWith('{')) return 'jsonl';
  if (['.csv', '.tsv', '.tab', '.txt', '.data', '.dat', ''].includes(ext)) return ext === '.tsv' || ext === '.tab' ? 'tsv' : 'csv';
  // Unknown extension: a text table is still readable; binary content is not.
  const printable = head.every((c) => c >= 9 && c !== 0x7f && !(c > 13 && c < 32));
  if (printable) return 'csv';
  throw new UserError(`unknown format '${ext}'`, { file, hint: `supported: ${SUPPORTED}` });
}
