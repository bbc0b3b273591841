// A whole range test on a dataset in memory: the sweep's learning rates, one or more runs (in parallel
// threads where there are cores for them), their average, and the suggested bounds.
import { availableParallelism } from 'node:os';
import { UserError } from '../core/errors';
import { MAX_RUNS } from '../core/limits';
import { rangeTestLrs } from '../core/schedules';
import { medianRuns } from '../core/averageRuns';
import { recordedSweep, stepsPerEpoch, suggestFromRecordedRuns } from '../core/runsSuggestion';
import { centredSmooth, legacyFinderFields } from '../core/suggest';
import { libraryFinders } from '../core/lrFinderRules';
import { RangeTestConfig, RangeTestResult, StopReason, Suggestion } from '../core/types';
import { ProgressEvent, StartedEvent, SuggestingEvent, WORKER_PROTOCOL_VERSION } from '../core/wire/workerChannel';
import type { Dataset } from '../data/dataset';
import { runInThreads } from './parallelRuns';
import { prepareTrainer } from './prepareTrainer';
import { RunCurve, runConfig, runSeed, runSweep } from './sweep';
import { validateConfig } from './validateConfig';

/** Share of the rows held out for the validation loss when valEvery > 0. */
export const VALIDATION_FRACTION = 0.1;

export type EngineEvent = StartedEvent | ProgressEvent | SuggestingEvent;

export interface RangeTestOptions {
  onEvent?: (event: EngineEvent) => void;
  /** Polled between steps; true stops every run and returns the partial result (stopReason 'cancelled'). */
  isCancelled?: () => boolean;
  /** Run several seeds in worker threads; default: when runs > 1 and there is more than one core. */
  parallel?: boolean;
}

/** Rows the sweep trains on (all but the held-out share when a validation loss is asked for). */
const trainingRows = (config: RangeTestConfig, dataset: Dataset): number =>
  config.valEvery > 0 ? Math.ceil(dataset.summary.rows * (1 - VALIDATION_FRACTION)) : dataset.summary.rows;

/** Bounds of the automatic sweep length, and the epochs it aims at within them. */
export const BUDGET = { minIterations: 100, maxIterations: 200, epochs: 20 } as const;

/**
 * Iterations for a dataset of `rows` training rows: enough points in the fall (200 over 1e-4..10 put 40 in
 * each decade of lr), but no more than ~20 epochs, so that a tiny table is not trained to the bone before
 * the lr gets interesting (and never fewer than 100 steps, which a fall needs to be seen at all).
 */
export function sweepBudget(rows: number, batchSize: number): number {
  return Math.max(BUDGET.minIterations, Math.min(BUDGET.maxIterations, BUDGET.epochs * stepsPerEpoch(Math.max(1, rows), batchSize)));
}

/**
 * Runs for an automatic sweep of `iterations` steps when `runs` were asked for at the full length: a sweep
 * the epoch cap shortened runs proportionally more seeds (same steps in all, at most MAX_RUNS). The short
 * sweep of a small table puts few points in each decade and its batches are a large share of the rows, so
 * its seeds disagree most (bench/stability: 300 rows, 100 steps, 5 runs: max_lr 1.6–1.75× apart across
 * seeds; 10 runs: 1.3×).
 */
export function runsBudget(runs: number, iterations: number): number {
  return Math.min(MAX_RUNS, Math.max(runs, Math.round((runs * BUDGET.maxIterations) / Math.max(1, iterations))));
}

/** The config with the automatic sweep length (and runs) chosen for this dataset. */
function sizedToDataset(requested: RangeTestConfig, dataset: Dataset): RangeTestConfig {
  if (!requested.autoIterations) return requested;
  const iterations = sweepBudget(trainingRows(requested, dataset), requested.batchSize);
  return { ...requested, iterations, runs: requested.runs > 1 ? runsBudget(requested.runs, iterations) : requested.runs };
}

