// Everything that defines one range test, as it crosses a boundary (the panel's request, the worker's
// 'start', a result, a history file). The numeric limits are those of configProblem.ts, the very check the
// engine runs, so that a configuration this schema accepts is one the engine runs.
import * as v from 'valibot';
import { rangeTestConfigProblem } from '../configProblem';
import { MAX_PATH_LENGTH } from '../limits';
import { BACKENDS, OPTIMIZERS, STEP_MODES, TORCH_DEVICES } from '../types';
import { finiteNumber, nonEmptyText, positiveInteger, text } from './schemaParts';

/** What the Python bridge needs beyond the rest of the configuration. */
export const PyTorchSettingsSchema = v.object({
  device: v.picklist(TORCH_DEVICES),
  /** Mini-batches whose gradients are accumulated per optimizer step (effective batch = batch × accumulate). */
  accumulate: positiveInteger,
  /** Automatic mixed precision (CUDA); off by default because it changes the loss curve. */
  amp: v.boolean(),
});

/** The fields and their types; the limits are checked on the whole (see RangeTestConfigSchema). */
export const rangeTestConfigEntries = {
  /** Dataset file or folder (absolute). */
  dataset: nonEmptyText(MAX_PATH_LENGTH),
  /** Target column name; undefined means inferred. */
  target: v.optional(text(10_000)),
  /** A preset ('linear', 'mlp', 'cnn'), or the path of a TensorFlow.js Layers `model.json`. */
  model: text(MAX_PATH_LENGTH),
  hidden: v.array(finiteNumber),
  optimizer: v.picklist(OPTIMIZERS),
  momentum: finiteNumber,
  weightDecay: finiteNumber,
  startLr: finiteNumber,
  endLr: finiteNumber,
  iterations: finiteNumber,
  /**
   * Choose the iterations from the dataset instead (sweepBudget in src/engine/rangeTest.ts); the result's
   * config carries the number chosen. Set when the user did not give --iterations.
   */
  autoIterations: v.optional(v.boolean()),
  stepMode: v.picklist(STEP_MODES),
  batchSize: finiteNumber,
  /** EMA β of the smoothed loss. */
  smoothing: finiteNumber,
  /** Stop when the smoothed loss exceeds diverge × its best. */
  diverge: finiteNumber,
  runs: finiteNumber,
  seed: finiteNumber,
  /** Validation loss every k steps; 0 = off. */
  valEvery: finiteNumber,
  backend: v.picklist(BACKENDS),
  /**
   * Train on the values as the file holds them (one-hot text columns aside), not standardised: for users
   * whose own training reads the raw values, since the bounds hold only for data scaled as the test saw it.
   */
  raw: v.optional(v.boolean()),
  /** Only for a range test on the user's own PyTorch model (the Python bridge). */
  pytorch: v.optional(PyTorchSettingsSchema),
};

export const RangeTestConfigSchema = v.pipe(
  v.object(rangeTestConfigEntries),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    // A PyTorch run's batch size is that of the user's DataLoader: ours to report, not to bound.
    const config = dataset.value.pytorch === undefined ? dataset.value : { ...dataset.value, batchSize: 1 };
    const problem = rangeTestConfigProblem(config);
    if (problem) addIssue({ message: `--${problem.flag}: ${problem.message}` });
  }),
);

export type RangeTestConfig = v.InferOutput<typeof RangeTestConfigSchema>;
export type PyTorchSettings = v.InferOutput<typeof PyTorchSettingsSchema>;
