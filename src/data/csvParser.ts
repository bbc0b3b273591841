import { UserError } from '../core/errors';

const QUOTE = 0x22;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
// 10^k for k ≤ 15 is exact, and so is a mantissa of ≤ 15 digits: the quotient is correctly rounded.
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const LF = 0x0a;
const CR = 0x0d;

/** A record longer than this is almost certainly an unterminated quote swallowing the rest of the file. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/**
 * One parsed record, reused between callbacks (copy what you keep). Field i is the bytes
 * `buf[starts[i], ends[i])`; `quoted[i]` is 0 (plain), 1 (quoted) or 2 (quoted with doubled quotes inside).
 */
export class CsvRecord {
  buf: Buffer = Buffer.alloc(0);
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  quoted = new Uint8Array(64);
  /** 1 where field i is a plain decimal (digits, optional '-' and '.') whose value is `values[i]`. */
  plain = new Uint8Array(64);
  values = new Float64Array(64);
  count = 0;
  /** 1-based line where the record starts. */
  line = 0;
  /** Offset of the record's first byte in `buf`. */
  offset = 0;

  /** The text of field i, with quotes undone. */
  text(i: number): string {
    const s = this.buf.toString('utf8', this.starts[i], this.ends[i]);
    return this.quoted[i] === 2 ? s.replace(/""/g, '"') : s;
  }

  /** 1-based line and character column of a byte offset inside this record. */
  locate(offset: number): { line: number; column: number } {
    let line = this.line;
    let lineStart = this.offset;
    for (let i = this.offset; i < offset; i++) {
      if (this.buf[i] === LF) {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, column: this.buf.toString('utf8', lineStart, offset).length + 1 };
  }

  /** Where field i starts (its opening quote for a quoted field). */
  locateField(i: number): { line: number; column: number } {
    return this.locate(this.starts[i] - (this.quoted[i] ? 1 : 0));
  }

  ensure(n: number): void {
    if (n <= this.starts.length) return;
    const size = Math.max(n, this.starts.length * 2);
    const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.starts = grow(this.starts, (k) => new Int32Array(k));
    this.ends = grow(this.ends, (k) => new Int32Array(k));
    this.quoted = grow(this.quoted, (k) => new Uint8Array(k));
    this.plain = grow(this.plain, (k) => new Uint8Array(k));
    this.values = grow(this.values, (k) => new Float64Array(k));
  }
}

/**
 * RFC 4180 parser over byte chunks: quoted fields with doubled quotes and embedded line breaks, LF, CRLF or
 * CR line ends. It works on Buffers and hands out field offsets, so no string is made for a field unless the
 * consumer asks for one. Records split across chunks are carried over to the next chunk.
 * `onRecord` returns false to stop early.
 */
export class CsvParser {
  private leftover: Buffer | null = null;
  private line = 1;
  private stopped = false;
  private readonly record = new CsvRecord();

  constructor(
    private readonly delimiter: number,
    private readonly file: string,
    private readonly onRecord: (record: CsvRecord) => boolean | void,
  ) {}

  get done(): boolean {
    return this.stopped;
  }

  push(chunk: Buffer): void {
    if (this.stopped) return;
    if (this.leftover !== null) chunk = this.completeLeftover(chunk);
    if (this.stopped) return;
    const buf = this.leftover === null ? chunk : Buffer.concat([this.leftover, chunk]);
    const used = this.parse(buf, false);
    this.leftover = used < buf.length ? Buffer.from(buf.subarray(used)) : null;
    if (this.leftover !== null && this.leftover.length > MAX_RECORD_BYTES) {
      this.record.buf = this.leftover;
      this.record.offset = 0;
      this.record.line = this.line;
      throw new UserError(`a record longer than ${MAX_RECORD_BYTES / 1048576} MB starts here`, {
        file: this.file,
        line: this.line,
        column: 1,
        hint: 'probably a quote that is never closed; double quotes inside quoted fields ("") and close every quoted field',
      });
    }
  }

  /**
   * Finishes the record carried over from the previous chunk by joining it with just the start of this chunk
   * (up to a line break) instead of copying the whole chunk; returns the rest of the chunk. Gives up after a
   * few tries (a quoted field spanning many lines), leaving the general path to join everything.
   */
  private completeLeftover(chunk: Buffer): Buffer {
    let from = 0;
    for (let tries = 0; tries < 4 && this.leftover !== null; tries++) {
      const lf = chunk.indexOf(LF, from);
      if (lf < 0) return chunk.subarray(from);
      const joined = Buffer.concat([this.leftover, chunk.subarray(from, lf + 1)]);
      const used = this.parse(joined, false);
      if (this.stopped) return chunk.subarray(lf + 1);
      this.leftover = used < joined.length ? Buffer.from(joined.subarray(used)) : null;
      from = lf + 1;
    }
    return chunk.subarray(from);
  }

