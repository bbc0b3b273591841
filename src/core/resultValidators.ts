// Runtime checks of what a range test produces and consumes (its settings, the dataset summary, curve
// points, the result), shared by the worker protocol and the panel protocol so that a message one side
// accepts the other accepts too, and so that a configuration they accept is one the engine runs. They never
// throw: hostile input (from a worker, a webview, a history file) is rejected, not crashed on.
import { rangeTestConfigProblem } from './configProblem';
import { MAX_ITERATIONS, MAX_PATH_LENGTH } from './limits';
import { BACKENDS, CurvePoint, DatasetSummary, OPTIMIZERS, RangeTestConfig, RangeTestResult, STEP_MODES, StopReason, Suggestion, TORCH_DEVICES } from './types';

type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
export const isString = (value: unknown, maxLength = 100_000): value is string => typeof value === 'string' && value.length <= maxLength;
export const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
export const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
export const isPositiveInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;
/** Losses may be NaN/Infinity at the divergent end of a sweep; JSON turns those into null, which is accepted. */
export const isLossValue = (value: unknown): boolean => typeof value === 'number' || value === null;
export const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T => typeof value === 'string' && (values as readonly string[]).includes(value);
export const isArrayOf = <T>(value: unknown, guard: (v: unknown) => boolean): value is T[] => Array.isArray(value) && value.every((v) => guard(v));
export const isStringArray = (value: unknown, maxLength?: number): value is string[] => isArrayOf<string>(value, (v) => isString(v, maxLength));

export const STOP_REASONS: readonly StopReason[] = ['completed', 'diverged', 'non-finite', 'cancelled'];

/** Runs a validator so that nothing it meets (a getter that throws, a revoked proxy) can make it throw. */
export function neverThrows<A extends unknown[]>(check: (...args: A) => boolean): (...args: A) => boolean {
  return (...args) => {
    try {
      return check(...args);
    } catch {
      return false;
    }
  };
}

function isPyTorchSettings(value: unknown): boolean {
  return isObject(value) && isOneOf(TORCH_DEVICES, value.device) && isPositiveInteger(value.accumulate) && typeof value.amp === 'boolean';
}

/** A configuration the engine accepts (the same limits as engine/validateConfig), with the right types. */
export const isRangeTestConfig = neverThrows((value: unknown): boolean => {
  if (
    !(
      isObject(value) &&
      isString(value.dataset, MAX_PATH_LENGTH) &&
      value.dataset.length > 0 &&
      (value.target === undefined || isString(value.target, 10_000)) &&
      isString(value.model, MAX_PATH_LENGTH) &&
      isArrayOf<number>(value.hidden, isFiniteNumber) &&
      isOneOf(OPTIMIZERS, value.optimizer) &&
      isFiniteNumber(value.momentum) &&
      isFiniteNumber(value.weightDecay) &&
      isFiniteNumber(value.startLr) &&
      isFiniteNumber(value.endLr) &&
      isFiniteNumber(value.iterations) &&
      isOneOf(STEP_MODES, value.stepMode) &&
      isFiniteNumber(value.batchSize) &&
      isFiniteNumber(value.smoothing) &&
      isFiniteNumber(value.diverge) &&
      isFiniteNumber(value.runs) &&
      isFiniteNumber(value.seed) &&
      isFiniteNumber(value.valEvery) &&
      isOneOf(BACKENDS, value.backend) &&
      (value.raw === undefined || typeof value.raw === 'boolean') &&
      (value.pytorch === undefined || isPyTorchSettings(value.pytorch))
    )
  ) {
    return false;
  }
  // A PyTorch run's batch size is that of the user's DataLoader: ours to report, not to bound.
  const settings = value.pytorch === undefined ? value : { ...value, batchSize: 1 };
  return rangeTestConfigProblem(settings as unknown as RangeTestConfig) === null;
}) as (value: unknown) => value is RangeTestConfig;

export const isDatasetSummary = neverThrows(
  (value: unknown): boolean =>
    isObject(value) &&
    isString(value.path, MAX_PATH_LENGTH) &&
    isString(value.format, 100) &&
    isCount(value.rows) &&
    isCount(value.features) &&
    isStringArray(value.featureNames) &&
    isArrayOf<number>(value.inputShape, isCount) &&
    isString(value.target) &&
    isOneOf(['classification', 'regression'], value.task) &&
    isStringArray(value.classes) &&
    isStringArray(value.warnings),
) as (value: unknown) => value is DatasetSummary;

