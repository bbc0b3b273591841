// The suggestion from several runs of the range test (different seeds), with an interval that says where a
// rerun with other seeds would put each bound.
//
// One run's curve carries its seed's luck (initialisation, batch order): the turn-up our max_lr is read
// from can move by a factor of several between seeds. The median curve of several runs moves less, but
// reading a turn-up is a threshold rule, and a threshold on a resampled curve still jumps. So the bounds
// are bagged: resample the runs with replacement, read the bounds on the median curve of each resample,
// and suggest their geometric mean; the interval is the 10th..90th percentile of the same resampled bounds
// (measured in bench/stability: the bagged mean moved least between seed sets of the six estimators tried).
// When the interval is wider than SEED_SPREAD_LIMIT the suggestion hinges on the seeds, and the confidence
// says so. Confidence and diagnostics otherwise come from the median curve of all runs.

import { UserError } from './errors';
import { LossCurve, medianRuns } from './averageRuns';
import type { FinderSweep } from './lrFinderRules';
import { DIAGNOSTICS, DOUBTFUL_CONFIDENCE, suggest, SuggestOptions } from './suggest';
import type { StopReason, Suggestion } from './types';

/** max_lr (or base_lr) intervals wider than this factor mean the runs' seeds disagree. */
export const SEED_SPREAD_LIMIT = 1.5;
const BOOTSTRAP_SAMPLES = 60;
/**
 * The resampled curves are read at most this many points long (every k-th step): the smoother's window grows
 * with the curve, so reading 60 resamples of a 6,000-step test at full length took minutes; the default
 * sweeps (≤ 200 steps) are read whole.
 */
const BOOTSTRAP_POINTS = 400;

function thinned(runs: ReadonlyArray<RunCurveInput>): ReadonlyArray<RunCurveInput> {
  const stride = Math.ceil(Math.max(...runs.map((r) => r.lrs.length)) / BOOTSTRAP_POINTS);
  if (stride <= 1) return runs;
  const keep = <T>(values: readonly T[]): T[] => values.filter((_, i) => i % stride === 0);
  return runs.map((run) => ({ ...run, lrs: keep(run.lrs), losses: keep(run.losses) }));
}

export interface RunCurveInput extends LossCurve {
  /** The run stopped because the loss diverged or turned non-finite. */
  diverged: boolean;
}

export interface RunsSuggestOptions extends Pick<SuggestOptions, 'stepsPerEpoch'> {
  /** The sweep the other finders read (one run: the first seed's, as the libraries would run it). */
  finderSweep?: FinderSweep;
  /** Seed of the bootstrap's resampling (the range test's seed, so that reruns are identical). */
  seed?: number;
}

