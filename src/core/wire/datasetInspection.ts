// Dataset inspection, a request the worker answers (src/worker/main.ts): the panel's form asks what a dataset
// is (format, rows, target column) while the user types. It runs in a worker process rather than in the
// extension host: inspecting an image folder decodes its images, and a large CSV is read through once.
import * as v from 'valibot';
import { MAX_PATH_LENGTH } from '../limits';
import { DatasetSummarySchema } from './datasetSummary';
import { type MessageOf, request } from './messageTable';
import { text } from './schemaParts';

/** `error` is one line the user can act on (a UserError's message and hint), when there is no summary. */
export const InspectDataset = request('inspect', { path: text(MAX_PATH_LENGTH), target: v.optional(text(10_000)) }, 'inspected', {
  summary: v.nullable(DatasetSummarySchema),
  error: v.optional(text()),
});

export type InspectRequest = MessageOf<typeof InspectDataset.request>;
export type InspectResponse = MessageOf<typeof InspectDataset.response>;
