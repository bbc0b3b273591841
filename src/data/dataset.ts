import { DatasetSummary, Preprocessing, Task } from '../core/types';
import { RANDOM_STREAM, SeededRandom } from './random';
import { sharedFloat32Array } from './sharedFloat32';

/** One training batch: `x` is size × features row-major (images flattened NHWC). */
export interface Batch {
  x: Float32Array;
  /** Class index (as a float) for classification, the standardized value for regression. */
  y: Float32Array;
  size: number;
}

/** How regression targets were standardized, so that losses and predictions can be mapped back. */
export interface TargetScale {
  mean: number;
  std: number;
}

export interface Dataset {
  /** Describes this object: `rows` is the number of rows held here (a sample when the file was larger). */
  readonly summary: DatasetSummary;
  /** rows × summary.features, encoded and standardized; bounded by the memory budget. */
  readonly x: Float32Array;
  readonly y: Float32Array;
  /**
   * Regression targets are standardized (y' = (y − mean) / std) so that the loss scale, and therefore the
   * learning rates a range test finds, do not depend on the units of the target; undefined for classification.
   */
  readonly targetScale?: TargetScale;
  /** How the encoded rows were scaled (what the suggested bounds assume); undefined for test fixtures. */
  readonly preprocessing?: Preprocessing;
  /** Seeded deterministic split (stratified by class for classification). */
  split(validationFraction: number, seed: number): { train: Dataset; validation: Dataset };
  /**
   * Endless seeded shuffled batches, every one exactly `batchSize` rows (an epoch boundary is crossed inside a
   * batch rather than yielding a short one); reshuffles each epoch; same seed ⇒ same batches.
   */
  batches(batchSize: number, seed: number): Iterator<Batch>;
}

export interface OpenOptions {
  /** Target column (CSV/JSONL name, or NPY column index); inferred when absent. */
  target?: string;
  /** Keep numeric values (features and a regression target) as the file holds them instead of standardising. */
  raw?: boolean;
  /** Override the inferred task. */
  task?: Task;
  /** Bytes the in-memory sample may take (default 256 MB). */
  memoryBudgetBytes?: number;
  /** Side of the square that images are resized to (default 28). */
  imageSize?: number;
  /** Keep at most this many rows (a uniform sample). */
  maxRows?: number;
  /** Seed of the reservoir sample (default 0). */
  seed?: number;
  /** Called as a CSV/TSV/JSONL file is read (about every megabyte), for a progress display. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export const DEFAULT_MEMORY_BUDGET_BYTES = 256 * 1024 * 1024;
export const DEFAULT_IMAGE_SIZE = 28;

/** A dataset held in memory as dense typed arrays. */
export class InMemoryDataset implements Dataset {
  readonly summary: DatasetSummary;

  constructor(
    summary: DatasetSummary,
    readonly x: Float32Array,
    readonly y: Float32Array,
    readonly targetScale?: TargetScale,
    readonly preprocessing?: Preprocessing,
  ) {
    if (x.length !== y.length * summary.features) {
      throw new Error(`dataset arrays disagree: ${x.length} inputs for ${y.length} rows × ${summary.features} features`);
    }
    this.summary = { ...summary, rows: y.length };
  }

  split(validationFraction: number, seed: number): { train: Dataset; validation: Dataset } {
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new RangeError(`validation fraction must be in [0, 1), got ${validationFraction}`);
    }
    const random = new SeededRandom(seed, RANDOM_STREAM.split);
    const groups = this.groupsForSplit();
    const train: number[] = [];
    const validation: number[] = [];
    for (const group of groups) {
      random.shuffle(group);
      const take = Math.round(group.length * validationFraction);
      for (let i = 0; i < group.length; i++) (i < take ? validation : train).push(group[i]);
    }
    // Stratification groups rows by class; shuffle again so that neither part is ordered by class.
    random.shuffle(train);
    random.shuffle(validation);
    return { train: this.subset(train), validation: this.subset(validation) };
  }

  batches(batchSize: number, seed: number): Iterator<Batch> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
    const rows = this.y.length;
    if (rows === 0) throw new RangeError('cannot draw batches from an empty dataset');
    const features = this.summary.features;
    const random = new SeededRandom(seed, RANDOM_STREAM.batches);
    const order = new Int32Array(rows);
    for (let i = 0; i < rows; i++) order[i] = i;
    let position = rows; // forces a shuffle before the first batch
    const { x: sourceX, y: sourceY } = this;
    return {
      next(): IteratorResult<Batch> {
        const x = new Float32Array(batchSize * features);
        const y = new Float32Array(batchSize);
        for (let b = 0; b < batchSize; b++) {
          if (position === rows) {
            random.shuffle(order);
            position = 0;
          }
          const row = order[position++];
          copyRow(sourceX, row * features, x, b * features, features);
          y[b] = sourceY[row];
        }
        return { value: { x, y, size: batchSize }, done: false };
      },
    };
  }

  private groupsForSplit(): number[][] {
    const rows = this.y.length;
    if (this.summary.task !== 'classification') return [Array.from({ length: rows }, (_, i) => i)];
    const groups = new Map<number, number[]>();
    for (let i = 0; i < rows; i++) {
      const group = groups.get(this.y[i]);
      if (group) group.push(i);
      else groups.set(this.y[i], [i]);
    }
    return [...groups.entries()].sort((a, b) => a[0] - b[0]).map((entry) => entry[1]);
  }

  private subset(rows: number[]): InMemoryDataset {
    const features = this.summary.features;
    const x = sharedFloat32Array(rows.length * features);
    const y = sharedFloat32Array(rows.length);
    rows.forEach((row, i) => {
      copyRow(this.x, row * features, x, i * features, features);
      y[i] = this.y[row];
    });
    return new InMemoryDataset(this.summary, x, y, this.targetScale, this.preprocessing);
  }
}

/**
 * Copies one row of `length` values. A short row element by element: a subarray view per row of a few
 * features allocated more than it copied (a default run on the example drew 12,800 rows a seed, ~5% of its
 * CPU); a long row (images) with set, which copies in bulk.
 */
function copyRow(from: Float32Array, start: number, to: Float32Array, at: number, length: number): void {
  if (length >= 64) {
    to.set(from.subarray(start, start + length), at);
    return;
  }
  for (let i = 0; i < length; i++) to[at + i] = from[start + i];
}
