// The messages between a caller (extension host, CLI) and a range-test worker process (the TF.js worker
// or the Python bridge). Versioned so that a stale worker is detected instead of misread. Pure: the
// transports (Node IPC, JSON lines over stdio) live in src/worker/.
import {
  BACKENDS,
  CurvePoint,
  DatasetSummary,
  MODEL_PRESETS,
  OPTIMIZERS,
  RangeTestConfig,
  RangeTestResult,
  STEP_MODES,
  StopReason,
} from './types';

export const WORKER_PROTOCOL_VERSION = 1;

/** Parent → worker: run this range test (sent once). */
export interface StartMessage {
  v: typeof WORKER_PROTOCOL_VERSION;
  type: 'start';
  config: RangeTestConfig;
}

/** Parent → worker: stop as soon as possible and answer with a 'result' whose stopReason is 'cancelled'. */
export interface CancelMessage {
  v: typeof WORKER_PROTOCOL_VERSION;
  type: 'cancel';
}

export type ParentMessage = StartMessage | CancelMessage;

/** Worker → parent: the model is built and training starts (optional; lets a UI label the plot early). */
export interface StartedEvent {
  v: typeof WORKER_PROTOCOL_VERSION;
  type: 'started';
  backend: string;
  dataset: DatasetSummary;
  /** The learning rates the sweep will visit (a run may stop before the last). */
  lrs: number[];
  runs: number;
}

/** Worker → parent: one more point of run `run` (0-based). */
export interface ProgressEvent {
  v: typeof WORKER_PROTOCOL_VERSION;
  type: 'progress';
  run: number;
  point: CurvePoint;
}

/** Worker → parent: the final (averaged) result; the last message of a successful or cancelled run. */
export interface ResultEvent {
  v: typeof WORKER_PROTOCOL_VERSION;
  type: 'result';
  result: RangeTestResult;
}

/**
 * Worker → parent: the run failed. `userError` true means a problem the user can fix (a UserError's fields
 * follow, to be shown as is); false means a bug, and `message` is for a bug report.
 */
export interface ErrorEvent {
  v: typeof WORKER_PROTOCOL_VERSION;
  type: 'error';
  userError: boolean;
  message: string;
  hint?: string;
  file?: string;
  line?: number;
  column?: number;
}

/** Worker → parent: a diagnostic line (not an error). */
export interface LogEvent {
  v: typeof WORKER_PROTOCOL_VERSION;
  type: 'log';
  message: string;
}

export type WorkerEvent = StartedEvent | ProgressEvent | ResultEvent | ErrorEvent | LogEvent;

/**
 * Worker → parent, on the wire only: the progress events of the last few milliseconds in one message. One
 * IPC message per step (thousands a second with several runs in parallel) kept the receiving extension host
 * so busy that its backlog delayed Cancel and the end of a run by minutes; the client unpacks a batch into
 * the ProgressEvents it holds, in order, so listeners see the same events as before.
 */
export interface ProgressBatchMessage {
  v: typeof WORKER_PROTOCOL_VERSION;
  type: 'progressBatch';
  progress: Array<{ run: number; point: CurvePoint }>;
}

export function isProgressBatchMessage(v: unknown): v is ProgressBatchMessage {
  return (
    isVersioned(v) &&
    v.type === 'progressBatch' &&
    Array.isArray(v.progress) &&
    v.progress.every((p: unknown) => isObject(p) && isNumber(p.run) && isCurvePoint(p.point))
  );
}

export function startMessage(config: RangeTestConfig): StartMessage {
  return { v: WORKER_PROTOCOL_VERSION, type: 'start', config };
}

export function cancelMessage(): CancelMessage {
  return { v: WORKER_PROTOCOL_VERSION, type: 'cancel' };
}

// ---- runtime validators -------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isOptional = (v: unknown, check: (x: unknown) => boolean): boolean => v === undefined || check(v);
const isNumberArray = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNumber);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isVersioned = (v: unknown): v is Obj => isObject(v) && v.v === WORKER_PROTOCOL_VERSION && isString(v.type);

const STOP_REASONS: readonly StopReason[] = ['completed', 'diverged', 'non-finite', 'cancelled'];

export function isRangeTestConfig(v: unknown): v is RangeTestConfig {
  if (!isObject(v)) return false;
  return (
    isString(v.dataset) &&
    isOptional(v.target, isString) &&
    isString(v.model) &&
    isNumberArray(v.hidden) &&
    OPTIMIZERS.includes(v.optimizer as never) &&
    isFiniteNumber(v.momentum) &&
    isFiniteNumber(v.weightDecay) &&
    isFiniteNumber(v.startLr) &&
    isFiniteNumber(v.endLr) &&
    isFiniteNumber(v.iterations) &&
    STEP_MODES.includes(v.stepMode as never) &&
    isFiniteNumber(v.batchSize) &&
    isFiniteNumber(v.smoothing) &&
    isFiniteNumber(v.diverge) &&
    isFiniteNumber(v.runs) &&
    isFiniteNumber(v.seed) &&
    isFiniteNumber(v.valEvery) &&
    BACKENDS.includes(v.backend as never)
  );
}

