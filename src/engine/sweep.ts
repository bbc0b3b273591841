// One run of the LR sweep: train at each learning rate in turn, record the loss, stop on divergence.
import { UserError } from '../core/errors';
import { allLibraryRecorders } from '../core/lrFinderRules';
import { CurvePoint, RangeTestConfig, StopReason } from '../core/types';
import type { Dataset } from '../data/dataset';
import { Trainer } from './trainer';

export interface SweepOptions {
  lrs: readonly number[];
  batchSize: number;
  /** Seed of the batch order. */
  seed: number;
  /** EMA β of the smoothed loss that the divergence test reads. */
  smoothing: number;
  /** Stop when the smoothed loss exceeds diverge × its best. */
  diverge: number;
  /** Validation loss every k steps; 0 = off. */
  valEvery: number;
  onPoint?: (point: CurvePoint) => void;
  /** Polled between steps; true ends the run with stopReason 'cancelled'. */
  isCancelled?: () => boolean;
}

export interface RunCurve {
  lrs: number[];
  losses: number[];
  smoothed: number[];
  valLosses: Array<[number, number]>;
  stopReason: StopReason;
  /** Wall time of the training steps (not the validation passes). */
  trainSeconds: number;
  /** The non-finite loss that ended the run (stopReason 'non-finite'); the other finders read it. */
  brokenLoss?: number;
}

/** The seed of run r: its initial weights and its batch order (run 0 is what `--seed` alone gives). */
export const runSeed = (seed: number, run: number): number => seed + run;

/** Run r of a multi-run test: a range test of its own, with its own seed. */
export const runConfig = (config: RangeTestConfig, run: number): RangeTestConfig => ({ ...config, seed: runSeed(config.seed, run) });

/** Validation losses are computed on at most this many rows, so that they cost little next to training. */
export const MAX_VALIDATION_ROWS = 2048;

/** How often the loop gives the event loop a turn, so that a cancel message is seen promptly. */
const YIELD_EVERY_MS = 25;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runSweep(trainer: Trainer, train: Dataset, validation: Dataset | undefined, options: SweepOptions): Promise<RunCurve> {
  const { lrs, smoothing: beta, diverge } = options;
  const batchSize = Math.min(options.batchSize, train.summary.rows);
  const batches = train.batches(batchSize, options.seed);
  const curve: RunCurve = { lrs: [], losses: [], smoothed: [], valLosses: [], stopReason: 'completed', trainSeconds: 0 };
  const valRows = validation ? Math.min(validation.summary.rows, MAX_VALIDATION_ROWS) : 0;
  const valX = validation?.x.subarray(0, valRows * validation.summary.features);
  const valY = validation?.y.subarray(0, valRows);
  let avg = 0;
  let weight = 1;
  let best = Infinity;
  let lastYield = Date.now();
  // After our own divergence stop the run goes on until every other finder's library would have stopped
  // too (a few steps at most), so that their values come from the losses they would have seen.
  const libraries = allLibraryRecorders(lrs.length);
  let diverged = false;
  for (let step = 0; step < lrs.length; step++) {
    if (Date.now() - lastYield >= YIELD_EVERY_MS) {
      await yieldToEventLoop();
      lastYield = Date.now();
    }
    if (options.isCancelled?.()) {
      curve.stopReason = 'cancelled';
      break;
    }
    const batch = batches.next().value as { x: Float32Array; y: Float32Array; size: number };
    const started = performance.now();
    const loss = trainer.step(batch.x, batch.y, batch.size, lrs[step]);
    curve.trainSeconds += (performance.now() - started) / 1000;
    if (!Number.isFinite(loss)) {
      if (step === 0) {
        throw new UserError(`the loss is ${loss} from the first step (lr ${lrs[0]})`, {
          hint: 'check for NaN features or a too-high start_lr',
        });
      }
      curve.stopReason = 'non-finite';
      curve.brokenLoss = loss;
      break;
    }
    avg = beta * avg + (1 - beta) * loss;
    weight *= beta;
    const smoothed = avg / (1 - weight);
    const point: CurvePoint = { step, lr: lrs[step], loss, smoothed };
    if (valX && valY && options.valEvery > 0 && (step + 1) % options.valEvery === 0) {
      point.valLoss = trainer.evaluate(valX, valY, valRows);
      curve.valLosses.push([step, point.valLoss]);
    }
    curve.lrs.push(lrs[step]);
    curve.losses.push(loss);
    curve.smoothed.push(smoothed);
    options.onPoint?.(point);
    best = Math.min(best, smoothed);
    for (const library of libraries) library.push(loss);
    if (!diverged && step > 0 && smoothed > diverge * best) {
      diverged = true;
      curve.stopReason = 'diverged';
    }
    if (diverged && libraries.every((library) => library.stopped)) break;
  }
  return curve;
}
