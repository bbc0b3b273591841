// A whole range test on a dataset in memory: the sweep's learning rates, one or more runs (in parallel
// threads where there are cores for them), their average, and the suggested bounds.
import { availableParallelism } from 'node:os';
import { UserError } from '../core/errors';
import { rangeTestLrs } from '../core/schedules';
import { averageRuns, smoothLosses, suggest } from '../core/suggest';
import { RangeTestConfig, RangeTestResult, StopReason, Suggestion } from '../core/types';
import { LogEvent, ProgressEvent, StartedEvent, WORKER_PROTOCOL_VERSION } from '../core/workerProtocol';
import type { Dataset } from '../data/dataset';
import { runInThreads } from './parallelRuns';
import { prepareTrainer } from './prepareTrainer';
import { RunCurve, runSeed, runSweep } from './sweep';
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
    const trainer = await prepareTrainer(config, dataset.summary);
    backend = trainer.backend;
    options.onEvent?.({ v: WORKER_PROTOCOL_VERSION, type: 'started', backend, dataset: dataset.summary, lrs, runs: config.runs });
    curves = [];
    try {
      for (let run = 0; run < config.runs; run++) {
        trainer.reset();
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
        if (curves[run].stopReason === 'cancelled') break;
      }
    } finally {
      trainer.dispose();
    }
  }
  return assembleResult(config, dataset, backend, curves);
}

export function assembleResult(config: RangeTestConfig, dataset: Dataset, backend: string, curves: RunCurve[]): RangeTestResult {
  const stopReason: StopReason = curves.some((c) => c.stopReason === 'cancelled') ? 'cancelled' : curves[0].stopReason;
  const usable = curves.filter((c) => c.losses.length > 0);
  let lrs: number[];
  let losses: number[];
  let spread: number[] | undefined;
  if (usable.length <= 1) {
    lrs = usable[0]?.lrs ?? [];
    losses = usable[0]?.losses ?? [];
  } else {
    ({ lrs, losses, spread } = averageRuns(usable));
  }
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
    suggestion: suggestOrExplain(lrs, losses, config.smoothing, stopReason),
  };
  if (spread) result.spread = spread;
  const valLosses = averageValidation(curves);
  if (valLosses.length > 0) result.valLosses = valLosses;
  return result;
}

/** The suggestion, or, for a curve too short to read, one with confidence 0 that says why. */
function suggestOrExplain(lrs: number[], losses: number[], beta: number, stopReason: StopReason): Suggestion {
  try {
    return suggest(lrs, losses, { beta, diverged: stopReason === 'diverged' || stopReason === 'non-finite' });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const why = stopReason === 'cancelled' ? 'the test was cancelled early' : stopReason === 'completed' ? 'too few points' : `the loss diverged after ${lrs.length} steps: lower --start-lr`;
    return {
      clr: { baseLr: NaN, maxLr: NaN },
      oneCycle: { maxLr: NaN },
      steepest: null,
      minimum: null,
      valley: null,
      slide: null,
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
