// The worker channel: a caller (the extension host, the CLI) ↔ a range-test worker process (dist/worker.js)
// over Node IPC. Versioned, so that a stale worker is detected instead of misread. The PyTorch bridge and the
// run-file follower speak the worker's events too, so that the panel and the CLI need not care who ran.
import * as v from 'valibot';
import { MAX_ITERATIONS, MAX_RUNS } from '../limits';
import { CurvePointSchema } from './curvePoint';
import { DatasetSummarySchema } from './datasetSummary';
import { InspectDataset } from './datasetInspection';
import { command, type MessageOf, messageTable, notification } from './messageTable';
import { RangeTestConfigSchema } from './rangeTestConfig';
import { RangeTestResultSchema } from './rangeTestResult';
import { count, text } from './schemaParts';

export const WORKER_PROTOCOL_VERSION = 1;
/** Command-line argument of a worker forked ahead of its run (a spare): it starts its seed threads at once. */
export const SPARE_WORKER_ARG = '--spare';

const envelope = {
  v: v.literal(WORKER_PROTOCOL_VERSION, (issue) => `protocol version ${issue.received}, expected ${WORKER_PROTOCOL_VERSION} (a worker from another version)`),
};
const runIndex = v.pipe(count, v.maxValue(MAX_RUNS - 1));

// ---- parent → worker ----

/** Run this range test (sent once). */
export const Start = command('start', { config: RangeTestConfigSchema });
/** Stop as soon as possible and answer with a 'result' whose stopReason is 'cancelled'. */
export const Cancel = command('cancel', {});

// ---- worker → parent ----

/** The model is built and training starts (lets a UI label the plot early). */
export const Started = notification('started', {
  backend: text(100),
  dataset: DatasetSummarySchema,
  /** The learning rates the sweep will visit (a run may stop before the last). */
  lrs: v.pipe(v.array(v.pipe(v.number(), v.finite(), v.gtValue(0))), v.maxLength(MAX_ITERATIONS)),
  runs: v.pipe(count, v.minValue(1), v.maxValue(MAX_RUNS)),
});
/** One more point of run `run` (0-based). */
export const Progress = notification('progress', { run: runIndex, point: CurvePointSchema });
/**
 * On the wire only: the progress events of the last few milliseconds in one message. One IPC message per
 * step (thousands a second with several runs in parallel) kept the receiving extension host so busy that its
 * backlog delayed Cancel and the end of a run by minutes; the client unpacks a batch into the Progress events
 * it holds, in order, so listeners see the same events as before.
 */
export const ProgressBatch = notification('progressBatch', { progress: v.array(v.object({ run: runIndex, point: CurvePointSchema })) });
/**
 * Every step is trained; the suggestion is being read (on a long sweep that takes a while, and the panel
 * and the status bar say so instead of showing "N of N steps" as if stuck).
 */
export const Suggesting = notification('suggesting', { stepsTrained: count });
/** The final (averaged) result; the last message of a successful or cancelled run. */
export const Result = notification('result', { result: RangeTestResultSchema });
/**
 * The run failed. `userError` true means a problem the user can fix (a UserError's fields follow, to be shown
 * as is); false means a bug, and `message` is for a bug report.
 */
export const Failed = notification('error', {
  userError: v.boolean(),
  message: text(),
  hint: v.optional(text()),
  file: v.optional(text()),
  line: v.optional(count),
  column: v.optional(count),
});
/** A diagnostic line (not an error). */
export const Log = notification('log', { message: text() });

/** What the worker process receives. */
export const toWorker = messageTable([Start, Cancel, InspectDataset.request], envelope);
/** What the parent receives from a worker process. */
export const fromWorker = messageTable([Started, Progress, ProgressBatch, Suggesting, Result, Failed, Log, InspectDataset.response], envelope);

export type ParentMessage = MessageOf<(typeof toWorker)['messages'][number]> & { v: typeof WORKER_PROTOCOL_VERSION };
export type StartedEvent = MessageOf<typeof Started> & { v: typeof WORKER_PROTOCOL_VERSION };
export type ProgressEvent = MessageOf<typeof Progress> & { v: typeof WORKER_PROTOCOL_VERSION };
export type SuggestingEvent = MessageOf<typeof Suggesting> & { v: typeof WORKER_PROTOCOL_VERSION };
export type ResultEvent = MessageOf<typeof Result> & { v: typeof WORKER_PROTOCOL_VERSION };
export type ErrorEvent = MessageOf<typeof Failed> & { v: typeof WORKER_PROTOCOL_VERSION };
export type LogEvent = MessageOf<typeof Log> & { v: typeof WORKER_PROTOCOL_VERSION };
/** The events of a range test, whoever runs it (the worker, the PyTorch bridge, a followed run file). */
export type WorkerEvent = StartedEvent | ProgressEvent | SuggestingEvent | ResultEvent | ErrorEvent | LogEvent;
export type ProgressBatchMessage = MessageOf<typeof ProgressBatch> & { v: typeof WORKER_PROTOCOL_VERSION };

export const startMessage = (config: MessageOf<typeof Start>['config']): ParentMessage => ({ v: WORKER_PROTOCOL_VERSION, type: 'start', config });
export const cancelMessage = (): ParentMessage => ({ v: WORKER_PROTOCOL_VERSION, type: 'cancel' });
