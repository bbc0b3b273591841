import { extname } from 'node:path';
import { UserError } from '../core/errors';
import { CsvParser, CsvRecord } from './csvParser';
import { forEachChunk, looksBinary, readHead } from './files';
import { notFinite, parseNumberBytes, parseNumberString } from './numberParser';
import { TableSource } from './tabular';
import { TableBuilder, chooseTarget, isMissingToken, mayBeMissingToken } from './table';

const HEAD_BYTES = 64 * 1024;
const MAX_HEAD_BYTES = 16 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;
const SNIFF_RECORDS = 100;
const COMMA = 0x2c;
const TAB = 0x09;
const SEMICOLON = 0x3b;
const PIPE = 0x7c;

/** How a delimited text file is laid out, found from its first 64 KB. */
export interface CsvLayout {
  delimiter: number;
  hasHeader: boolean;
  names: string[];
  generatedNames: boolean;
  /** Bytes of byte-order mark to skip. */
  skip: number;
  /** Average bytes per record in the first 64 KB, to guess the number of rows. */
  bytesPerRecord: number;
  warnings: string[];
}

/** Records of a byte sample as strings (the incomplete last one left out unless the sample is the whole file). */
function sampleRecords(head: Buffer, delimiter: number, file: string, whole: boolean): string[][] {
  const rows: string[][] = [];
  const parser = new CsvParser(delimiter, file, (record: CsvRecord) => {
    if (isBlank(record)) return;
    const row: string[] = [];
    for (let i = 0; i < record.count; i++) row.push(record.text(i));
    rows.push(row);
    return rows.length < SNIFF_RECORDS;
  });
  parser.push(head);
  if (whole) parser.finish();
  return rows;
}

function countLineBreaks(bytes: Buffer, enough: number): number {
  let count = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0 && count < enough; i = bytes.indexOf(0x0a, i + 1)) count++;
  return count;
}

function isBlank(record: CsvRecord): boolean {
  if (record.count !== 1 || record.quoted[0]) return false;
  for (let i = record.starts[0]; i < record.ends[0]; i++) {
    const c = record.buf[i];
    if (c !== 0x20 && c !== TAB) return false;
  }
  return true;
}

function mode(values: number[]): { value: number; share: number } {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return { value: best, share: values.length ? bestCount / values.length : 0 };
}

const isNumberText = (text: string): boolean => !Number.isNaN(parseNumberString(text));

/**
 * A header is a first row with text above a column of numbers (even when some names are numbers, like years);
 * with no such column, a first row without numbers whose values never appear again in their columns.
 */
function detectHeader(rows: string[][]): boolean {
  const first = rows[0];
  const data = rows.slice(1);
  const isText = (v: string) => v.trim() !== '' && !isNumberText(v) && !isMissingToken(v);
  if (data.length === 0) return first.every(isText);
  for (let c = 0; c < first.length; c++) {
    if (!isText(first[c])) continue;
    const cells = data.map((r) => r[c]).filter((v) => v !== undefined && !isMissingToken(v));
    if (cells.length > 0 && cells.filter(isNumberText).length >= cells.length / 2) return true;
  }
  if (first.some((v) => v.trim() !== '' && isNumberText(v))) return false;
  const distinct = new Set(first).size === first.length;
  return distinct && first.every((name, c) => !data.some((r) => r[c] === name));
}

export async function sniffCsv(file: string, fileSize: number): Promise<CsvLayout> {
  // Wide tables (thousands of columns) can have lines longer than the usual head: read more until two lines fit.
  let head = await readHead(file, HEAD_BYTES);
  while (head.length < fileSize && head.length < MAX_HEAD_BYTES && countLineBreaks(head, 2) < 2) head = await readHead(file, head.length * 4);
  const whole = head.length >= fileSize;
  const warnings: string[] = [];
  let skip = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    skip = 3;
    head = head.subarray(3);
  } else if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new UserError('the file is UTF-16 text', { file, hint: 'save it as UTF-8 (most spreadsheet programs offer "CSV UTF-8")' });
  }
  if (looksBinary(head)) {
    throw new UserError('binary data, not a text table', { file, hint: 'point at a CSV, TSV, JSONL, NPY, NPZ or MNIST IDX file, or a folder of images' });
  }
  if (head.every((c) => c === 0x20 || c === TAB || c === 0x0a || c === 0x0d)) {
    throw new UserError('the file is empty', { file, hint: 'export the data again; a table needs a header row and data rows' });
  }

  const preferTab = extname(file).toLowerCase() === '.tsv' || extname(file).toLowerCase() === '.tab';
  const candidates = preferTab ? [TAB, COMMA, SEMICOLON, PIPE] : [COMMA, TAB, SEMICOLON, PIPE];
  let best: { delimiter: number; rows: string[][]; width: number; share: number } | null = null;
  for (const delimiter of candidates) {
    let rows: string[][];
    try {
      rows = sampleRecords(head, delimiter, file, whole);
    } catch (error) {
      if (error instanceof UserError) continue;
      throw error;
    }
    if (rows.length === 0) continue;
    const { value: width, share } = mode(rows.map((r) => r.length));
    if (width < 2) continue;
    if (best === null || share > best.share + 1e-9 || (Math.abs(share - best.share) < 1e-9 && width > best.width)) {
      best = { delimiter, rows, width, share };
    }
  }
  if (best === null) {
    const rows = sampleRecords(head, candidates[0], file, whole);
    if (rows.length === 0) {
      throw new UserError(`no complete line in the first ${Math.round(head.length / 1024)} KB`, { file, hint: 'is this a text table? lines must end with a line break' });
    }
    throw new UserError('found a single column', {
      file,
      hint: 'a dataset needs input columns and a target column separated by commas, tabs, semicolons or |',
    });
  }
  const hasHeader = detectHeader(best.rows);
  let names: string[];
  let generatedNames = false;
  if (hasHeader) {
    names = best.rows[0].map((name, i) => name.trim() || `column${i + 1}`);
    const seen = new Map<string, number>();
    names = names.map((name) => {
      const k = (seen.get(name) ?? 0) + 1;
      seen.set(name, k);
      if (k === 1) return name;
      warnings.push(`the header repeats the column name '${name}': the copy is called '${name}_${k}'`);
      return `${name}_${k}`;
    });
  } else {
    names = best.rows[0].map((_, i) => `column${i + 1}`);
    generatedNames = true;
    warnings.push(`no header row: the columns are named column1…column${names.length}`);
  }
  const bytesPerRecord = head.length / Math.max(1, best.rows.length);
  return { delimiter: best.delimiter, hasHeader, names, generatedNames, skip, bytesPerRecord, warnings };
}

