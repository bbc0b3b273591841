/** Running extremes of a loss curve, kept up to date point by point (a streamed curve is never rescanned). */
export interface LossExtremes {
  minRaw: number;
  maxRaw: number;
  minSmoothed: number;
  maxSmoothed: number;
  firstSmoothed: number;
}

export function emptyLossExtremes(): LossExtremes {
  return { minRaw: Infinity, maxRaw: -Infinity, minSmoothed: Infinity, maxSmoothed: -Infinity, firstSmoothed: NaN };
}

export function addToLossExtremes(e: LossExtremes, raw: number, smoothed: number): void {
  if (Number.isFinite(raw)) {
    if (raw < e.minRaw) e.minRaw = raw;
    if (raw > e.maxRaw) e.maxRaw = raw;
  }
  if (Number.isFinite(smoothed)) {
    if (Number.isNaN(e.firstSmoothed)) e.firstSmoothed = smoothed;
    if (smoothed > e.maxSmoothed) e.maxSmoothed = smoothed;
    if (smoothed < e.minSmoothed) e.minSmoothed = smoothed;
  }
}

/**
 * The loss axis's range: from the minimum to a little above the starting loss. The divergent tail can reach
 * 100× the rest and would squash the interesting part into a flat line; the divergence threshold is a few
 * times the minimum, so 4× the minimum still shows where it diverged. Undefined when nothing is finite yet.
 */
export function lossAxisRange(e: LossExtremes): { min: number; max: number } | undefined {
  if (!Number.isFinite(e.minSmoothed)) return undefined;
  const cap = Math.max(e.firstSmoothed * 1.5, e.minSmoothed * 4);
  const top = Math.min(Math.max(e.maxRaw, e.maxSmoothed), e.maxSmoothed * 1.25, cap);
  const bottom = Math.min(e.minRaw, e.minSmoothed);
  const pad = (top - bottom) * 0.05 || Math.abs(top) * 0.05 || 1;
  // Losses are never negative: a padded axis starting below zero would only waste room.
  return { min: bottom >= 0 ? Math.max(0, bottom - pad) : bottom - pad, max: top + pad };
}

/**
 * Labels for the loss axis's ticks with the fewest decimals that keep every label distinct: a narrow range
 * (1.0885 … 1.0905) would otherwise read "1.09" five times. Very small or large values use exponents.
 */
export function distinctTickLabels(values: readonly number[]): string[] {
  const exponential = values.some((v) => v !== 0 && (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3));
  for (let digits = exponential ? 1 : 0; digits <= 10; digits++) {
    const labels = values.map((v) => (v === 0 ? '0' : exponential ? v.toExponential(digits) : v.toFixed(digits)));
    if (new Set(labels).size === labels.length) return labels;
  }
  return values.map((v) => String(v));
}