// Presets are listed so that callers can tell a preset from a model path without importing types.ts twice.
export function isModelPreset(model: string): boolean {
  return MODEL_PRESETS.includes(model as never);
}

export function isDatasetSummary(v: unknown): v is DatasetSummary {
  return (
    isObject(v) &&
    isString(v.path) &&
    isString(v.format) &&
    isNumber(v.rows) &&
    isNumber(v.features) &&
    isStringArray(v.featureNames) &&
    isNumberArray(v.inputShape) &&
    isString(v.target) &&
    (v.task === 'classification' || v.task === 'regression') &&
    isStringArray(v.classes) &&
    isStringArray(v.warnings)
  );
}

/** Losses may be NaN/Infinity on the way to divergence; JSON turns those into null, which is accepted. */
const isLossValue = (v: unknown): boolean => v === null || isNumber(v);

export function isCurvePoint(v: unknown): v is CurvePoint {
  return (
    isObject(v) &&
    isNumber(v.step) &&
    isNumber(v.lr) &&
    isLossValue(v.loss) &&
    isLossValue(v.smoothed) &&
    isOptional(v.valLoss, isLossValue)
  );
}

export function isRangeTestResult(v: unknown): v is RangeTestResult {
  return (
    isObject(v) &&
    isString(v.backend) &&
    isRangeTestConfig(v.config) &&
    isDatasetSummary(v.dataset) &&
    isNumberArray(v.lrs) &&
    Array.isArray(v.losses) &&
    v.losses.every(isLossValue) &&
    Array.isArray(v.smoothed) &&
    v.smoothed.every(isLossValue) &&
    isOptional(v.spread, (s) => Array.isArray(s) && s.every(isLossValue)) &&
    isOptional(v.valLosses, (s) => Array.isArray(s) && s.every((p) => Array.isArray(p) && p.length === 2 && isNumber(p[0]) && isLossValue(p[1]))) &&
    STOP_REASONS.includes(v.stopReason as never) &&
    isNumber(v.stoppedAt) &&
    isNumber(v.stepsPerSecond) &&
    isObject(v.suggestion)
  );
}

export function isStartMessage(v: unknown): v is StartMessage {
  return isVersioned(v) && v.type === 'start' && isRangeTestConfig(v.config);
}

export function isCancelMessage(v: unknown): v is CancelMessage {
  return isVersioned(v) && v.type === 'cancel';
}

export function isParentMessage(v: unknown): v is ParentMessage {
  return isStartMessage(v) || isCancelMessage(v);
}

export function isStartedEvent(v: unknown): v is StartedEvent {
  return (
    isVersioned(v) &&
    v.type === 'started' &&
    isString(v.backend) &&
    isDatasetSummary(v.dataset) &&
    isNumberArray(v.lrs) &&
    isNumber(v.runs)
  );
}

export function isProgressEvent(v: unknown): v is ProgressEvent {
  return isVersioned(v) && v.type === 'progress' && isNumber(v.run) && isCurvePoint(v.point);
}

export function isResultEvent(v: unknown): v is ResultEvent {
  return isVersioned(v) && v.type === 'result' && isRangeTestResult(v.result);
}

export function isErrorEvent(v: unknown): v is ErrorEvent {
  return (
    isVersioned(v) &&
    v.type === 'error' &&
    typeof v.userError === 'boolean' &&
    isString(v.message) &&
    isOptional(v.hint, isString) &&
    isOptional(v.file, isString) &&
    isOptional(v.line, isNumber) &&
    isOptional(v.column, isNumber)
  );
}

export function isLogEvent(v: unknown): v is LogEvent {
  return isVersioned(v) && v.type === 'log' && isString(v.message);
}

export function isWorkerEvent(v: unknown): v is WorkerEvent {
  return isStartedEvent(v) || isProgressEvent(v) || isResultEvent(v) || isErrorEvent(v) || isLogEvent(v);
}

/** Why a message was rejected, for the error that reports it (e.g. a worker from another version). */
export function describeInvalidMessage(v: unknown): string {
  if (!isObject(v)) return `not an object: ${String(v).slice(0, 80)}`;
  if (v.v !== WORKER_PROTOCOL_VERSION) return `protocol version ${String(v.v)}, expected ${WORKER_PROTOCOL_VERSION}`;
  return `malformed '${String(v.type)}' message`;
}

// ---- JSON lines ---------------------------------------------------------------------------------------

/** One message as a JSON line. NaN/Infinity become null (JSON has no such numbers). */
export function encodeLine(message: ParentMessage | WorkerEvent): string {
  return JSON.stringify(message) + '\n';
}

/**
 * Splits a byte stream of JSON lines into parsed values; a line that is not JSON is returned as a string
 * so that the caller can treat it as stray output (e.g. a library printing to stdout).
 */
export class JsonLineDecoder {
  private buffer = '';

  push(chunk: string): unknown[] {
    this.buffer += chunk;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    return lines.filter((l) => l.trim() !== '').map(parseLine);
  }

  /** Whatever is left when the stream ends. */
  end(): unknown[] {
    const rest = this.buffer;
    this.buffer = '';
    return rest.trim() === '' ? [] : [parseLine(rest)];
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}
