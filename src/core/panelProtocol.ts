// The one typed protocol between the range-test panel (webview) and the extension host, with the runtime
// validators both sides run on every message as it arrives. A message that fails validation is dropped and
// logged by the receiver, never acted upon: the webview is a separate, less trusted context.

import { SCHEDULE_POLICIES, type SchedulePolicy, type ScheduleSpec, validateScheduleSpec } from './schedules';
import type {
  CurvePoint,
  DatasetSummary,
  LrBounds,
  RangeTestConfig,
  RangeTestResult,
  StopReason,
} from './types';
import { DEFAULT_RANGE_TEST_CONFIG, MODEL_PRESETS, OPTIMIZERS, STEP_MODES } from './types';
import { rangeTestConfigProblem } from './configProblem';
import { MAX_PATH_LENGTH } from './limits';
import {
  describeValue,
  isArrayOf,
  isCurvePoint,
  isDatasetSummary,
  isFiniteNumber,
  isObject,
  isOneOf,
  isPositiveInteger,
  isRangeTestConfig,
  isRangeTestResult,
  isString,
  isStringArray,
  neverThrows,
  STOP_REASONS,
} from './resultValidators';

export { PANEL_VIEW_TYPE } from './panelViewType';

export type Framework = 'pytorch' | 'lightning' | 'keras' | 'tfjs' | 'fastai';
export const FRAMEWORKS: readonly Framework[] = ['pytorch', 'lightning', 'keras', 'tfjs', 'fastai'];

export { SCHEDULE_POLICIES, type SchedulePolicy };

export type ExportFormat = 'png' | 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['png', 'csv', 'json'];

/** The panel's form: everything of a RangeTestConfig the user edits there. */
export type PanelRunRequest = Pick<
  RangeTestConfig,
  'dataset' | 'model' | 'optimizer' | 'startLr' | 'endLr' | 'iterations' | 'batchSize' | 'stepMode' | 'runs'
> & { target?: string };

/** One run kept in the workspace's history, as listed in the panel. */
export interface HistoryEntry {
  id: string;
  label: string;
  /** ISO 8601. */
  createdAt: string;
  dataset: string;
  backend: string;
  stopReason: StopReason;
  points: number;
  bounds: LrBounds;
  confidence: number;
}

/** What the panel shows as one curve: a finished run from history, or the one that is streaming. */
export interface PanelRun {
  id: string;
  label: string;
  config: RangeTestConfig;
  /** Present once the run has finished. */
  result?: RangeTestResult;
}

export type RunStatus = 'idle' | 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled';
export const RUN_STATUSES: readonly RunStatus[] = ['idle', 'running', 'cancelling', 'done', 'failed', 'cancelled'];

/**
 * The run in progress as the extension's run controller sees it (the one source of truth): the panel and
 * the status bar both render from it.
 */
export interface RunProgressView {
  phase: 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled';
  /** Steps done over all repeats. */
  stepsDone: number;
  stepsTotal: number;
  runs: number;
  /** The repeat (0-based) whose curve the chart follows. */
  chartRun: number;
  /** Epoch ms of the worker's latest event, and of the run's end (null while it runs). */
  lastEventAt: number | null;
  endedAt: number | null;
}

/**
 * What the webview reports about what it shows (debounced). The extension keeps the last one: the
 * integration tests read it through a hidden command, since they cannot look inside the webview.
 */
export interface PanelStateReport {
  status: RunStatus;
  runId: string | null;
  /** Points of the raw-loss dataset that the chart has drawn. */
  pointsPlotted: number;
  overlayRunId: string | null;
  overlayPoints: number;
  /** Rows of the suggestions table as rendered: [rule, value]. */
  suggestionRows: Array<[string, string]>;
  diagnostics: string[];
  bounds: LrBounds | null;
  policy: SchedulePolicy;
  schedulePoints: number;
  error: string | null;
  theme: string;
  /** Ids of the runs the history list shows, newest first. */
  historyIds: string[];
  /** The dataset line under the form's dataset field (its inspection, or the problem with it). */
  datasetInfo: string;
  /** The value of the form's dataset field. */
  datasetField: string;
  /** The header's status line as shown, and the epoch ms at which `status` last changed. */
  statusLine: string;
  statusChangedAt: number;
  /** Steps done as the header shows them (from the run controller's latest update). */
  stepsShown: number;
  /** Epoch ms of the last click on the panel's Cancel button (null: none yet). */
  cancelClickedAt: number | null;
  /** How late the webview ran a 100-ms timer lately (90th percentile, ms): its own share of any lag. */
  timerDelay: number;
}