/** What a table reader needs besides the file (shared by the CSV and JSONL readers). */
export interface TableReadOptions {
  target?: string;
  /** Rows the sample may hold, given the number of columns (known only once the header is read). */
  capacityRows: (width: number) => number;
  seed: number;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** One pass over a CSV/TSV file: whole-file column statistics plus a bounded uniform sample of rows. */
export async function readCsv(file: string, fileSize: number, options: TableReadOptions): Promise<TableSource> {
  const layout = await sniffCsv(file, fileSize);
  const { names, delimiter } = layout;
  const width = names.length;
  const targetIndex = chooseTarget(names, options.target, file);
  // The head's records are a little shorter on average than head.length / count suggests: guess 10% more rows.
  const expectedRows = (1.1 * fileSize) / layout.bytesPerRecord;
  const builder = new TableBuilder(names, targetIndex, options.capacityRows(width), options.seed, expectedRows);
  let skipHeader = layout.hasHeader;

  const onRecord = (record: CsvRecord): void => {
    if (isBlank(record)) return;
    if (skipHeader) {
      skipHeader = false;
      return;
    }
    if (record.count !== width) {
      const at = record.count > width ? record.locateField(width) : record.locate(record.ends[record.count - 1] + (record.quoted[record.count - 1] ? 1 : 0));
      throw new UserError(`this row has ${record.count} fields but the ${layout.hasHeader ? 'header' : 'first row'} has ${width}`, {
        file,
        line: at.line,
        column: at.column,
        hint: record.count > width ? 'quote values that contain the delimiter, or remove the extra fields' : 'add the missing fields (leave a cell empty for a missing value)',
      });
    }
    const buf = record.buf;
    builder.beginRow();
    for (let f = 0; f < width; f++) {
      const s = record.starts[f];
      const e = record.ends[f];
      let text: string;
      if (record.plain[f] === 1) {
        if (!Number.isFinite(record.values[f])) throw notFinite(file, record.text(f), record.locateField(f));
        builder.setNumber(f, record.values[f]);
        continue;
      }
      if (record.quoted[f] === 0) {
        if (s === e) {
          builder.setMissing(f);
          continue;
        }
        const value = parseNumberBytes(buf, s, e);
        if (value === value) {
          if (!Number.isFinite(value)) throw notFinite(file, buf.toString('utf8', s, e), record.locateField(f));
          builder.setNumber(f, value);
          continue;
        }
        let a = s;
        let b = e;
        while (a < b && (buf[a] === 0x20 || buf[a] === TAB)) a++;
        while (b > a && (buf[b - 1] === 0x20 || buf[b - 1] === TAB)) b--;
        if (a === b || (mayBeMissingToken(buf, a, b) && isMissingToken(buf.toString('latin1', a, b)))) {
          builder.setMissing(f);
          continue;
        }
        const text = buf.toString('utf8', a, b);
        if (builder.setText(f, text)) builder.noteFirstText(f, { value: text, ...record.locateField(f) });
        continue;
      } else {
        text = record.text(f).trim();
        const value = parseNumberString(text);
        if (value === value) {
          if (!Number.isFinite(value)) throw notFinite(file, text, record.locateField(f));
          builder.setNumber(f, value);
          continue;
        }
      }
      if (isMissingToken(text)) builder.setMissing(f);
      else if (builder.setText(f, text)) builder.noteFirstText(f, { value: text, ...record.locateField(f) });
    }
  };

  const parser = new CsvParser(delimiter, file, onRecord);
  let bytesRead = layout.skip;
  await forEachChunk(file, layout.skip, CHUNK_BYTES, (chunk) => {
    parser.push(chunk);
    bytesRead += chunk.length;
    options.onProgress?.(bytesRead, fileSize);
  });
  parser.finish();
  if (builder.rowsSeen === 0) {
    throw new UserError(layout.hasHeader ? 'the file has a header but no data rows' : 'the file has no data rows', {
      file,
      line: 2,
      hint: 'add data rows below the header',
    });
  }
  return {
    path: file,
    format: delimiter === TAB ? 'tsv' : 'csv',
    builder,
    generatedNames: layout.generatedNames,
    warnings: layout.warnings,
  };
}
