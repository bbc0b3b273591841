// Order statistics the benchmarks report (medians and percentiles, never means: the machine is shared and
// a few slow outliers would move a mean).

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** The q-quantile (0 ≤ q ≤ 1) with linear interpolation between the closest ranks; NaN for no values. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
