// Number formatting for learning rates and losses, in the short forms people type (3e-4, 0.01).

export { formatLr } from '../core/runOutcome';

export function formatLoss(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : value.toFixed(4);
}

/** Parses what a user typed as a learning rate: a positive finite number, or null. */
export function parsePositive(text: string): number | null {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(value) && value > 0 ? value : null;
}

export function parsePositiveInt(text: string): number | null {
  const value = parsePositive(text);
  return value !== null && Number.isInteger(value) ? value : null;
}
