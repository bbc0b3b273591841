import { UserError } from '../core/errors';
import { RANDOM_STREAM, SeededRandom } from './random';

/** Cells that mean "no value" in exported tables. */
const MISSING_TOKENS = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?', '-', '--', 'missing', '#n/a']);

export function isMissingToken(text: string): boolean {
  return text.length <= 7 && MISSING_TOKENS.has(text.trim().toLowerCase());
}

/** First bytes (and first characters) a missing-value token can start with: n, N, ?, -, m, M, #. */
const MISSING_FIRST = new Set([0x6e, 0x4e, 0x3f, 0x2d, 0x6d, 0x4d, 0x23]);

/** Cheap pre-check on bytes (already trimmed): false means the cell is certainly not a missing token. */
export function mayBeMissingToken(buf: Uint8Array, start: number, end: number): boolean {
  return end - start <= 7 && MISSING_FIRST.has(buf[start]);
}

/** More distinct values than this in a text column stop being recorded (no encoding needs more). */
export const MAX_DISTINCT = 1001;

/** Where the first text cell of a column was, for "text in a numeric column" errors. */
export interface CellLocation {
  value: string;
  line: number;
  column: number;
}

/** Whole-file statistics of one column (not just of the sample). */
export interface ColumnStats {
  name: string;
  numeric: number;
  text: number;
  missing: number;
  /** False once a non-integer number was seen. */
  integerOnly: boolean;
  firstText?: CellLocation;
  /** Text values in order of first appearance; code = index. Capped at MAX_DISTINCT. */
  categories: string[];
  categoryCodes: Map<string, number>;
  /** Distinct numbers, tracked for the target column only (capped at MAX_DISTINCT). */
  distinctNumbers?: Set<number>;
}

/**
 * Collects a table one cell at a time in a single pass: whole-file column statistics, plus a uniform seeded
 * reservoir sample of at most `capacity` rows, so that memory stays bounded whatever the file's size.
 * Cells are stored row-major as float64: numbers as is, missing as NaN, text as its category code (marked in
 * `isText`).
 */
export class TableBuilder {
  readonly columns: ColumnStats[];
  readonly width: number;
  /** Data rows seen in the whole file. */
  rowsSeen = 0;
  values: Float64Array;
  isText: Uint8Array | null = null;
  private slot = -1;
  private nextPick = Infinity;
  private skipWeight = 1;
  private readonly random: SeededRandom;

  constructor(
    names: string[],
    readonly targetIndex: number,
    readonly capacity: number,
    seed: number,
    /** A guess of the file's rows: the sample is allocated once at that size rather than grown by copying. */
    expectedRows = 1024,
  ) {
    this.width = names.length;
    this.columns = names.map((name, i) => ({
      name,
      numeric: 0,
      text: 0,
      missing: 0,
      integerOnly: true,
      categories: [],
      categoryCodes: new Map(),
      distinctNumbers: i === targetIndex ? new Set<number>() : undefined,
    }));
    this.random = new SeededRandom(seed, RANDOM_STREAM.sample);
    this.values = new Float64Array(Math.max(1, Math.min(capacity, Math.ceil(expectedRows))) * this.width);
  }

  /** Rows held in the sample. */
  get sampleRows(): number {
    return Math.min(this.rowsSeen, this.capacity);
  }

  /** Starts a row; its cells go into the sample when the reservoir picks it. */
  beginRow(): void {
    const seen = this.rowsSeen++;
    if (seen < this.capacity) {
      this.slot = seen;
      if ((seen + 1) * this.width > this.values.length) this.grow();
      if (seen + 1 === this.capacity) this.planNextPick(seen);
    } else if (seen === this.nextPick) {
      this.slot = this.random.below(this.capacity);
      this.planNextPick(seen);
    } else {
      this.slot = -1;
    }
  }