// ---- extension → webview ----

export type ToWebview =
  | { type: 'init'; defaults: PanelRunRequest; datasets: string[]; history: HistoryEntry[] }
  | { type: 'datasets'; datasets: string[]; selected?: string }
  | { type: 'datasetInfo'; path: string; summary: DatasetSummary | null; error?: string }
  | { type: 'runStarted'; run: PanelRun; stepsExpected: number; /** A recreated webview catching up, not a new run. */ replay?: boolean }
  | { type: 'progress'; runId: string; progress: RunProgressView; points: CurvePoint[]; replace: boolean }
  | { type: 'runFinished'; run: PanelRun & { result: RangeTestResult } }
  | { type: 'runFailed'; runId: string; message: string; hint?: string; location?: string }
  | { type: 'runCancelled'; runId: string; /** The curve up to the cancel, when the worker sent it. */ partial?: RangeTestResult }
  | { type: 'showRun'; run: PanelRun & { result: RangeTestResult } }
  | { type: 'overlay'; run: (PanelRun & { result: RangeTestResult }) | null }
  | { type: 'history'; history: HistoryEntry[] }
  | { type: 'setSchedule'; spec: ScheduleSpec }
  | { type: 'requestPng'; requestId: number }
  | { type: 'testAction'; action: 'click'; target: string };

// ---- webview → extension ----

export type FromWebview =
  | { type: 'ready'; shownRunId: string | null; overlayRunId: string | null }
  | { type: 'pickDataset' }
  | { type: 'inspectDataset'; path: string; target?: string }
  | { type: 'run'; request: PanelRunRequest }
  | { type: 'cancel' }
  /** The webview has drawn the last 'progress' update of this run (flow control: see RunController). */
  | { type: 'progressShown'; runId: string }
  | {
      type: 'insert';
      framework: Framework;
      spec: ScheduleSpec;
      stepsPerEpoch?: number;
      optimizer?: string;
    }
  | { type: 'openRun'; id: string }
  | { type: 'overlayRun'; id: string | null }
  | { type: 'deleteRun'; id: string }
  | { type: 'export'; id: string; format: 'csv' | 'json' }
  | { type: 'exportPng'; id: string; dataUrl: string }
  | { type: 'png'; requestId: number; dataUrl: string | null }
  | { type: 'state'; state: PanelStateReport }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

// ---- validators (none of them throws) ----

export { isCurvePoint, isDatasetSummary, isRangeTestConfig, isRangeTestResult };

function isOptional<T>(value: unknown, guard: (v: unknown) => v is T): value is T | undefined {
  return value === undefined || guard(value);
}

export function isLrBounds(value: unknown): value is LrBounds {
  return isObject(value) && isFiniteNumber(value.baseLr) && isFiniteNumber(value.maxLr);
}

/** A ScheduleSpec PyTorch would accept (the schedules module's own validation). */
export function isScheduleSpec(value: unknown): value is ScheduleSpec {
  try {
    validateScheduleSpec(value);
    return true;
  } catch {
    return false;
  }
}

/** A request the engine runs as it is (the form's fields over the default settings). */
export const isPanelRunRequest = neverThrows(
  (value: unknown): boolean =>
    isObject(value) &&
    isString(value.dataset, MAX_PATH_LENGTH) &&
    value.dataset.length > 0 &&
    isOptional(value.target, (v): v is string => isString(v, 1000)) &&
    isString(value.model, MAX_PATH_LENGTH) &&
    (isOneOf(MODEL_PRESETS, value.model) || value.model.endsWith('.json')) &&
    isOneOf(OPTIMIZERS, value.optimizer) &&
    isFiniteNumber(value.startLr) &&
    isFiniteNumber(value.endLr) &&
    isFiniteNumber(value.iterations) &&
    isFiniteNumber(value.batchSize) &&
    isOneOf(STEP_MODES, value.stepMode) &&
    isFiniteNumber(value.runs) &&
    rangeTestConfigProblem({ ...DEFAULT_RANGE_TEST_CONFIG, ...(value as PanelRunRequest) }) === null,
) as (value: unknown) => value is PanelRunRequest;