/** mulberry32: the bootstrap must resample identically for the same seed on every machine. */
function seededRandom(seed: number): () => number {
  let state = (Math.imul(seed | 0, 0x9e3779b1) ^ 0x2545f491) >>> 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Quantile q of sorted values (linear interpolation between order statistics). */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Our bounds on the runs' median curve; it diverged where more than half the runs did. */
function suggestOnMedian(runs: ReadonlyArray<RunCurveInput>, options: SuggestOptions): Suggestion {
  const median = medianRuns(runs);
  const diverged = median.lrs.length < Math.max(...runs.map((r) => r.lrs.length)) || runs.filter((r) => r.diverged).length * 2 > runs.length;
  return suggest(median.lrs, median.losses, { ...options, diverged });
}

function readBounds(runs: ReadonlyArray<RunCurveInput>, options: Pick<SuggestOptions, 'stepsPerEpoch'>): Suggestion | undefined {
  try {
    return suggestOnMedian(runs, { finderSweep: null, stepsPerEpoch: options.stepsPerEpoch });
  } catch (error) {
    if (error instanceof UserError) return undefined;
    throw error;
  }
}

/** Bagged value (geometric mean) and bootstrap interval [lo, hi] (10th..90th percentile) of one bound. */
function bag(values: number[]): { value: number; range: [number, number] } {
  const sorted = values.sort((a, b) => a - b);
  const value = Math.exp(sorted.reduce((sum, v) => sum + Math.log(v), 0) / sorted.length);
  return { value, range: [Math.min(value, quantile(sorted, 0.1)), Math.max(value, quantile(sorted, 0.9))] };
}

/**
 * Our bounds from the runs' median curve, their seed intervals, and the other finders on `finderSweep`.
 * Throws a CurveError when the median curve cannot be read.
 */
export function suggestFromRuns(runs: ReadonlyArray<RunCurveInput>, options: RunsSuggestOptions = {}): Suggestion {
  if (runs.length === 0) throw new UserError('no runs to suggest from');
  const main = suggestOnMedian(runs, { finderSweep: options.finderSweep, stepsPerEpoch: options.stepsPerEpoch });
  if (runs.length < 2 || !Number.isFinite(main.clr.maxLr)) return main;

  const random = seededRandom(options.seed ?? 0);
  const resampled = thinned(runs);
  const maxLrs: number[] = [];
  const baseLrs: number[] = [];
  // A resample's bounds depend only on which runs it drew, not in what order (the median is pointwise), and
  // of 5 runs 60 draws repeat many a multiset: each is read once.
  const read = new Map<string, Suggestion | undefined>();
  for (let b = 0; b < BOOTSTRAP_SAMPLES; b++) {
    const picks = resampled.map(() => Math.floor(random() * resampled.length));
    const key = [...picks].sort((x, y) => x - y).join(',');
    if (!read.has(key)) read.set(key, readBounds(picks.map((i) => resampled[i]), options));
    const s = read.get(key);
    if (s && s.clr.maxLr > 0 && s.clr.baseLr > 0) {
      maxLrs.push(s.clr.maxLr);
      baseLrs.push(s.clr.baseLr);
    }
  }
  if (maxLrs.length === 0) return main;
  const maxLr = bag(maxLrs);
  const baseLr = bag(baseLrs);
  const maxLrRange = maxLr.range;
  const spread = maxLrRange[1] / maxLrRange[0];
  const result: Suggestion = {
    ...main,
    clr: { baseLr: baseLr.value, maxLr: maxLr.value, maxLrRange, baseLrRange: baseLr.range },
    oneCycle: { maxLr: maxLr.value },
  };
  if (spread > SEED_SPREAD_LIMIT) {
    result.confidence = Math.min(result.confidence, DOUBTFUL_CONFIDENCE);
    result.diagnostics = [...result.diagnostics, DIAGNOSTICS.seedsDisagree(maxLrRange[0], maxLrRange[1], runs.length)];
  }
  return result;
}

/** One run as the engine records it (and `clr range-test --json` writes it under runCurves). */
export interface RecordedRun {
  /** Raw losses on the schedule's first lrs, up to the run's stop. */
  losses: number[];
  stopReason: StopReason;
  /** The non-finite loss that ended it, when one did (NaN when unknown). */
  brokenLoss?: number;
}

/** Optimizer steps per pass over `rows` training rows at `batchSize`. */
export function stepsPerEpoch(rows: number, batchSize: number): number {
  return Math.ceil(rows / Math.max(1, Math.min(batchSize, rows)));
}

/** The raw sweep of one run as the other finders' libraries would have recorded it. */
export function recordedSweep(run: RecordedRun, schedule: readonly number[]): FinderSweep {
  const losses = run.stopReason === 'non-finite' ? [...run.losses, run.brokenLoss ?? NaN] : run.losses;
  return { lrs: schedule, losses, iterations: schedule.length };
}

/**
 * The suggestion of a whole range test from its recorded runs on `schedule` (every lr of the sweep): our
 * bounds on the runs' median with their seed interval, the other finders on the first run (the seed the
 * user asked for, as each library would have run it). Throws a UserError when the curve cannot be read.
 */
export function suggestFromRecordedRuns(runs: readonly RecordedRun[], schedule: readonly number[], settings: { seed: number; stepsPerEpoch?: number }): Suggestion {
  const usable = runs.filter((r) => r.losses.length > 0);
  if (usable.length === 0) throw new UserError('no steps were recorded');
  const curves = usable.map((r) => ({ lrs: schedule.slice(0, r.losses.length), losses: r.losses, diverged: r.stopReason === 'diverged' || r.stopReason === 'non-finite' }));
  return suggestFromRuns(curves, { finderSweep: recordedSweep(runs[0], schedule), seed: settings.seed, stepsPerEpoch: settings.stepsPerEpoch });
}
