// The panel channel: the range-test webview ↔ the extension host, over postMessage. The webview is a less
// trusted context: each side parses what arrives with its table below and drops (and logs) what fails.
//
//   webview → host: commands, the inspectDataset request, the answer to the host's requestPng
//   host → webview: notifications, the requestPng request, the answer to inspectDataset
import * as v from 'valibot';
import { MAX_PATH_LENGTH } from '../limits';
import { DEFAULT_RANGE_TEST_CONFIG, isPreset, MODEL_PRESETS, OPTIMIZERS } from '../types';
import { rangeTestConfigProblem } from '../configProblem';
import { CurvePointSchema } from './curvePoint';
import { DatasetSummarySchema } from './datasetSummary';
import { HistoryEntrySchema } from './historyEntry';
import { command, type MessageOf, messageTable, notification, request } from './messageTable';
import { rangeTestConfigEntries, RangeTestConfigSchema } from './rangeTestConfig';
import { RangeTestResultSchema } from './rangeTestResult';
import { ScheduleSpecSchema } from './scheduleSpec';
import { id, integer, nonEmptyText, positiveInteger, text } from './schemaParts';
import { SNIPPET_FRAMEWORKS, type SnippetFramework } from '../snippets/catalog';

export { PANEL_VIEW_TYPE } from '../panelViewType';

export type Framework = SnippetFramework;
export const FRAMEWORKS = SNIPPET_FRAMEWORKS;

export type ExportFormat = 'png' | 'csv' | 'json';

const requestFields = {
  model: v.pipe(
    rangeTestConfigEntries.model,
    v.check((model) => isPreset(model) || model.endsWith('.json'), `expected one of ${MODEL_PRESETS.join(', ')} or a model.json path`),
  ),
  optimizer: v.picklist(OPTIMIZERS),
  startLr: rangeTestConfigEntries.startLr,
  endLr: rangeTestConfigEntries.endLr,
  iterations: rangeTestConfigEntries.iterations,
  batchSize: rangeTestConfigEntries.batchSize,
  stepMode: rangeTestConfigEntries.stepMode,
  runs: rangeTestConfigEntries.runs,
  target: v.optional(text(1000)),
};

/** The form's fields over the default settings, checked as the engine checks them. */
function checkRunnable(request: { startLr: number; endLr: number; iterations: number; batchSize: number; runs: number }, addIssue: (info: { message: string }) => void): void {
  const problem = rangeTestConfigProblem({ ...DEFAULT_RANGE_TEST_CONFIG, ...request });
  if (problem) addIssue({ message: `--${problem.flag}: ${problem.message}` });
}

/** The panel's form: everything of a RangeTestConfig the user edits there, as a request the engine runs. */
export const PanelRunRequestSchema = v.pipe(
  v.object({ dataset: nonEmptyText(MAX_PATH_LENGTH), ...requestFields }),
  v.rawCheck(({ dataset, addIssue }) => dataset.typed && checkRunnable(dataset.value, addIssue)),
);
/** The form's defaults may carry an empty dataset (none chosen yet), unlike a run request. */
const PanelFormDefaultsSchema = v.pipe(
  v.object({ dataset: text(MAX_PATH_LENGTH), ...requestFields }),
  v.rawCheck(({ dataset, addIssue }) => dataset.typed && checkRunnable(dataset.value, addIssue)),
);
export type PanelRunRequest = v.InferOutput<typeof PanelRunRequestSchema>;

/** What the panel shows as one curve: a finished run from history, or the one that is streaming. */
export const PanelRunSchema = v.object({
  id,
  label: text(1000),
  config: RangeTestConfigSchema,
  /** Present once the run has finished. */
  result: v.optional(RangeTestResultSchema),
});
const FinishedRunSchema = v.object({ ...PanelRunSchema.entries, result: RangeTestResultSchema });
export type PanelRun = v.InferOutput<typeof PanelRunSchema>;

