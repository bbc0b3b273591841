// The workspace's run history: a run as kept in its file, and as the panel lists it.
import * as v from 'valibot';
import { STOP_REASONS } from '../types';
import { RangeTestResultSchema } from './rangeTestResult';
import { count, finiteNumber, id, text } from './schemaParts';
import { LrBoundsSchema } from './suggestion';

/** One run's file in the history folder (written by the extension; read back as untrusted). */
export const StoredRunSchema = v.object({
  id,
  label: text(1000),
  /** ISO 8601. */
  createdAt: text(100),
  result: RangeTestResultSchema,
});

/** One run of the history, as listed in the panel. */
export const HistoryEntrySchema = v.object({
  id,
  label: text(1000),
  /** ISO 8601. */
  createdAt: text(100),
  dataset: text(4096),
  backend: text(100),
  stopReason: v.picklist(STOP_REASONS),
  points: count,
  bounds: LrBoundsSchema,
  confidence: finiteNumber,
});

export type StoredRun = v.InferOutput<typeof StoredRunSchema>;
export type HistoryEntry = v.InferOutput<typeof HistoryEntrySchema>;
