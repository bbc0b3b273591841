// The exactness check of the fused trainers: the same sweep through a fused trainer and through TF.js Layers,
// held to the reference's own float32 sensitivity rather than to fixed tolerances.
//
// Why: the two paths sum in different orders, so they differ in the last bits from the first step, and the
// adaptive optimizers' steps (≈ lr·g/|g|) turn a last-bit difference of a near-zero gradient into a full
// step either way; near the learning rate where the sweep diverges, any difference grows without bound.
// Fixed tolerances on the end state then pass or fail by the data seed (bench/engine/RESULTS.md). Instead:
// - Layers runs the sweep again on inputs moved by one unit in the last place (PERTURBED_RUNS times); how
//   far those runs drift from Layers, step by step, is how far float32 rounding alone carries this sweep.
// - At every step the fused trainer may stray no further from Layers than SENSITIVITY_FACTOR times that
//   drift (so far) plus a floor: the loss, and each weight tensor (root mean square).
// - Steps are compared up to the horizon where the perturbed runs' loss has drifted by WELL_CONDITIONED:
//   past it rounding, not the math, decides the trajectory. The test names the least horizon it accepts, so
//   that a sweep that turns chaotic at once cannot pass by comparing nothing.
// A wrong gradient, update or loss differs at first order from the first steps on, where the paths agree
// to ≈ 1e-7: the planted mistakes in bench/engine/RESULTS.md fail by factors of 470 and more.
import assert from 'node:assert/strict';
import { RangeTestConfig } from '../../../src/core/types';
import { rangeTestLrs } from '../../../src/core/schedules';
import { InMemoryDataset } from '../../../src/data/dataset';
import { SeededRandom } from '../../../src/data/random';
import { LayersTrainer } from '../../../src/engine/layersTrainer';
import { prepareTrainer } from '../../../src/engine/prepareTrainer';
import { runSweep } from '../../../src/engine/sweep';
import { Trainer } from '../../../src/engine/trainer';

/**
 * Where TF.js Layers runs: 'cpu' is TF.js's plain-JS kernels, none of them ours, but slow for convolutions
 * (≈ 10 s of CPU per CNN sweep against 0.3 s); 'wasm' runs TF.js's WASM kernels and, for the max-pool
 * gradient, ours (wasmTrainingKernels.ts, checked against plain loops in simdKernels.test.ts).
 */
export type ReferenceBackend = 'cpu' | 'wasm';
/** Layers sweeps on perturbed inputs that measure the sweep's float32 sensitivity. */
const PERTURBED_RUNS = 2;
/**
 * How many times the reference's own float32 drift the fused trainer may drift. Two perturbed runs sample
 * chance events (a ReLU decision, the sign of a gradient that is zero up to rounding) that the fused run may
 * meet where they do not: at 4 one data seed of 9 came out 1.03× beyond; planted mistakes fail by ≥ 470×.
 */
const SENSITIVITY_FACTOR = 8;
/** Floors: ≈ 100× what separates the two paths in the first steps (≈ 1e-7), far below a first-order mistake. */
const LOSS_FLOOR = 1e-5;
const WEIGHT_FLOOR = 1e-5;
/**
 * The horizon: the steps before the perturbed runs' loss has drifted this far (relative; ≈ 10 roundings of
 * a loss near 1). Past it the sweep amplifies rounding faster than one run's difference can be measured by
 * another's (measured: a fused run then strays 2–100× beyond the perturbed runs on some data seeds).
 */
const WELL_CONDITIONED = 1e-6;

/** One sweep: the loss of every step and every weight tensor after every step. */
export interface Trajectory {
  losses: number[];
  weights: Float32Array[][];
  /** Loss of the whole dataset after the sweep. */
  val: number;
}

async function record(trainer: Trainer, data: InMemoryDataset, lrs: number[], batchSize: number): Promise<Trajectory> {
  const weights: Float32Array[][] = [];
  const recording: Trainer = {
    backend: trainer.backend,
    reset: () => trainer.reset(),
    step: (x, y, size, lr) => {
      const loss = trainer.step(x, y, size, lr);
      weights.push(trainer.weights());
      return loss;
    },
    evaluate: (x, y, rows) => trainer.evaluate(x, y, rows),
    weights: () => trainer.weights(),
    dispose: () => trainer.dispose(),
  };
  const curve = await runSweep(recording, data, undefined, { lrs, batchSize, seed: 1, smoothing: 0.9, diverge: 1e30, valEvery: 0 });
  const val = trainer.evaluate(data.x, data.y, data.summary.rows);
  trainer.dispose();
  return { losses: curve.losses, weights, val };
}

/** The data with every input moved up or down by one unit in its last place (float32), at random. */
export function perturbed(data: InMemoryDataset, seed: number): InMemoryDataset {
  const random = new SeededRandom(seed, 7);
  const x = Float32Array.from(data.x);
  const bits = new Int32Array(x.buffer);
  for (let i = 0; i < x.length; i++) if (x[i] !== 0) bits[i] += random.next() < 0.5 ? -1 : 1;
  return new InMemoryDataset(data.summary, x, data.y);
}

export interface Comparison {
  fused: Trajectory;
  layers: Trajectory;
  perturbed: Trajectory[];
}