function isHistoryEntry(value: unknown): value is HistoryEntry {
  return (
    isObject(value) &&
    isString(value.id, 200) &&
    isString(value.label, 1000) &&
    isString(value.createdAt, 100) &&
    isString(value.dataset, 4096) &&
    isString(value.backend, 100) &&
    isOneOf(STOP_REASONS, value.stopReason) &&
    Number.isInteger(value.points) &&
    isLrBounds(value.bounds) &&
    isFiniteNumber(value.confidence)
  );
}

function isPanelRun(value: unknown): value is PanelRun {
  return (
    isObject(value) &&
    isString(value.id, 200) &&
    isString(value.label, 1000) &&
    isRangeTestConfig(value.config) &&
    (value.result === undefined || isRangeTestResult(value.result))
  );
}

function isFinishedRun(value: unknown): value is PanelRun & { result: RangeTestResult } {
  return isPanelRun(value) && value.result !== undefined;
}

function isPanelStateReport(value: unknown): value is PanelStateReport {
  return (
    isObject(value) &&
    isOneOf(RUN_STATUSES, value.status) &&
    (value.runId === null || isString(value.runId, 200)) &&
    Number.isInteger(value.pointsPlotted) &&
    (value.overlayRunId === null || isString(value.overlayRunId, 200)) &&
    Number.isInteger(value.overlayPoints) &&
    isArrayOf(value.suggestionRows, (row) => Array.isArray(row) && row.length === 2 && row.every((c) => isString(c, 1000))) &&
    isStringArray(value.diagnostics) &&
    (value.bounds === null || isLrBounds(value.bounds)) &&
    isOneOf(SCHEDULE_POLICIES, value.policy) &&
    Number.isInteger(value.schedulePoints) &&
    (value.error === null || isString(value.error)) &&
    isString(value.theme, 100) &&
    isArrayOf(value.historyIds, (id) => isString(id, 200)) &&
    isString(value.datasetInfo) &&
    isString(value.datasetField, 4096) &&
    isString(value.statusLine, 1000) &&
    isFiniteNumber(value.statusChangedAt) &&
    Number.isInteger(value.stepsShown) &&
    isNullableNumber(value.cancelClickedAt) &&
    isFiniteNumber(value.timerDelay)
  );
}

function isNullableNumber(value: unknown): value is number | null {
  return value === null || isFiniteNumber(value);
}

function isRunProgressView(value: unknown): value is RunProgressView {
  return (
    isObject(value) &&
    isOneOf(['running', 'cancelling', 'done', 'failed', 'cancelled'], value.phase) &&
    Number.isInteger(value.stepsDone) &&
    Number.isInteger(value.stepsTotal) &&
    isPositiveInteger(value.runs) &&
    Number.isInteger(value.chartRun) &&
    isNullableNumber(value.lastEventAt) &&
    isNullableNumber(value.endedAt)
  );
}

/** The base64 of a PNG starts with its signature (89 50 4E 47 0D 0A 1A 0A) and a whole IHDR chunk follows. */
const PNG_DATA_URL = /^data:image\/png;base64,iVBORw0KGgo[A-Za-z0-9+/]{40,}={0,2}$/;
/** 32 MB of base64 is far above any chart we draw, and keeps a runaway message from exhausting memory. */
const MAX_DATA_URL = 32 * 1024 * 1024;
function isPngDataUrl(value: unknown): value is string {
  return isString(value, MAX_DATA_URL) && PNG_DATA_URL.test(value);
}

/** Validates a message from the webview; returns it typed, or null (drop it). */
export function parseFromWebview(message: unknown): FromWebview | null {
  try {
    return checkFromWebview(message);
  } catch {
    return null;
  }
}

