// Numbers as generated Python code writes them.

import { UserError } from './errors';

/** Shortest text that reads back as the same double in Python and JavaScript. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new UserError(`cannot write ${value} into code`);
  return String(value);
}

/** A float literal: PyTorch checks isinstance(pct_start, float), so 0 and 1 must be written 0.0 and 1.0. */
export function formatFloat(value: number): string {
  const text = formatNumber(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** `value` rounded to `digits` significant digits, as a double. */
export function roundSignificant(value: number, digits: number): number {
  return value === 0 || !Number.isFinite(value) ? value : Number(value.toPrecision(digits));
}

/**
 * Bounds as a person writes them: 3 significant digits, or 4 when 3 would make base ≥ max (bounds closer than
 * 1% apart), or the exact values when even 4 would.
 */
export function roundBounds(baseLr: number, maxLr: number): { baseLr: number; maxLr: number } {
  for (const digits of [3, 4]) {
    const base = roundSignificant(baseLr, digits);
    const max = roundSignificant(maxLr, digits);
    if (base < max || !(baseLr < maxLr)) return { baseLr: base, maxLr: max };
  }
  return { baseLr, maxLr };
}