/** Runs the sweep of `cfg` (its learning rates, `steps` of them) through the fused trainer, Layers, and Layers on perturbed inputs (Layers on `reference`). */
export async function compareWithLayers(
  cfg: RangeTestConfig,
  data: InMemoryDataset,
  steps: number,
  fusedClass: abstract new (...args: never[]) => Trainer,
  reference: ReferenceBackend,
): Promise<Comparison> {
  const lrs = rangeTestLrs(cfg.startLr, cfg.endLr, steps, 'exp');
  const batchSize = Math.min(cfg.batchSize, data.summary.rows);
  const fusedTrainer = await prepareTrainer(cfg, data.summary);
  assert.ok(fusedTrainer instanceof fusedClass, `a ${fusedClass.name}`);
  const fused = await record(fusedTrainer, data, lrs, batchSize);
  const layersRun = async (d: InMemoryDataset) => {
    const trainer = await prepareTrainer({ ...cfg, backend: reference }, d.summary, { fused: false });
    assert.ok(trainer instanceof LayersTrainer);
    return record(trainer, d, lrs, batchSize);
  };
  const layers = await layersRun(data);
  const others: Trajectory[] = [];
  for (let p = 0; p < PERTURBED_RUNS; p++) others.push(await layersRun(perturbed(data, p + 1)));
  return { fused, layers, perturbed: others };
}

/**
 * Root-mean-square difference of two weight tensors. Not the largest element: a gradient that is zero up to
 * rounding moves its weight by a full adaptive step (≈ lr) either way, in any run, at an element that
 * chance picks, so the largest difference measures which elements chance hit; the mean moves by it only
 * a little, and by a wrong gradient or update a lot.
 */
const rmsDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return Math.sqrt(sum / Math.max(1, a.length));
};

/** The outcome of a comparison: how far the fused trainer strays beyond its allowance, and over which steps. */
export interface Excess {
  /** Largest (fused − Layers) / allowance over the compared steps and checks; ≤ 1 passes. */
  ratio: number;
  where: string;
  /** Steps compared: those before float32 rounding alone moves the reference's loss by WELL_CONDITIONED. */
  horizon: number;
}

/**
 * How far the fused trainer strays beyond the allowance: at every step of the horizon, for the loss and for
 * each weight tensor, allowance = SENSITIVITY_FACTOR × (largest drift of a perturbed run so far) + floor.
 */
export function excess({ fused, layers, perturbed: others }: Comparison): Excess {
  let worst = { ratio: 0, where: 'nowhere' };
  const consider = (difference: number, allowed: number, where: string) => {
    if (!(difference / allowed <= worst.ratio)) worst = { ratio: Number.isNaN(difference) ? Infinity : difference / allowed, where: `${where}: ${difference.toPrecision(3)} against ${allowed.toPrecision(3)}` };
  };
  assert.equal(fused.losses.length, layers.losses.length, 'both sweeps ran every step');
  let lossDrift = 0;
  const weightDrift = layers.weights[0].map(() => 0);
  let horizon = 0;
  for (let t = 0; t < layers.losses.length; t++) {
    const scale = Math.max(1, Math.abs(layers.losses[t]));
    for (const o of others) lossDrift = Math.max(lossDrift, Math.abs(o.losses[t] - layers.losses[t]) / scale);
    if (!(lossDrift <= WELL_CONDITIONED)) break;
    horizon = t + 1;
    consider(Math.abs(fused.losses[t] - layers.losses[t]) / scale, SENSITIVITY_FACTOR * lossDrift + LOSS_FLOOR, `loss at step ${t}`);
    layers.weights[t].forEach((w, i) => {
      for (const o of others) weightDrift[i] = Math.max(weightDrift[i], rmsDifference(o.weights[t][i], w));
      consider(rmsDifference(fused.weights[t][i], w), SENSITIVITY_FACTOR * weightDrift[i] + WEIGHT_FLOOR, `weights ${i} at step ${t}`);
    });
  }
  if (horizon === layers.losses.length) {
    const scale = Math.max(1, Math.abs(layers.val));
    const valDrift = Math.max(...others.map((o) => Math.abs(o.val - layers.val) / scale), lossDrift);
    consider(Math.abs(fused.val - layers.val) / scale, SENSITIVITY_FACTOR * valDrift + LOSS_FLOOR, 'loss of the whole dataset after the sweep');
  }
  return { ...worst, horizon };
}

/**
 * Fails unless the fused trainer stays within the reference's float32 sensitivity at every step of the
 * horizon, and the horizon holds at least `minimumSteps` steps (so that a sweep that turns chaotic early
 * cannot pass by comparing nothing).
 */
export function assertFollowsLayers(comparison: Comparison, minimumSteps: number): void {
  const { ratio, where, horizon } = excess(comparison);
  assert.ok(horizon >= minimumSteps, `float32 rounding alone moves the reference's loss by ${WELL_CONDITIONED} after ${horizon} steps (at least ${minimumSteps} needed)`);
  assert.ok(ratio <= 1, `the fused trainer strays ${ratio.toFixed(1)}× beyond float32 sensitivity (${where})`);
}
