import { UserError } from '../core/errors';

// Exact powers of ten: with a mantissa below 2^53, one multiplication or division by these is correctly
// rounded (Clinger's fast path), so the fast parser returns exactly what Number() would.
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const MAX_EXACT = 9007199254740992; // 2^53

const SPACE = 0x20;
const TAB = 0x09;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/**
 * Parses a decimal number (`-12`, `3.5`, `.5`, `1e-3`, surrounding blanks allowed) straight from bytes,
 * without making a string; returns NaN for anything else (text, empty). Hex, `Infinity` and `1_000` are not
 * numbers in a data file, so they are NaN here too.
 */
export function parseNumberBytes(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
  while (end > i && (buf[end - 1] === SPACE || buf[end - 1] === TAB)) end--;
  if (i === end) return NaN;
  const first = i;
  let negative = false;
  if (buf[i] === MINUS || buf[i] === PLUS) {
    negative = buf[i] === MINUS;
    i++;
  }
  let mantissa = 0;
  let exponent = 0;
  let digits = 0;
  let exact = true;
  let c = 0;
  for (; i < end; i++) {
    c = buf[i];
    if (c < ZERO || c > NINE) break;
    digits++;
    const next = mantissa * 10 + (c - ZERO);
    if (next < MAX_EXACT) mantissa = next;
    else {
      exact = false;
      exponent++;
    }
  }
  if (i < end && buf[i] === DOT) {
    for (i++; i < end; i++) {
      c = buf[i];
      if (c < ZERO || c > NINE) break;
      digits++;
      const next = mantissa * 10 + (c - ZERO);
      if (next < MAX_EXACT) {
        mantissa = next;
        exponent--;
      } else if (c !== ZERO) {
        exact = false;
      }
    }
  }
  if (digits === 0) return NaN;
  if (i < end && (buf[i] === LOWER_E || buf[i] === UPPER_E)) {
    i++;
    let expNegative = false;
    if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) {
      expNegative = buf[i] === MINUS;
      i++;
    }
    let e = 0;
    let expDigits = 0;
    for (; i < end; i++) {
      c = buf[i];
      if (c < ZERO || c > NINE) break;
      if (e < 100000) e = e * 10 + (c - ZERO);
      expDigits++;
    }
    if (expDigits === 0) return NaN;
    exponent += expNegative ? -e : e;
  }
  if (i !== end) return NaN;
  if (!exact || exponent > 22 || exponent < -22) return slowParse(buf, first, end);
  const value = exponent >= 0 ? mantissa * POW10[exponent] : mantissa / POW10[-exponent];
  return negative ? -value : value;
}

function slowParse(buf: Uint8Array, start: number, end: number): number {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(buf[i]);
  return Number(text);
}

/** The same grammar for a string (quoted CSV cells, JSON strings). */
export function parseNumberString(text: string): number {
  if (!/^[\s0-9+\-.eE]+$/.test(text)) return NaN;
  const bytes = Buffer.from(text, 'latin1');
  return parseNumberBytes(bytes, 0, bytes.length);
}

/** A number too large for a double (1e999) reads as infinity: an error at its cell, not a NaN loss later. */
export function notFinite(file: string, text: string, at: { line: number; column: number }): UserError {
  const shown = text.trim().length > 40 ? `${text.trim().slice(0, 40)}…` : text.trim();
  return new UserError(`the number '${shown}' is too large (it reads as infinity)`, { file, ...at, hint: 'fix the value, or leave the cell empty if it is missing' });
}
