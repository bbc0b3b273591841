// A whole range test on a dataset in memory: the sweep's learning rates, one or more runs (in parallel
// threads where there are cores for them), their average, and the suggested bounds.
import { availableParallelism } from 'node:os';
import { UserError } from '../core/errors';
import { rangeTestLrs } from '../core/schedules';
import { medianRuns } from '../core/averageRuns';
import { suggestFromRuns } from '../core/runsSuggestion';
import { legacyFinderFields, smoothLosses } from '../core/suggest';
import { FinderSweep, libraryFinders } from '../core/lrFinderRules';
import { RangeTestConfig, RangeTestResult, StopReason, Suggestion } from '../core/types';
import { LogEvent, ProgressEvent, StartedEvent, WORKER_PROTOCOL_VERSION } from '../core/workerProtocol';
import type { Dataset } from '../data/dataset';
import { runInThreads } from './parallelRuns';
import { prepareTrainer } from './prepareTrainer';
import { RunCurve, runConfig, runSeed, runSweep } from './sweep';
import { validateConfig } from './validateConfig';

/** Share of the rows held out for the validation loss when valEvery > 0. */
export const VALIDATION_FRACTION = 0.1;

export type EngineEvent = StartedEvent | ProgressEvent | LogEvent;

export interface RangeTestOptions {
  onEvent?: (event: EngineEvent) => void;
  /** Polled between steps; true stops every run and returns the partial result (stopReason 'cancelled'). */
  isCancelled?: () => boolean;
  /** Run several seeds in worker threads; default: when runs > 1 and there is more than one core. */
  parallel?: boolean;
}

export async function runRangeTestOnDataset(config: RangeTestConfig, dataset: Dataset, options: RangeTestOptions = {}): Promise<RangeTestResult> {
  validateConfig(config);
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
  return assembleResult(config, dataset, backend, curves, lrs);
}


export function assembleResult(config: RangeTestConfig, dataset: Dataset, backend: string, curves: RunCurve[], schedule: number[]): RangeTestResult {
  const stopReason: StopReason = curves.some((c) => c.stopReason === 'cancelled') ? 'cancelled' : curves[0].stopReason;
  const usable = curves.filter((c) => c.losses.length > 0);
  const combined = usable.length > 1 ? medianRuns(usable) : undefined;
  const lrs = combined?.lrs ?? usable[0]?.lrs ?? [];
  const losses = combined?.losses ?? usable[0]?.losses ?? [];
  const smoothed = usable.length === 1 ? usable[0].smoothed : smoothLosses(losses, config.smoothing);
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
  };
  if (combined) {
    result.band = { low: combined.low, high: combined.high };
    result.runCurves = curves.map((c, run) => ({ seed: runSeed(config.seed, run), losses: c.losses, stopReason: c.stopReason }));
  }
  const valLosses = averageValidation(curves);
  if (valLosses.length > 0) result.valLosses = valLosses;
  return result;
}

/** The raw sweep of one run as the other finders' libraries would have recorded it. */
function finderSweep(curve: RunCurve, schedule: number[]): FinderSweep {
  const losses = curve.stopReason === 'non-finite' ? [...curve.losses, curve.brokenLoss ?? NaN] : curve.losses;
  return { lrs: schedule, losses, iterations: schedule.length };
}

/** The suggestion, or, for a curve too short to read, one with confidence 0 that says why. */
function suggestOrExplain(config: RangeTestConfig, dataset: Dataset, curves: RunCurve[], schedule: number[], stopReason: StopReason): Suggestion {
  const runs = curves.map((c) => ({ lrs: c.lrs, losses: c.losses, diverged: c.stopReason === 'diverged' || c.stopReason === 'non-finite' }));
  const trainRows = config.valEvery > 0 ? Math.ceil(dataset.summary.rows * (1 - VALIDATION_FRACTION)) : dataset.summary.rows;
  const firstRun = curves[0] ? finderSweep(curves[0], schedule) : undefined;
  try {
    if (runs.length === 0) throw new UserError('no steps were recorded');
    return suggestFromRuns(runs, { finderSweep: firstRun, seed: config.seed, stepsPerEpoch: Math.max(1, trainRows / Math.min(config.batchSize, trainRows)) });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const steps = curves[0]?.losses.length ?? 0;
    const why = stopReason === 'cancelled' ? 'the test was cancelled early' : stopReason === 'completed' ? 'too few points' : `the loss diverged after ${steps} steps: lower --start-lr`;
    const finders = firstRun ? libraryFinders(firstRun) : undefined;
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
