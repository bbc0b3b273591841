import { UserError } from '../core/errors';
import { TableReadOptions } from './csvReader';
import { forEachChunk, looksBinary, readHead } from './files';
import { notFinite, parseNumberString } from './numberParser';
import { TableSource } from './tabular';
import { TableBuilder, chooseTarget, isMissingToken } from './table';

const CHUNK_BYTES = 1024 * 1024;
const MAX_LINE_BYTES = 64 * 1024 * 1024;

type JsonObject = Record<string, unknown>;

/** Columns of the first object: scalar keys as they are, arrays of numbers as `key[i]`. */
interface Layout {
  names: string[];
  keys: Array<{ key: string; length: number; first: number }>;
}

function layoutOf(object: JsonObject, file: string, line: number, text: string): Layout {
  const names: string[] = [];
  const keys: Layout['keys'] = [];
  for (const [key, value] of Object.entries(object)) {
    if (Array.isArray(value)) {
      keys.push({ key, length: value.length, first: names.length });
      for (let i = 0; i < value.length; i++) names.push(`${key}[${i}]`);
    } else if (value !== null && typeof value === 'object') {
      throw new UserError(`the value of '${key}' is a nested object`, { file, line, column: columnOfKey(text, key), hint: 'flatten it into top-level keys (one per feature)' });
    } else {
      keys.push({ key, length: -1, first: names.length });
      names.push(key);
    }
  }
  if (names.length === 0) throw new UserError('the first object has no keys', { file, line, column: 1, hint: 'write one object per line, e.g. {"x1": 0.5, "label": "a"}' });
  return { names, keys };
}

/** The number as written after `"key":` on the line (JSON.parse has turned 1e999 into Infinity). */
function rawNumber(text: string, key: string): string | undefined {
  const quoted = JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${quoted}\\s*:\\s*(-?[0-9][0-9.eE+-]*)`).exec(text)?.[1];
}

function columnOfKey(text: string, key: string): number {
  const at = text.indexOf(JSON.stringify(key));
  return at >= 0 ? at + 1 : 1;
}

/** One pass over a JSON Lines file (one object per line): column statistics plus a bounded row sample. */
export async function readJsonl(file: string, fileSize: number, options: TableReadOptions): Promise<TableSource> {
  const head = await readHead(file, 65536);
  if (looksBinary(head)) {
    throw new UserError('binary data, not JSON Lines', { file, hint: 'point at a text file with one JSON object per line' });
  }
  let layout: Layout | null = null;
  let builder: TableBuilder | null = null;
  let lineNumber = 0;
  let leftover: Buffer | null = null;

  const handleLine = (bytes: Buffer): void => {
    lineNumber++;
    const text = bytes.toString('utf8').replace(/^\ufeff/, '').trim();
    if (text === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const position = /position (\d+)/.exec(String((error as Error).message));
      throw new UserError(`not valid JSON: ${(error as Error).message.replace(/ in JSON at position \d+.*$/, '')}`, {
        file,
        line: lineNumber,
        column: position ? Number(position[1]) + 1 : 1,
        hint: 'each line must be one complete JSON object',
      });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new UserError(`expected a JSON object, found ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`, {
        file,
        line: lineNumber,
        column: 1,
        hint: 'write one object per line, e.g. {"x1": 0.5, "label": "a"}',
      });
    }
    const object = parsed as JsonObject;
    if (layout === null) {
      layout = layoutOf(object, file, lineNumber, text);
      const targetIndex = chooseTarget(layout.names, options.target, file);
      builder = new TableBuilder(layout.names, targetIndex, options.capacityRows(layout.names.length), options.seed);
    }
    const b = builder!;
    const known = layout.keys;
    let matched = 0;
    b.beginRow();
    for (const { key, length, first } of known) {
      const value = object[key];
      if (value !== undefined) matched++;
      const where = () => ({ line: lineNumber, column: columnOfKey(text, key) });
      const raw = () => rawNumber(text, key);
      if (length >= 0) {
        if (value === undefined || value === null) {
          for (let i = 0; i < length; i++) b.setMissing(first + i);
          continue;
        }
        if (!Array.isArray(value) || value.length !== length) {
          throw new UserError(`'${key}' should be an array of ${length} numbers, as in the first line`, { file, ...where(), hint: 'give every row arrays of the same length' });
        }
        for (let i = 0; i < length; i++) cell(b, first + i, value[i], key, where, () => undefined);
        continue;
      }
      cell(b, first, value, key, where, raw);
    }
    if (matched < Object.keys(object).length) {
      const extra = Object.keys(object).find((k) => !known.some((c) => c.key === k))!;
      throw new UserError(`key '${extra}' is not in the first line`, {
        file,
        line: lineNumber,
        column: columnOfKey(text, extra),
        hint: 'give every line the same keys (use null for a missing value)',
      });
    }
  };

  const cell = (b: TableBuilder, col: number, value: unknown, key: string, where: () => { line: number; column: number }, raw: () => string | undefined): void => {
    if (value === undefined || value === null) b.setMissing(col);
    else if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw notFinite(file, raw() ?? String(value), where());
      b.setNumber(col, value);
    }
    else if (typeof value === 'boolean') b.setNumber(col, value ? 1 : 0);
    else if (typeof value === 'string') {
      const text = value.trim();
      const number = parseNumberString(text);
      if (number === number) {
        if (!Number.isFinite(number)) throw notFinite(file, text, where());
        b.setNumber(col, number);
      }
      else if (isMissingToken(text)) b.setMissing(col);
      else if (b.setText(col, text)) b.noteFirstText(col, { value: text, ...where() });
    } else {
      throw new UserError(`the value of '${key}' is ${Array.isArray(value) ? 'an array' : 'a nested object'}`, { file, ...where(), hint: 'use numbers, strings, booleans or null' });
    }
  };

  let bytesRead = 0;
  await forEachChunk(file, 0, CHUNK_BYTES, (chunk) => {
    bytesRead += chunk.length;
    options.onProgress?.(bytesRead, fileSize);
    let buf = leftover === null ? chunk : Buffer.concat([leftover, chunk]);
    let start = 0;
    for (let end = buf.indexOf(0x0a, start); end >= 0; end = buf.indexOf(0x0a, start)) {
      handleLine(buf.subarray(start, end));
      start = end + 1;
    }
    buf = buf.subarray(start);
    if (buf.length > MAX_LINE_BYTES) {
      throw new UserError(`line ${lineNumber + 1} is longer than 64 MB`, { file, line: lineNumber + 1, hint: 'JSON Lines needs one object per line' });
    }
    leftover = buf.length > 0 ? Buffer.from(buf) : null;
  });
  if (leftover !== null) handleLine(leftover);
  if (builder === null) {
    throw new UserError('the file is empty', { file, hint: 'write one JSON object per line' });
  }
  return { path: file, format: 'jsonl', builder, generatedNames: false, warnings: [] };
}
