// The suggestion from several runs of the range test (different seeds), with an interval that says where a
// rerun with other seeds would put each bound.
//
// One run's curve carries its seed's luck: where its loss turns up moves with the batches it saw near the
// turn-up (bench/stability/README.md, seventh pass), by σ 0.3–0.6 in ln between seeds. So each run is read
// alone, by the same rule as a single curve, and the bounds are the geometric mean of the runs' reads: that
// averages like the mean it is (σ/√runs), where reading the runs' median curve did not (on bench/stability's
// blobs its σ stayed at 0.18 from 5 runs to 20, and its value drifted 1.4× with the number of runs: a threshold
// on a pointwise median sits where most runs are up at once, later than where each run turns up). The rule's
// constants were calibrated on single curves (bench/suggestion-quality), which is what each run is here.
// The interval is the 10th..90th percentile of the same mean over runs resampled with replacement. When it is
// wider than SEED_SPREAD_LIMIT the suggestion hinges on the seeds, and the confidence says so. Confidence,
// diagnostics and the other finders come from the median curve of all runs (the curve the panel draws).

import { UserError } from './errors';
import { LossCurve, medianRuns } from './averageRuns';
import type { FinderSweep } from './lrFinderRules';
import { DIAGNOSTICS, DOUBTFUL_CONFIDENCE, suggest, SuggestOptions } from './suggest';
import type { StopReason, Suggestion } from './types';

/** max_lr (or base_lr) intervals wider than this factor mean the runs' seeds disagree. */
export const SEED_SPREAD_LIMIT = 1.5;
const BOOTSTRAP_SAMPLES = 400;
/**
 * Runs are read at most this many points long (every k-th step): the smoother's window grows with the curve,
 * so a read costs more than its length (one run of 6,000 steps 0.08 s, of 20,000 steps 0.43 s; 16 runs of
 * 6,000 steps ~0.5 s read whole, ~0.1 s thinned); the default sweeps (≤ 200 steps) are read whole.
 */
const READ_POINTS = 400;

function thinned(run: RunCurveInput): RunCurveInput {
  const stride = Math.ceil(run.lrs.length / READ_POINTS);
  if (stride <= 1) return run;
  const keep = <T>(values: readonly T[]): T[] => values.filter((_, i) => i % stride === 0);
  return { ...run, lrs: keep(run.lrs), losses: keep(run.losses) };
}

export interface RunCurveInput extends LossCurve {
  /** The run stopped because the loss diverged or turned non-finite. */
  diverged: boolean;
}

export interface RunsSuggestOptions extends Pick<SuggestOptions, 'stepsPerEpoch'> {
  /** The sweep the other finders read (one run: the first seed's, as the libraries would run it). */
  finderSweep?: FinderSweep;
  /** Seed of the interval's resampling (the range test's seed, so that reruns are identical). */
  seed?: number;
}

/** mulberry32: the interval must resample identically for the same seed on every machine. */
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

/** One run's own bounds, read as a single curve; undefined when that curve cannot be read. */
function readRun(run: RunCurveInput, options: Pick<SuggestOptions, 'stepsPerEpoch'>): Suggestion['clr'] | undefined {
  try {
    const { clr } = suggestOnMedian([thinned(run)], { finderSweep: null, stepsPerEpoch: options.stepsPerEpoch });
    return clr.maxLr > 0 && clr.baseLr > 0 ? clr : undefined;
  } catch (error) {
    if (error instanceof UserError) return undefined;
    throw error;
  }
}

const meanOf = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

interface AveragedBound {
  value: number;
  range: [number, number];
}

/**
 * Geometric mean of each bound over the runs, and the 10th..90th percentile of it over the runs resampled with
 * replacement: both bounds are read on the same resamples, as the runs they come from are the same.
 */
function averaged(reads: ReadonlyArray<Suggestion['clr']>, random: () => number): { maxLr: AveragedBound; baseLr: AveragedBound } {
  const maxLogs = reads.map((clr) => Math.log(clr.maxLr));
  const baseLogs = reads.map((clr) => Math.log(clr.baseLr));
  const resampledMax: number[] = [];
  const resampledBase: number[] = [];
  for (let b = 0; b < BOOTSTRAP_SAMPLES; b++) {
    const picks = reads.map(() => Math.floor(random() * reads.length));
    resampledMax.push(Math.exp(meanOf(picks.map((i) => maxLogs[i]))));
    resampledBase.push(Math.exp(meanOf(picks.map((i) => baseLogs[i]))));
  }
  const bound = (logs: number[], resampled: number[]): AveragedBound => {
    const value = Math.exp(meanOf(logs));
    resampled.sort((a, b) => a - b);
    return { value, range: [Math.min(value, quantile(resampled, 0.1)), Math.max(value, quantile(resampled, 0.9))] };
  };
  return { maxLr: bound(maxLogs, resampledMax), baseLr: bound(baseLogs, resampledBase) };
}

/**
 * Our bounds as the geometric mean of the runs' own reads, with their seed intervals; confidence, diagnostics
 * and the other finders (on `finderSweep`) from the runs' median curve. Throws a CurveError when the median
 * curve cannot be read.
 */
export function suggestFromRuns(runs: ReadonlyArray<RunCurveInput>, options: RunsSuggestOptions = {}): Suggestion {
  if (runs.length === 0) throw new UserError('no runs to suggest from');
  const main = suggestOnMedian(runs, { finderSweep: options.finderSweep, stepsPerEpoch: options.stepsPerEpoch });
  if (runs.length < 2 || !Number.isFinite(main.clr.maxLr)) return main;

  const reads = runs.map((run) => readRun(run, options)).filter((clr) => clr !== undefined);
  // Runs too short or too flat to read alone: the median curve, which pools them, is all there is.
  if (reads.length < 2) return main;
  const { maxLr, baseLr } = averaged(reads, seededRandom(options.seed ?? 0));
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
 * bounds averaged over the runs' own reads with their seed interval, the other finders on the first run (the seed the
 * user asked for, as each library would have run it). Throws a UserError when the curve cannot be read.
 */
export function suggestFromRecordedRuns(runs: readonly RecordedRun[], schedule: readonly number[], settings: { seed: number; stepsPerEpoch?: number }): Suggestion {
  const usable = runs.filter((r) => r.losses.length > 0);
  if (usable.length === 0) throw new UserError('no steps were recorded');
  const curves = usable.map((r) => ({ lrs: schedule.slice(0, r.losses.length), losses: r.losses, diverged: r.stopReason === 'diverged' || r.stopReason === 'non-finite' }));
  return suggestFromRuns(curves, { finderSweep: recordedSweep(runs[0], schedule), seed: settings.seed, stepsPerEpoch: settings.stepsPerEpoch });
}