export const RUN_STATUSES = ['idle', 'running', 'cancelling', 'done', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const nullableTime = v.nullable(v.pipe(v.number(), v.finite()));

/**
 * The run in progress as the extension's run controller sees it (the one source of truth): the panel and
 * the status bar both render from it.
 */
export const RunProgressViewSchema = v.object({
  phase: v.picklist(['running', 'cancelling', 'done', 'failed', 'cancelled']),
  /** Steps done over all repeats. */
  stepsDone: integer,
  stepsTotal: integer,
  runs: positiveInteger,
  /** The repeat (0-based) whose curve the chart follows. */
  chartRun: integer,
  /** Every step is trained and the suggestion is being read. */
  suggesting: v.boolean(),
  /** Epoch ms of the worker's latest event, and of the run's end (null while it runs). */
  lastEventAt: nullableTime,
  endedAt: nullableTime,
});
export type RunProgressView = v.InferOutput<typeof RunProgressViewSchema>;

/** The base64 of a PNG starts with its signature (89 50 4E 47 0D 0A 1A 0A) and a whole IHDR chunk follows. */
const PNG_DATA_URL = /^data:image\/png;base64,iVBORw0KGgo[A-Za-z0-9+/]{40,}={0,2}$/;
/** 32 MB of base64 is far above any chart we draw, and keeps a runaway message from exhausting memory. */
const pngDataUrl = v.pipe(text(32 * 1024 * 1024), v.regex(PNG_DATA_URL, 'expected a PNG image as a data: URL'));

const failure = { message: text(), hint: v.optional(text()), location: v.optional(text()) };

// ---- webview → host ----

export const Ready = command('ready', { shownRunId: v.nullable(id), overlayRunId: v.nullable(id) });
export const PickDataset = command('pickDataset', {});
export const Run = command('run', { request: PanelRunRequestSchema });
export const Cancel = command('cancel', {});
/** The webview has drawn the last 'progress' update of this run (flow control: see RunController). */
export const ProgressShown = command('progressShown', { runId: id });
export const Insert = command('insert', {
  framework: v.picklist(FRAMEWORKS),
  spec: ScheduleSpecSchema,
  stepsPerEpoch: v.optional(positiveInteger),
  optimizer: v.optional(v.picklist(OPTIMIZERS)),
});
export const OpenRun = command('openRun', { id });
export const OverlayRun = command('overlayRun', { id: v.nullable(id) });
export const DeleteRun = command('deleteRun', { id });
export const Export = command('export', { id, format: v.picklist(['csv', 'json']) });
export const ExportPng = command('exportPng', { id, dataUrl: pngDataUrl });
export const Log = command('log', { level: v.picklist(['info', 'warn', 'error']), message: text(10_000) });

/** What the form's dataset is: its inspection (run in the worker), or the problem with it. */
export const InspectDataset = request('inspectDataset', { path: text(MAX_PATH_LENGTH), target: v.optional(text(1000)) }, 'datasetInspected', {
  summary: v.nullable(DatasetSummarySchema),
  error: v.optional(text()),
});

// ---- host → webview ----

export const Init = notification('init', { defaults: PanelFormDefaultsSchema, datasets: v.array(text()), history: v.array(HistoryEntrySchema) });
/** The workspace's datasets; `selected`: the one the user just picked (the form then inspects it). */
export const Datasets = notification('datasets', { datasets: v.array(text()), selected: v.optional(text()) });
export const RunStarted = notification('runStarted', {
  run: PanelRunSchema,
  stepsExpected: integer,
  /** A recreated webview catching up, not a new run. */
  replay: v.optional(v.boolean()),
});
export const Progress = notification('progress', { runId: id, progress: RunProgressViewSchema, points: v.array(CurvePointSchema), replace: v.boolean() });
export const RunFinished = notification('runFinished', { run: FinishedRunSchema });
export const RunFailed = notification('runFailed', { runId: id, ...failure });
/** `partial`: the curve up to the cancel, when the worker sent it. */
export const RunCancelled = notification('runCancelled', { runId: id, partial: v.optional(RangeTestResultSchema) });
export const ShowRun = notification('showRun', { run: FinishedRunSchema });
export const Overlay = notification('overlay', { run: v.nullable(FinishedRunSchema) });
export const History = notification('history', { history: v.array(HistoryEntrySchema) });
export const SetSchedule = notification('setSchedule', { spec: ScheduleSpecSchema });

/** The chart as the panel draws it (for Export Run as PNG from the palette); null when it has no curve. */
export const RequestPng = request('requestPng', {}, 'png', { dataUrl: v.nullable(pngDataUrl) });

// ---- the tables ----

/** What the host receives from the webview. */
export const fromWebview = messageTable([
  Ready,
  PickDataset,
  Run,
  Cancel,
  ProgressShown,
  Insert,
  OpenRun,
  OverlayRun,
  DeleteRun,
  Export,
  ExportPng,
  Log,
  InspectDataset.request,
  RequestPng.response,
]);

/** What the webview receives from the host. */
export const toWebview = messageTable([
  Init,
  Datasets,
  RunStarted,
  Progress,
  RunFinished,
  RunFailed,
  RunCancelled,
  ShowRun,
  Overlay,
  History,
  SetSchedule,
  RequestPng.request,
  InspectDataset.response,
]);

export type FromWebview = MessageOf<(typeof fromWebview)['messages'][number]>;
export type ToWebview = MessageOf<(typeof toWebview)['messages'][number]>;
