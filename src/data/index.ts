import { resolve } from 'node:path';
import { DatasetSummary } from '../core/types';
import { DEFAULT_MEMORY_BUDGET_BYTES, Dataset, OpenOptions } from './dataset';
import { readCsv } from './csvReader';
import { readJsonl } from './jsonlReader';
import { ArrayDatasetSpec, assembleArrays } from './arrayDataset';
import { idxSpec, npySpec, npzSpec } from './arrayReaders';
import { readImageFolder } from './imageFolder';
import { detectFormat } from './format';
import { statPath } from './files';
import { bytesPerSampleRow } from './table';
import { encodeTable, summarizeTable, TableSource } from './tabular';

export type { Batch, Dataset, OpenOptions, TargetScale } from './dataset';

/** inspect needs only whole-file statistics; its sample serves the rare mostly-text columns. */
const INSPECT_SAMPLE_ROWS = 10000;

function sampleRows(options: OpenOptions, bytesPerRow: number, cap = Infinity): number {
  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  return Math.max(1, Math.min(cap, options.maxRows ?? Infinity, Math.floor(budget / bytesPerRow)));
}

async function readTable(file: string, format: 'csv' | 'tsv' | 'jsonl', size: number, options: OpenOptions, cap: number): Promise<TableSource> {
  const tableOptions = {
    target: options.target,
    seed: options.seed ?? 0,
    capacityRows: (width: number) => sampleRows(options, bytesPerSampleRow(width), cap),
    onProgress: options.onProgress,
  };
  switch (format) {
    case 'csv':
    case 'tsv':
      return readCsv(file, size, tableOptions);
    case 'jsonl':
      return readJsonl(file, size, tableOptions);
  }
}

function arraySpec(file: string, format: 'npy' | 'npz' | 'idx', size: number, options: OpenOptions): Promise<ArrayDatasetSpec> {
  switch (format) {
    case 'npy':
      return npySpec(file, size, options);
    case 'npz':
      return npzSpec(file, size, options);
    case 'idx':
      return idxSpec(file);
  }
}

/** Reads a dataset file or image folder into memory (a uniform sample when it exceeds the memory budget). */
export async function openDataset(path: string, options: OpenOptions = {}): Promise<Dataset> {
  const file = resolve(path);
  const stats = await statPath(file);
  const format = await detectFormat(file, stats);
  switch (format) {
    case 'csv':
    case 'tsv':
    case 'jsonl':
      return encodeTable(await readTable(file, format, stats.size, options, Infinity), options);
    case 'npy':
    case 'npz':
    case 'idx': {
      const { dataset } = await assembleArrays(await arraySpec(file, format, stats.size, options), options, false);
      return dataset!;
    }
    case 'images':
      return (await readImageFolder(file, options)).dataset;
  }
}

/** Describes a dataset in one streaming pass with bounded memory, without encoding it. */
export async function inspectDataset(path: string, options: OpenOptions = {}): Promise<DatasetSummary> {
  const file = resolve(path);
  const stats = await statPath(file);
  const format = await detectFormat(file, stats);
  switch (format) {
    case 'csv':
    case 'tsv':
    case 'jsonl':
      return summarizeTable(await readTable(file, format, stats.size, options, INSPECT_SAMPLE_ROWS), options);
    case 'npy':
    case 'npz':
    case 'idx':
      return (await assembleArrays(await arraySpec(file, format, stats.size, options), options, true)).summary;
    case 'images':
      return (await readImageFolder(file, options)).summary;
  }
}
