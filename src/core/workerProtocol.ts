// The messages between a caller (extension host, CLI) and a range-test worker process (the TF.js worker
// or the Python bridge). Versioned so that a stale worker is detected instead of misread. Pure: the
// transports (Node IPC, JSON lines over stdio) live in src/worker/.
import { ConfigProblem, rangeTestConfigProblem } from './configProblem';
import { MAX_ITERATIONS, MAX_RUNS } from './limits';
import {
  describeValue,
  isArrayOf,
  isCount,
  isCurvePoint,
  isDatasetSummary,
  isFiniteNumber,
  isObject,
  isPositiveInteger,
  isRangeTestConfig,
  isRangeTestResult,
  isString,
  neverThrows,
} from './resultValidators';
import { CurvePoint, DatasetSummary, MODEL_PRESETS, RangeTestConfig, RangeTestResult } from './types';

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
    v.progress.every((p: unknown) => isObject(p) && isCount(p.run) && isCurvePoint(p.point))
  );
}

export function startMessage(config: RangeTestConfig): StartMessage {
  return { v: WORKER_PROTOCOL_VERSION, type: 'start', config };
}

export function cancelMessage(): CancelMessage {
  return { v: WORKER_PROTOCOL_VERSION, type: 'cancel' };
}

// ---- runtime validators (shared with the panel protocol; none of them throws) --------------------------

export { isCurvePoint, isDatasetSummary, isRangeTestConfig, isRangeTestResult };

const isVersioned = (v: unknown): v is Record<string, unknown> => isObject(v) && v.v === WORKER_PROTOCOL_VERSION && isString(v.type, 50);
const isOptionalString = (v: unknown): boolean => v === undefined || isString(v);
const isOptionalLine = (v: unknown): boolean => v === undefined || isCount(v);

// Presets are listed so that callers can tell a preset from a model path without importing types.ts twice.
export function isModelPreset(model: string): boolean {
  return MODEL_PRESETS.includes(model as never);
}

export const isStartMessage = neverThrows((v: unknown): boolean => isVersioned(v) && v.type === 'start' && isRangeTestConfig(v.config)) as (v: unknown) => v is StartMessage;

export const isCancelMessage = neverThrows((v: unknown): boolean => isVersioned(v) && v.type === 'cancel') as (v: unknown) => v is CancelMessage;

export function isParentMessage(v: unknown): v is ParentMessage {
  return isStartMessage(v) || isCancelMessage(v);
}

export const isStartedEvent = neverThrows(
  (v: unknown): boolean =>
    isVersioned(v) &&
    v.type === 'started' &&
    isString(v.backend, 100) &&
    isDatasetSummary(v.dataset) &&
    isArrayOf<number>(v.lrs, (lr) => isFiniteNumber(lr) && lr > 0) &&
    v.lrs.length <= MAX_ITERATIONS &&
    isPositiveInteger(v.runs) &&
    v.runs <= MAX_RUNS,
) as (v: unknown) => v is StartedEvent;

export const isProgressEvent = neverThrows(
  (v: unknown): boolean => isVersioned(v) && v.type === 'progress' && isCount(v.run) && v.run < MAX_RUNS && isCurvePoint(v.point),
) as (v: unknown) => v is ProgressEvent;

export const isResultEvent = neverThrows((v: unknown): boolean => isVersioned(v) && v.type === 'result' && isRangeTestResult(v.result)) as (v: unknown) => v is ResultEvent;

export const isErrorEvent = neverThrows(
  (v: unknown): boolean =>
    isVersioned(v) &&
    v.type === 'error' &&
    typeof v.userError === 'boolean' &&
    isString(v.message) &&
    isOptionalString(v.hint) &&
    isOptionalString(v.file) &&
    isOptionalLine(v.line) &&
    isOptionalLine(v.column),
) as (v: unknown) => v is ErrorEvent;

export const isLogEvent = neverThrows((v: unknown): boolean => isVersioned(v) && v.type === 'log' && isString(v.message)) as (v: unknown) => v is LogEvent;

export function isWorkerEvent(v: unknown): v is WorkerEvent {
  return isStartedEvent(v) || isProgressEvent(v) || isResultEvent(v) || isErrorEvent(v) || isLogEvent(v);
}

/** When a start message was refused for a setting out of range (the user's mistake, not a bug), which one. */
export function startConfigProblem(v: unknown): ConfigProblem | null {
  try {
    return isVersioned(v) && v.type === 'start' && isObject(v.config) ? rangeTestConfigProblem(v.config as unknown as RangeTestConfig) : null;
  } catch {
    return null; // not even shaped like a configuration
  }
}

/** Why a message was rejected, for the error that reports it (e.g. a worker from another version); never throws. */
export function describeInvalidMessage(v: unknown): string {
  try {
    if (!isObject(v)) return `not an object: ${describeValue(v, 80)}`;
    if (v.v !== WORKER_PROTOCOL_VERSION) return `protocol version ${describeValue(v.v, 40)}, expected ${WORKER_PROTOCOL_VERSION}`;
    return `malformed ${describeValue(v.type, 60)} message`;
  } catch {
    return 'a message that cannot be read';
  }
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
