// Shapes shared by the engine, the worker, the CLI, the Python bridge and the panel. Pure data (JSON-safe).

export type StepMode = 'exp' | 'linear';
export type Task = 'classification' | 'regression';
export type ModelPreset = 'linear' | 'mlp' | 'cnn';
export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adam' | 'adamw' | 'rmsprop';
export type BackendChoice = 'auto' | 'node' | 'wasm' | 'cpu';
export type StopReason = 'completed' | 'diverged' | 'non-finite' | 'cancelled';

export const STEP_MODES: readonly StepMode[] = ['exp', 'linear'];
export const MODEL_PRESETS: readonly ModelPreset[] = ['linear', 'mlp', 'cnn'];
export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'nesterov', 'adam', 'adamw', 'rmsprop'];
export const BACKENDS: readonly BackendChoice[] = ['auto', 'node', 'wasm', 'cpu'];

/** Everything that defines one range test (CLI flags, panel controls and settings map onto this). */
export interface RangeTestConfig {
  /** Dataset file or folder (absolute). */
  dataset: string;
  /** Target column name; undefined means inferred. */
  target?: string;
  /** A preset, or the path of a TensorFlow.js Layers `model.json`. */
  model: ModelPreset | string;
  hidden: number[];
  optimizer: OptimizerName;
  momentum: number;
  weightDecay: number;
  startLr: number;
  endLr: number;
  iterations: number;
  /**
   * Choose the iterations from the dataset instead (sweepBudget in src/engine/rangeTest.ts); the result's
   * config carries the number chosen. Set when the user did not give --iterations.
   */
  autoIterations?: boolean;
  stepMode: StepMode;
  batchSize: number;
  /** EMA β of the smoothed loss. */
  smoothing: number;
  /** Stop when the smoothed loss exceeds diverge × its best. */
  diverge: number;
  runs: number;
  seed: number;
  /** Validation loss every k steps; 0 = off. */
  valEvery: number;
  backend: BackendChoice;
  /**
   * Train on the values as the file holds them (one-hot text columns aside), not standardised: for users
   * whose own training reads the raw values, since the bounds hold only for data scaled as the test saw it.
   */
  raw?: boolean;
  /** Only for a range test on the user's own PyTorch model (the Python bridge). */
  pytorch?: PyTorchSettings;
}

export type TorchDevice = 'cpu' | 'cuda' | 'auto';
export const TORCH_DEVICES: readonly TorchDevice[] = ['cpu', 'cuda', 'auto'];

/** What the Python bridge needs beyond RangeTestConfig. */
export interface PyTorchSettings {
  device: TorchDevice;
  /** Mini-batches whose gradients are accumulated per optimizer step (effective batch = batch × accumulate). */
  accumulate: number;
  /** Automatic mixed precision (CUDA); off by default because it changes the loss curve. */
  amp: boolean;
}

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

/** What `clr inspect` reports about a dataset. */
export interface DatasetSummary {
  path: string;
  /** 'pytorch': the user's own model and loader, from a Python file (path), run by the Python bridge. */
  format: 'csv' | 'tsv' | 'jsonl' | 'npy' | 'npz' | 'idx' | 'images' | 'pytorch';
  rows: number;
  /** Number of input features after encoding (flattened for images). */
  features: number;
  featureNames: string[];
  /** Per-example input shape, e.g. [32] or [28, 28, 1]. */
  inputShape: number[];
  target: string;
  task: Task;
  /** Class names for classification, [] for regression. */
  classes: string[];
  warnings: string[];
}

/**
 * How the range test scaled the data it trained on. The bounds it suggests hold for a model that sees the
 * data scaled the same way: a regression target 5× larger, for instance, moves them by about 25×.
 */
export interface Preprocessing {
  /**
   * 'per-column': each numeric column x' = (x − mean) / std (population std, over the rows read; missing
   * values become 0, the mean); 'all-pixels': one mean and std over every pixel; 'none': as in the file.
   * One-hot columns of text categories are 0/1 in every case.
   */
  features: 'per-column' | 'all-pixels' | 'none';
  /** Per encoded feature ('per-column', one-hot columns 0 and 1) or one value ('all-pixels'). */
  mean?: number[];
  std?: number[];
  /** Regression with scaled features: the model learned y' = (y − mean) / std. */
  target?: { mean: number; std: number };
}

/** One point of a range test as it streams in. */
export interface CurvePoint {
  step: number;
  lr: number;
  loss: number;
  smoothed: number;
  valLoss?: number;
}

export interface LrBounds {
  baseLr: number;
  maxLr: number;
  /** Where max_lr lies across the runs' seeds, [lo, hi] (absent for a single curve). */
  maxLrRange?: [number, number];
  /** Where base_lr lies across the runs' seeds, [lo, hi] (absent for a single curve). */
  baseLrRange?: [number, number];
}

/** What each popular LR finder would have suggested on the same sweep (null: the library gives none). */
export interface LibraryFinders {
  fastai: { valley: number | null; slide: number | null; minimum: number | null; steep: number | null };
  torchLrFinder: { steepest: number | null };
  lightning: { suggestion: number | null };
}

/** The output of `suggest()` in src/core/suggest.ts; also `clr suggest`'s JSON. */
export interface Suggestion {
  clr: LrBounds;
  oneCycle: { maxLr: number };
  /** The other finders, each computed as its library computes it (src/core/lrFinderRules.ts). */
  finders?: LibraryFinders;
  /** Deprecated (kept for one release): finders.torchLrFinder.steepest. */
  steepest: number | null;
  /** Deprecated (kept for one release): finders.fastai.minimum, .valley, .slide. */
  minimum: number | null;
  valley: number | null;
  slide: number | null;
  /** How much to trust clr/oneCycle, in [0, 1]. */
  confidence: number;
  /** Things the user can act on, e.g. "never diverged: raise end_lr". */
  diagnostics: string[];
}

/** The result of a range test: `clr range-test --json`'s output and what the panel plots. */
export interface RangeTestResult {
  /** The backend that ran it: 'tensorflow', 'wasm', 'cpu', or 'pytorch' for the Python bridge. */
  backend: string;
  config: RangeTestConfig;
  dataset: DatasetSummary;
  lrs: number[];
  losses: number[];
  smoothed: number[];
  /** Deprecated (results before the median curve): standard deviation across runs at each step. */
  spread?: number[];
  /** runs > 1: lrs/losses are the runs' pointwise median; the band is the lowest and highest run there. */
  band?: { low: number[]; high: number[] };
  /** runs > 1: each run's raw losses (on the schedule's first lrs), for rereading with `clr suggest`. */
  runCurves?: Array<{ seed: number; losses: number[]; stopReason: StopReason }>;
  /** Validation losses as [step, loss] pairs, when valEvery > 0. */
  valLosses?: Array<[number, number]>;
  stopReason: StopReason;
  /** Index of the last step recorded. */
  stoppedAt: number;
  stepsPerSecond: number;
  suggestion: Suggestion;
  /** How the data was scaled for the test (absent for the user's own PyTorch model, which scales its own). */
  preprocessing?: Preprocessing;
  /** Where a PyTorch run ran (backend 'pytorch' only). */
  pytorchRuntime?: {
    python: string;
    torch: string;
    device: string;
    /** CPU time the runner process spent in the sweep (steps per CPU second hardly depend on other load). */
    cpuSeconds?: number;
  };
}