function checkFromWebview(message: unknown): FromWebview | null {
  if (!isObject(message) || !isString(message.type, 50)) return null;
  const m = message;
  switch (m.type) {
    case 'ready':
      return (m.shownRunId === null || isString(m.shownRunId, 200)) && (m.overlayRunId === null || isString(m.overlayRunId, 200))
        ? (m as FromWebview)
        : null;
    case 'pickDataset':
    case 'cancel':
      return m as FromWebview;
    case 'inspectDataset':
      return isString(m.path, 4096) && isOptional(m.target, (v): v is string => isString(v, 1000)) ? (m as FromWebview) : null;
    case 'run':
      return isPanelRunRequest(m.request) ? (m as FromWebview) : null;
    case 'insert':
      return isOneOf(FRAMEWORKS, m.framework) &&
        isScheduleSpec(m.spec) &&
        isOptional(m.stepsPerEpoch, isPositiveInteger) &&
        isOptional(m.optimizer, (v): v is string => isOneOf(OPTIMIZERS, v))
        ? (m as FromWebview)
        : null;
    case 'progressShown':
      return isString(m.runId, 200) ? (m as FromWebview) : null;
    case 'openRun':
    case 'deleteRun':
      return isString(m.id, 200) ? (m as FromWebview) : null;
    case 'overlayRun':
      return m.id === null || isString(m.id, 200) ? (m as FromWebview) : null;
    case 'export':
      return isString(m.id, 200) && isOneOf(['csv', 'json'], m.format) ? (m as FromWebview) : null;
    case 'exportPng':
      return isString(m.id, 200) && isPngDataUrl(m.dataUrl) ? (m as FromWebview) : null;
    case 'png':
      return Number.isInteger(m.requestId) && (m.dataUrl === null || isPngDataUrl(m.dataUrl)) ? (m as FromWebview) : null;
    case 'state':
      return isPanelStateReport(m.state) ? (m as FromWebview) : null;
    case 'log':
      return isOneOf(['info', 'warn', 'error'], m.level) && isString(m.message, 10_000) ? (m as FromWebview) : null;
    default:
      return null;
  }
}

/** Validates a message from the extension; returns it typed, or null (drop it). */
export function parseToWebview(message: unknown): ToWebview | null {
  try {
    return checkToWebview(message);
  } catch {
    return null;
  }
}

function checkToWebview(message: unknown): ToWebview | null {
  if (!isObject(message) || !isString(message.type, 50)) return null;
  const m = message;
  switch (m.type) {
    case 'init':
      return isPanelRunRequestDefaults(m.defaults) && isStringArray(m.datasets) && isArrayOf(m.history, isHistoryEntry)
        ? (m as ToWebview)
        : null;
    case 'datasets':
      return isStringArray(m.datasets) && isOptional(m.selected, (v): v is string => isString(v)) ? (m as ToWebview) : null;
    case 'datasetInfo':
      return isString(m.path) &&
        (m.summary === null || isDatasetSummary(m.summary)) &&
        isOptional(m.error, (v): v is string => isString(v))
        ? (m as ToWebview)
        : null;
    case 'runStarted':
      return isPanelRun(m.run) && Number.isInteger(m.stepsExpected) && isOptional(m.replay, (v): v is boolean => typeof v === 'boolean') ? (m as ToWebview) : null;
    case 'progress':
      return isString(m.runId, 200) && isRunProgressView(m.progress) && isArrayOf(m.points, isCurvePoint) && typeof m.replace === 'boolean'
        ? (m as ToWebview)
        : null;
    case 'runFinished':
    case 'showRun':
      return isFinishedRun(m.run) ? (m as ToWebview) : null;
    case 'overlay':
      return m.run === null || isFinishedRun(m.run) ? (m as ToWebview) : null;
    case 'runFailed':
      return isString(m.runId, 200) &&
        isString(m.message) &&
        isOptional(m.hint, (v): v is string => isString(v)) &&
        isOptional(m.location, (v): v is string => isString(v))
        ? (m as ToWebview)
        : null;
    case 'runCancelled':
      return isString(m.runId, 200) && (m.partial === undefined || isRangeTestResult(m.partial)) ? (m as ToWebview) : null;
    case 'history':
      return isArrayOf(m.history, isHistoryEntry) ? (m as ToWebview) : null;
    case 'setSchedule':
      return isScheduleSpec(m.spec) ? (m as ToWebview) : null;
    case 'requestPng':
      return Number.isInteger(m.requestId) ? (m as ToWebview) : null;
    case 'testAction':
      return m.action === 'click' && isString(m.target, 200) ? (m as ToWebview) : null;
    default:
      return null;
  }
}

/** Defaults may carry an empty dataset (none chosen yet), unlike a run request. */
function isPanelRunRequestDefaults(value: unknown): value is PanelRunRequest {
  return isObject(value) && isString(value.dataset) && isPanelRunRequest({ ...value, dataset: value.dataset || '-' });
}

/** A short, loggable description of a message that was dropped (never throws). */
export function describeDropped(message: unknown): string {
  return describeValue(message);
}
