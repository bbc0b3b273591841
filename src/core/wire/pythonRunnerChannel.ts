// The Python runner channel: python/cyclical_lr/bridge.py → src/worker/pytorchBridge.ts, one JSON object per
// line on a private pipe (fd 3), so that the user's own prints cannot corrupt it. The bridge turns these
// events into the worker channel's, so that the panel and the CLI need not care that PyTorch ran.
import * as v from 'valibot';
import { STOP_REASONS } from '../types';
import { CurvePointSchema } from './curvePoint';
import { DatasetSummarySchema } from './datasetSummary';
import { type MessageOf, messageTable, notification } from './messageTable';
import { count, integer, text } from './schemaParts';

/** The runner has imported torch. */
export const Hello = notification('hello', { torch: text(200), python: text(4096) });
/** The user's objects are built and the sweep starts; `dataset.batchSize` is train_loader.batch_size (0: none). */
export const Started = notification('started', {
  device: text(200),
  dataset: v.object({ ...DatasetSummarySchema.entries, batchSize: count }),
});
/** The points since the last event. */
export const Progress = notification('progress', { points: v.array(CurvePointSchema) });
/** The sweep ended (completed, diverged, …); the curve is what the progress events carried. */
export const Result = notification('result', {
  stopReason: v.picklist(STOP_REASONS),
  stoppedAt: integer,
  steps: count,
  seconds: v.number(),
  cpuSeconds: v.optional(v.number()),
  stepsPerSecond: v.number(),
});
/** The run failed; `kind` says whether it is the user's to fix (see pytorchBridge's USER_ERROR_KINDS). */
export const Failed = notification('error', {
  kind: text(100),
  message: text(),
  hint: v.optional(text()),
  file: v.optional(text()),
  line: v.optional(count),
  traceback: v.optional(text()),
});

export const fromPythonRunner = messageTable([Hello, Started, Progress, Result, Failed]);
export type RunnerEvent = MessageOf<(typeof fromPythonRunner)['messages'][number]>;
