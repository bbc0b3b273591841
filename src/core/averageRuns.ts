import { UserError } from './errors';
import { finitePrefixLength } from './smoothing';

export interface LossCurve {
  lrs: number[];
  losses: number[];
}

/** Linear interpolation of `ys` at `x` over increasing `xs`; undefined outside [xs[0], xs[last]]. */
function interpolate(xs: readonly number[], ys: readonly number[], x: number): number | undefined {
  const n = xs.length;
  if (n === 0 || x < xs[0] || x > xs[n - 1]) return undefined;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  if (xs[hi] === xs[lo]) return ys[lo];
  const t = (x - xs[lo]) / (xs[hi] - xs[lo]);
  return ys[lo] + t * (ys[hi] - ys[lo]);
}

/**
 * Averages the range tests of several seeds into one curve, on the first run's learning rates (other runs
 * are interpolated in log10(lr) where their schedules differ), over the range that every run covers. The
 * average stops where the first run stops
 * or turns non-finite: past that point only the luckier seeds remain, and their mean would hide the
 * divergence that a safe max_lr must stay below. `spread` is the standard deviation across runs.
 */
export function averageRuns(runs: ReadonlyArray<LossCurve>): LossCurve & { spread: number[] } {
  if (runs.length === 0) throw new UserError('no runs to average');
  const prefixes = runs.map((run, r) => {
    if (run.lrs.length !== run.losses.length) {
      throw new UserError(`run ${r + 1} has ${run.lrs.length} learning rates but ${run.losses.length} losses`);
    }
    const n = finitePrefixLength(run.losses);
    return { logLrs: run.lrs.slice(0, n).map(Math.log10), losses: run.losses.slice(0, n) };
  });
  const grid = runs[0].lrs;
  const lrs: number[] = [];
  const losses: number[] = [];
  const spread: number[] = [];
  for (const lr of grid) {
    const x = Math.log10(lr);
    const values = prefixes.map((p) => interpolate(p.logLrs, p.losses, x));
    if (values.some((v) => v === undefined)) {
      // Before every run has started (different start_lr) keep looking; after one has stopped, stop.
      if (lrs.length === 0) continue;
      break;
    }
    const ys = values as number[];
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const variance = ys.reduce((a, b) => a + (b - mean) ** 2, 0) / ys.length;
    lrs.push(lr);
    losses.push(mean);
    spread.push(Math.sqrt(variance));
  }
  return { lrs, losses, spread };
}

export interface MedianCurve extends LossCurve {
  /** Lowest and highest loss among the runs still going at each point: the band the panel draws. */
  low: number[];
  high: number[];
}

/**
 * The pointwise median of runs recorded on one lr schedule (each a prefix of the longest). A run that has
 * stopped (diverged, or turned non-finite) counts as +∞ from there on: the median goes on while more than
 * half the runs are still finite, so one lucky seed cannot extend it and one unlucky seed cannot cut it.
 */
export function medianRuns(runs: ReadonlyArray<LossCurve>): MedianCurve {
  if (runs.length === 0) throw new UserError('no runs to combine');
  const grid = runs.reduce((a, b) => (b.lrs.length > a.lrs.length ? b : a)).lrs;
  const finite = runs.map((run) => finitePrefixLength(run.losses.slice(0, run.lrs.length)));
  const out: MedianCurve = { lrs: [], losses: [], low: [], high: [] };
  const values = new Array<number>(runs.length);
  for (let i = 0; i < grid.length; i++) {
    let alive = 0;
    for (let r = 0; r < runs.length; r++) {
      values[r] = i < finite[r] ? runs[r].losses[i] : Infinity;
      if (i < finite[r]) alive++;
    }
    if (2 * alive <= runs.length && runs.length > 1) break;
    if (alive === 0) break;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    out.lrs.push(grid[i]);
    out.losses.push(sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
    out.low.push(sorted[0]);
    out.high.push(sorted[alive - 1]);
  }
  return out;
}