export async function runRangeTestOnDataset(requested: RangeTestConfig, dataset: Dataset, options: RangeTestOptions = {}): Promise<RangeTestResult> {
  validateConfig(requested);
  const config = sizedToDataset(requested, dataset);
  const lrs = rangeTestLrs(config.startLr, config.endLr, config.iterations, config.stepMode);
  const { train, validation } = config.valEvery > 0 ? dataset.split(VALIDATION_FRACTION, config.seed) : { train: dataset, validation: undefined };
  if (train.summary.rows === 0) throw new UserError('the dataset has no rows to train on', { file: dataset.summary.path });
  if (validation && validation.summary.rows === 0) {
    throw new UserError(`the dataset is too small to hold out ${VALIDATION_FRACTION * 100}% for the validation loss`, { file: dataset.summary.path, hint: 'set --val-every 0' });
  }
  const parallel = options.parallel ?? (config.runs > 1 && availableParallelism() > 1);
  let backend: string;
  let curves: RunCurve[];
  if (parallel && config.runs > 1) {
    const outcome = await runInThreads(config, dataset.summary, train, validation, lrs, options);
    backend = outcome.backend;
    curves = outcome.curves;
  } else {
    curves = [];
    backend = '';
    for (let run = 0; run < config.runs; run++) {
      const trainer = await prepareTrainer(runConfig(config, run), dataset.summary);
      if (run === 0) {
        backend = trainer.backend;
        options.onEvent?.({ v: WORKER_PROTOCOL_VERSION, type: 'started', backend, dataset: dataset.summary, lrs, runs: config.runs });
      }
      try {
        curves.push(
          await runSweep(trainer, train, validation, {
            lrs,
            batchSize: config.batchSize,
            seed: runSeed(config.seed, run),
            smoothing: config.smoothing,
            diverge: config.diverge,
            valEvery: config.valEvery,
            onPoint: (point) => options.onEvent?.({ v: WORKER_PROTOCOL_VERSION, type: 'progress', run, point }),
            isCancelled: options.isCancelled,
          }),
        );
      } finally {
        trainer.dispose();
      }
      if (curves[run].stopReason === 'cancelled') break;
    }
  }
  // The suggestion can take seconds (several long runs, resampled): whoever streams the points must send the
  // last ones now, not when it is done (a worker batching them on a timer cannot while this thread is busy;
  // it flushes the batch before any other event). The panel then shows every step done, and that the
  // suggestion is being read, not "17,988 of 18,000" for the whole time.
  const trained = curves.reduce((sum, c) => sum + c.losses.length, 0);
  options.onEvent?.({ v: WORKER_PROTOCOL_VERSION, type: 'suggesting', stepsTrained: trained });
  return assembleResult(config, dataset, backend, curves, lrs);
}

export function assembleResult(config: RangeTestConfig, dataset: Dataset, backend: string, curves: RunCurve[], schedule: number[]): RangeTestResult {
  const stopReason: StopReason = curves.some((c) => c.stopReason === 'cancelled') ? 'cancelled' : curves[0].stopReason;
  // A cancelled test shows its first run, the one that streamed: the others stopped at random points.
  const usable = (stopReason === 'cancelled' ? curves.slice(0, 1) : curves).filter((c) => c.losses.length > 0);
  const combined = usable.length > 1 ? medianRuns(usable) : undefined;
  const lrs = combined?.lrs ?? usable[0]?.lrs ?? [];
  const losses = combined?.losses ?? usable[0]?.losses ?? [];
  // The bold curve is the centred smoother our bounds read: an EMA lags the lr by β/(1-β) steps.
  const smoothed = losses.length > 0 ? centredSmooth(lrs, losses) : [];
  const steps = curves.reduce((n, c) => n + c.losses.length, 0);
  const seconds = curves.reduce((s, c) => s + c.trainSeconds, 0);
  const result: RangeTestResult = {
    backend,
    config,
    dataset: dataset.summary,
    lrs,
    losses,
    smoothed,
    stopReason,
    stoppedAt: lrs.length - 1,
    stepsPerSecond: seconds > 0 ? steps / seconds : 0,
    suggestion: suggestOrExplain(config, dataset, usable, schedule, stopReason),
    ...(dataset.preprocessing ? { preprocessing: dataset.preprocessing } : {}),
  };
  if (combined) {
    result.band = { low: combined.low, high: combined.high };
    result.runCurves = curves.map((c, run) => ({ seed: runSeed(config.seed, run), losses: c.losses, stopReason: c.stopReason }));
  }
  const valLosses = averageValidation(curves);
  if (valLosses.length > 0) result.valLosses = valLosses;
  return result;
}

/** The suggestion, or, for a curve too short to read, one with confidence 0 that says why. */
function suggestOrExplain(config: RangeTestConfig, dataset: Dataset, curves: RunCurve[], schedule: number[], stopReason: StopReason): Suggestion {
  try {
    return suggestFromRecordedRuns(curves, schedule, { seed: config.seed, stepsPerEpoch: stepsPerEpoch(trainingRows(config, dataset), config.batchSize) });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const steps = curves[0]?.losses.length ?? 0;
    const why = stopReason === 'cancelled' ? 'the test was cancelled early' : stopReason === 'completed' ? 'too few points' : `the loss diverged after ${steps} steps: lower --start-lr`;
    const finders = curves[0] ? libraryFinders(recordedSweep(curves[0], schedule)) : undefined;
    return {
      clr: { baseLr: NaN, maxLr: NaN },
      oneCycle: { maxLr: NaN },
      ...(finders ? { finders } : {}),
      ...legacyFinderFields(finders),
      confidence: 0,
      diagnostics: [`no suggestion: ${why} (${error.message})`],
    };
  }
}

/** Mean validation loss per step over the runs that computed one at that step. */
function averageValidation(curves: RunCurve[]): Array<[number, number]> {
  const byStep = new Map<number, number[]>();
  for (const c of curves) for (const [step, loss] of c.valLosses) byStep.set(step, [...(byStep.get(step) ?? []), loss]);
  return [...byStep.entries()].sort((a, b) => a[0] - b[0]).map(([step, ls]) => [step, ls.reduce((a, b) => a + b, 0) / ls.length]);
}
