// The vocabulary shared by the engine, the worker, the CLI, the Python bridge and the panel. The shapes that
// cross a process boundary are declared once, as schemas in src/core/wire/, and their types are derived from
// those schemas; they are re-exported here for the code that only needs the types.

export type { CurvePoint } from './wire/curvePoint';
export type { DatasetSummary, Task } from './wire/datasetSummary';
export type { PyTorchSettings, RangeTestConfig } from './wire/rangeTestConfig';
export type { Preprocessing, RangeTestResult } from './wire/rangeTestResult';
export type { LibraryFinders, LrBounds, Suggestion } from './wire/suggestion';
import type { RangeTestConfig } from './wire/rangeTestConfig';

export type StepMode = 'exp' | 'linear';
export type ModelPreset = 'linear' | 'mlp' | 'cnn';
export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adam' | 'adamw' | 'rmsprop';
export type BackendChoice = 'auto' | 'node' | 'wasm' | 'cpu';
export type StopReason = 'completed' | 'diverged' | 'non-finite' | 'cancelled';

export const STEP_MODES: readonly StepMode[] = ['exp', 'linear'];
export const MODEL_PRESETS: readonly ModelPreset[] = ['linear', 'mlp', 'cnn'];

/** A built-in model's name, not a path to the user's model file. */
export function isPreset(model: string): model is ModelPreset {
  return (MODEL_PRESETS as readonly string[]).includes(model);
}
export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'nesterov', 'adam', 'adamw', 'rmsprop'];
export const BACKENDS: readonly BackendChoice[] = ['auto', 'node', 'wasm', 'cpu'];
export const STOP_REASONS: readonly StopReason[] = ['completed', 'diverged', 'non-finite', 'cancelled'];

export type TorchDevice = 'cpu' | 'cuda' | 'auto';
export const TORCH_DEVICES: readonly TorchDevice[] = ['cpu', 'cuda', 'auto'];

export const DEFAULT_RANGE_TEST_CONFIG: Omit<RangeTestConfig, 'dataset'> = {
  model: 'mlp',
  hidden: [128, 128],
  optimizer: 'momentum',
  momentum: 0.9,
  weightDecay: 0,
  startLr: 1e-6,
  endLr: 10,
  iterations: 200,
  stepMode: 'exp',
  batchSize: 64,
  smoothing: 0.9,
  diverge: 4,
  runs: 5,
  seed: 0,
  valEvery: 0,
  backend: 'auto',
};