  finish(): void {
    if (this.stopped || this.leftover === null) return;
    const buf = this.leftover;
    this.leftover = null;
    this.parse(buf, true);
  }

  /** Parses whole records from buf; returns the offset of the first byte not consumed. */
  private parse(buf: Buffer, final: boolean): number {
    const n = buf.length;
    const delimiter = this.delimiter;
    const record = this.record;
    record.buf = buf;
    let pos = 0;
    while (pos < n) {
      const recordStart = pos;
      const recordLine = this.line;
      let p = pos;
      let count = 0;
      let newlines = 0;
      let complete = true;
      for (;;) {
        if (count >= record.starts.length) record.ensure(count + 1);
        if (p < n && buf[p] === QUOTE) {
          const s = p + 1;
          let q = s;
          let escaped = false;
          for (;;) {
            q = buf.indexOf(QUOTE, q);
            if (q < 0 || (q + 1 >= n && !final)) {
              complete = false;
              break;
            }
            if (q + 1 < n && buf[q + 1] === QUOTE) {
              escaped = true;
              q += 2;
              continue;
            }
            break;
          }
          if (!complete) {
            if (final) {
              record.offset = recordStart;
              record.line = recordLine;
              const at = record.locate(p);
              throw new UserError('a quoted field is never closed', {
                file: this.file,
                line: at.line,
                column: at.column,
                hint: 'close the quote, and double any quote inside a quoted field ("")',
              });
            }
            break;
          }
          for (let k = buf.indexOf(LF, s); k >= 0 && k < q; k = buf.indexOf(LF, k + 1)) newlines++;
          record.starts[count] = s;
          record.ends[count] = q;
          record.quoted[count] = escaped ? 2 : 1;
          record.plain[count] = 0;
          count++;
          p = q + 1;
          if (p >= n) break;
          const c = buf[p];
          if (c === delimiter) {
            p++;
            continue;
          }
          if (c === LF || c === CR) break;
          record.offset = recordStart;
          record.line = recordLine;
          const at = record.locate(p);
          throw new UserError(`unexpected '${String.fromCharCode(c)}' after a closing quote`, {
            file: this.file,
            line: at.line,
            column: at.column,
            hint: 'a quoted field must end at a delimiter or the line end; double quotes inside quoted fields ("")',
          });
        }
        const s = p;
        // Plain decimals (-12.5) are the bulk of a data file: read their value during the scan, so that no
        // second pass over the bytes is needed. Anything else (exponents, blanks, text) is left to the consumer.
        // Reads past the end give -1 rather than undefined, so that `c` stays a small integer for the compiler.
        let c = p < n ? buf[p] : -1;
        let negative = false;
        if (c === MINUS) {
          negative = true;
          c = ++p < n ? buf[p] : -1;
        }
        let mantissa = 0;
        let digits = 0;
        while (c >= ZERO && c <= NINE) {
          mantissa = mantissa * 10 + (c - ZERO);
          digits++;
          c = ++p < n ? buf[p] : -1;
        }
        let decimals = 0;
        if (c === DOT) {
          c = ++p < n ? buf[p] : -1;
          while (c >= ZERO && c <= NINE) {
            mantissa = mantissa * 10 + (c - ZERO);
            decimals++;
            c = ++p < n ? buf[p] : -1;
          }
        }
        if (p >= n || c === delimiter || c === LF || c === CR) {
          const total = digits + decimals;
          if (total > 0 && total <= 15) {
            const value = decimals === 0 ? mantissa : mantissa / POW10[decimals];
            record.values[count] = negative ? -value : value;
            record.plain[count] = 1;
          } else {
            record.plain[count] = 0;
          }
        } else {
          record.plain[count] = 0;
          while (p < n) {
            c = buf[p];
            if (c === delimiter || c === LF || c === CR) break;
            p++;
          }
        }
        if (p > n) p = n;
        if (p >= n && !final) {
          complete = false;
          break;
        }
        record.starts[count] = s;
        record.ends[count] = p;
        record.quoted[count] = 0;
        count++;
        if (p < n && c === delimiter) {
          p++;
          continue;
        }
        break;
      }
      if (!complete) return recordStart;
      // Line end: CRLF, LF or a lone CR. A CR at the end of a chunk may be half of a CRLF.
      if (p < n && buf[p] === CR) {
        if (p + 1 >= n && !final) return recordStart;
        p++;
        if (p < n && buf[p] === LF) p++;
      } else if (p < n && buf[p] === LF) {
        p++;
      }
      this.line = recordLine + 1 + newlines;
      record.count = count;
      record.line = recordLine;
      record.offset = recordStart;
      pos = p;
      if (this.onRecord(record) === false) {
        this.stopped = true;
        return n;
      }
    }
    return pos;
  }
}