  /**
   * Reservoir sampling by skips (Li's Algorithm L): draws which row replaces a sample row next instead of a
   * random number for every row, with the same uniform result.
   */
  private planNextPick(current: number): void {
    const k = this.capacity;
    this.skipWeight *= Math.exp(Math.log(this.random.next() || Number.MIN_VALUE) / k);
    const skip = Math.floor(Math.log(this.random.next() || Number.MIN_VALUE) / Math.log(1 - this.skipWeight));
    this.nextPick = current + 1 + (Number.isFinite(skip) ? skip : Number.MAX_SAFE_INTEGER);
  }

  setNumber(col: number, value: number): void {
    const stats = this.columns[col];
    stats.numeric++;
    if (stats.distinctNumbers !== undefined) {
      if (!Number.isInteger(value)) stats.integerOnly = false;
      if (stats.distinctNumbers.size < MAX_DISTINCT) stats.distinctNumbers.add(value);
    } else if (stats.integerOnly && !Number.isInteger(value)) {
      stats.integerOnly = false;
    }
    if (this.slot >= 0) {
      const at = this.slot * this.width + col;
      this.values[at] = value;
      if (this.isText !== null) this.isText[at] = 0;
    }
  }

  setMissing(col: number): void {
    this.columns[col].missing++;
    if (this.slot >= 0) {
      const at = this.slot * this.width + col;
      this.values[at] = NaN;
      if (this.isText !== null) this.isText[at] = 0;
    }
  }

  /** Returns true for the column's first text cell: the caller then records where it is (`noteFirstText`). */
  setText(col: number, text: string): boolean {
    const stats = this.columns[col];
    stats.text++;
    let code = stats.categoryCodes.get(text);
    if (code === undefined) {
      if (stats.categories.length < MAX_DISTINCT) {
        code = stats.categories.length;
        stats.categories.push(text);
        stats.categoryCodes.set(text, code);
      } else {
        code = -1; // beyond the cap the column is dropped or rejected anyway
      }
    }
    if (this.slot >= 0) {
      if (this.isText === null) this.isText = new Uint8Array(this.values.length);
      const at = this.slot * this.width + col;
      this.values[at] = code;
      this.isText[at] = 1;
    }
    return stats.text === 1;
  }

  noteFirstText(col: number, location: CellLocation): void {
    this.columns[col].firstText = location;
  }

  private grow(): void {
    const rows = Math.min(this.capacity, Math.max(1024, (this.values.length / this.width) * 2));
    const values = new Float64Array(rows * this.width);
    values.set(this.values);
    this.values = values;
    if (this.isText !== null) {
      const isText = new Uint8Array(rows * this.width);
      isText.set(this.isText);
      this.isText = isText;
    }
  }
}

/** Bytes the sample takes per row: a float64 per cell, a text flag, and the encoded float32 features. */
export function bytesPerSampleRow(width: number): number {
  return width * (8 + 1 + 4 * 2);
}

/** Names that usually mark the target column, in order of preference (case-insensitive); `y` comes last because it is also a coordinate. */
const TARGET_NAMES = ['label', 'labels', 'target', 'class', 'classes', 'category', 'outcome', 'species', 'digit', 'response', 'output', 'y'];

/** The target column: the one named by the user, else a conventional name, else the last column. */
export function chooseTarget(names: string[], requested: string | undefined, file: string): number {
  if (requested !== undefined) {
    let index = names.indexOf(requested);
    if (index < 0) index = names.findIndex((n) => n.toLowerCase() === requested.toLowerCase());
    if (index < 0) {
      const shown = names.length > 12 ? [...names.slice(0, 12), '…'] : names;
      throw new UserError(`no column named '${requested}'`, { file, hint: `choose --target from: ${shown.join(', ')}` });
    }
    return index;
  }
  for (const candidate of TARGET_NAMES) {
    const index = names.findIndex((n) => n.trim().toLowerCase() === candidate);
    if (index >= 0) return index;
  }
  return names.length - 1;
}