export const isCurvePoint = neverThrows(
  (value: unknown): boolean =>
    isObject(value) &&
    isCount(value.step) &&
    value.step < MAX_ITERATIONS &&
    isFiniteNumber(value.lr) &&
    isLossValue(value.loss) &&
    isLossValue(value.smoothed) &&
    (value.valLoss === undefined || isLossValue(value.valLoss)),
) as (value: unknown) => value is CurvePoint;

/** A learning rate of a suggestion: NaN (null over JSON) when the curve was too short to read. */
const isSuggestedRate = (value: unknown): boolean => value === null || (typeof value === 'number' && !(value <= 0) && value !== Infinity);

export const isSuggestion = neverThrows(
  (value: unknown): boolean =>
    isObject(value) &&
    isObject(value.clr) &&
    isSuggestedRate(value.clr.baseLr) &&
    isSuggestedRate(value.clr.maxLr) &&
    isObject(value.oneCycle) &&
    isSuggestedRate(value.oneCycle.maxLr) &&
    isSuggestedRate(value.steepest) &&
    isSuggestedRate(value.minimum) &&
    isSuggestedRate(value.valley) &&
    isSuggestedRate(value.slide) &&
    isFiniteNumber(value.confidence) &&
    value.confidence >= 0 &&
    value.confidence <= 1 &&
    isStringArray(value.diagnostics),
) as (value: unknown) => value is Suggestion;

/** A result whose arrays line up: one loss per learning rate, `stoppedAt` the last recorded step. */
const PREPROCESSING_FEATURES = ['per-column', 'all-pixels', 'none'] as const;

function isPreprocessing(value: unknown): boolean {
  return (
    isObject(value) &&
    isOneOf(PREPROCESSING_FEATURES, value.features) &&
    (value.mean === undefined || isArrayOf(value.mean, isFiniteNumber)) &&
    (value.std === undefined || isArrayOf(value.std, isFiniteNumber)) &&
    (value.target === undefined || (isObject(value.target) && isFiniteNumber(value.target.mean) && isFiniteNumber(value.target.std)))
  );
}

export const isRangeTestResult = neverThrows((value: unknown): boolean => {
  if (!isObject(value) || !isArrayOf<number>(value.lrs, (lr) => isFiniteNumber(lr) && lr > 0)) return false;
  const n = value.lrs.length;
  const isCurve = (curve: unknown): boolean => isArrayOf(curve, isLossValue) && curve.length === n;
  return (
    n <= MAX_ITERATIONS &&
    isString(value.backend, 100) &&
    isRangeTestConfig(value.config) &&
    isDatasetSummary(value.dataset) &&
    isCurve(value.losses) &&
    isCurve(value.smoothed) &&
    (value.spread === undefined || isCurve(value.spread)) &&
    (value.valLosses === undefined ||
      isArrayOf(value.valLosses, (pair) => Array.isArray(pair) && pair.length === 2 && isCount(pair[0]) && pair[0] < n && isLossValue(pair[1]))) &&
    isOneOf(STOP_REASONS, value.stopReason) &&
    Number.isInteger(value.stoppedAt) &&
    (value.stoppedAt as number) >= -1 &&
    (value.stoppedAt as number) < n &&
    isLossValue(value.stepsPerSecond) &&
    isSuggestion(value.suggestion) &&
    (value.preprocessing === undefined || isPreprocessing(value.preprocessing)) &&
    (value.pytorchRuntime === undefined || (isObject(value.pytorchRuntime) && isString(value.pytorchRuntime.python) && isString(value.pytorchRuntime.torch) && isString(value.pytorchRuntime.device)))
  );
}) as (value: unknown) => value is RangeTestResult;

/** A short, printable description of any value, whatever it is (never throws). */
export function describeValue(value: unknown, maxLength = 300): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    try {
      text = Object.prototype.toString.call(value);
    } catch {
      text = typeof value;
    }
  }
  return text.length > maxLength ? `${text.slice(0, maxLength)}… (${text.length} chars)` : text;
}
