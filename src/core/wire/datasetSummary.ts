// What inspecting a dataset reports (`clr inspect --json`, the worker's 'inspected' answer, a result's dataset).
import * as v from 'valibot';
import { MAX_PATH_LENGTH } from '../limits';
import { count, text } from './schemaParts';

/** 'pytorch': the user's own model and loader, from a Python file, run by the Python bridge. */
export const DATASET_FORMATS = ['csv', 'tsv', 'jsonl', 'npy', 'npz', 'idx', 'images', 'pytorch'] as const;
export const TASKS = ['classification', 'regression'] as const;

export const DatasetSummarySchema = v.object({
  path: text(MAX_PATH_LENGTH),
  format: v.picklist(DATASET_FORMATS),
  rows: count,
  /** Number of input features after encoding (flattened for images). */
  features: count,
  featureNames: v.array(text()),
  /** Per-example input shape, e.g. [32] or [28, 28, 1]. */
  inputShape: v.array(count),
  target: text(),
  task: v.picklist(TASKS),
  /** Class names for classification, [] for regression. */
  classes: v.array(text()),
  warnings: v.array(text()),
  /** A label file the reader took from beside the data (a companion `y.npy`, IDX labels): an input of the run too. */
  labelFile: v.optional(text(MAX_PATH_LENGTH)),
});

export type DatasetSummary = v.InferOutput<typeof DatasetSummarySchema>;
export type Task = DatasetSummary['task'];
