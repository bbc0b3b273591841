import { UserError } from '../core/errors';
import { DatasetSummary, Preprocessing } from '../core/types';
import { ArrayHeader, ByteSource, elementCount, streamElements } from './arrays';
import { DEFAULT_MEMORY_BUDGET_BYTES, InMemoryDataset, OpenOptions } from './dataset';
import { RANDOM_STREAM, SeededRandom, sampleIndices } from './random';
import { MAX_DISTINCT } from './table';
import { checkClasses, meanAndStd, planNumericTarget } from './targets';
import { sharedFloat32Array } from './sharedFloat32';

/** One array inside a file (an NPY file, an NPZ member, an IDX file). */
export interface ArrayInput {
  file: string;
  /** How messages name it, e.g. `X.npy` or `data.npz:x_train`. */
  label: string;
  source: ByteSource;
  header: ArrayHeader;
  /** Compressed data can only be checked for truncation by reading it through. */
  compressed?: boolean;
}

export type LabelSource = { kind: 'array'; input: ArrayInput } | { kind: 'column'; index: number };

export interface ArrayDatasetSpec {
  path: string;
  format: 'npy' | 'npz' | 'idx';
  features: ArrayInput;
  labels: LabelSource;
  /** Notes from finding the arrays (e.g. which NPZ members were taken). */
  warnings: string[];
}

/** Parses `--target` for arrays: a column index (`3`, `f3`, `col3`; negative counts from the end). */
export function columnIndexOf(target: string, width: number, file: string): number {
  const m = /^(?:col(?:umn)?|f)?(-?\d+)$/i.exec(target.trim());
  const index = m ? Number(m[1]) : NaN;
  const resolved = index < 0 ? width + index : index;
  if (!Number.isInteger(resolved) || resolved < 0 || resolved >= width) {
    throw new UserError(`--target '${target}' is not a column of this ${width}-column array`, { file, hint: `give a column index from 0 to ${width - 1} (or -1 for the last)` });
  }
  return resolved;
}

interface LabelStats {
  distinct: Set<number>;
  integerOnly: boolean;
  missing: number;
}

/** Bytes one feature value takes while an array is read (its sample slot and its share of the order map). */
const BYTES_PER_VALUE = 8;

function describeShape(shape: number[]): string {
  return `(${shape.join(', ')})`;
}

/** Reads arrays into a dataset: sampled rows (seeded, bounded by the memory budget), standardized features. */
export async function assembleArrays(spec: ArrayDatasetSpec, options: OpenOptions, summaryOnly: boolean): Promise<{ summary: DatasetSummary; dataset?: InMemoryDataset }> {
  const { features, labels, path } = spec;
  const shape = features.header.shape;
  const rows = shape[0];
  const rest = shape.slice(1);
  const width = elementCount(rest);
  const warnings = [...spec.warnings];
  if (rows === 0) throw new UserError(`${features.label} has no rows (shape ${describeShape(shape)})`, { file: features.file, hint: 'save a non-empty array' });

  let labelColumn = -1;
  if (labels.kind === 'column') {
    if (rest.length !== 1 || width < 2) {
      throw new UserError(`--target picks a column, but ${features.label} has shape ${describeShape(shape)}`, {
        file: features.file,
        hint: 'a label column needs a 2-D array with at least two columns; otherwise put the labels in a separate file',
      });
    }
    labelColumn = labels.index;
  } else {
    const lshape = labels.input.header.shape;
    if (lshape.length > 2 || (lshape.length === 2 && lshape[1] !== 1)) {
      throw new UserError(`labels must be one value per row, but ${labels.input.label} has shape ${describeShape(lshape)}`, {
        file: labels.input.file,
        hint: 'save the labels as a 1-D array (e.g. y.argmax(axis=1) for one-hot labels)',
      });
    }
    if (lshape[0] !== rows) {
      throw new UserError(`${features.label} has ${rows} rows but ${labels.input.label} has ${lshape[0]} labels`, {
        file: labels.input.file,
        hint: 'features and labels must have the same length along the first axis',
      });
    }
  }

  const featureWidth = labelColumn >= 0 ? width - 1 : width;
  const isImage = rest.length >= 2;
  const inputShape = labelColumn >= 0 ? [featureWidth] : rest.length === 0 ? [1] : rest.length === 2 ? [...rest, 1] : rest;
  const featureNames = isImage ? [`pixels ${inputShape.join('×')}`] : Array.from({ length: width }, (_, i) => `f${i}`).filter((_, i) => i !== labelColumn);

  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  if (width * BYTES_PER_VALUE > budget) {
    throw new UserError(`one row of ${features.label} holds ${width} values (shape ${describeShape(shape)}), more than fit in the ${Math.round(budget / 2 ** 20)} MB memory budget`, {
      file: features.file,
      hint: 'the first axis must be the examples; save the array with one row per example (e.g. x.reshape(len(x), -1)) or fewer features',
    });
  }
  const capacity = summaryOnly ? Math.min(rows, 10000) : Math.max(1, Math.min(rows, options.maxRows ?? Infinity, Math.floor(budget / (featureWidth * 8 + 16))));
  const sample = sampleIndices(rows, capacity, new SeededRandom(options.seed ?? 0, RANDOM_STREAM.sample));
  const sampled = sample.length;
  const x = summaryOnly ? new Float32Array(0) : sharedFloat32Array(sampled * featureWidth);
  const labelValues = new Float64Array(sampled);
  const stats: LabelStats = { distinct: new Set(), integerOnly: true, missing: 0 };
  const noteLabel = (value: number): void => {
    if (value !== value) {
      stats.missing++;
      return;
    }
    if (stats.integerOnly && !Number.isInteger(value)) stats.integerOnly = false;
    if (stats.distinct.size < MAX_DISTINCT) stats.distinct.add(value);
  };

  // Sample slot of each row, found by walking the sorted sample alongside the row order of the stream.
  const slotOf = (() => {
    let lastRow = -1;
    let cursor = 0;
    return (row: number): number => {
      if (row < lastRow) cursor = 0; // Fortran order restarts the rows for each column
      lastRow = row;
      while (cursor < sampled && sample[cursor] < row) cursor++;
      return cursor < sampled && sample[cursor] === row ? cursor : -1;
    };
  })();

  let nonFinite = 0;
  if (!summaryOnly || labelColumn >= 0) {
    await streamElements(features.source, features.header, features.file, (row, column, value) => {
      if (column === labelColumn) {
        noteLabel(value);
        const slot = slotOf(row);
        if (slot >= 0) labelValues[slot] = value;
        return;
      }
      if (summaryOnly) return;
      const slot = slotOf(row);
      if (slot < 0) return;
      if (!Number.isFinite(value)) {
        nonFinite++;
        value = NaN;
      }
      x[slot * featureWidth + (labelColumn >= 0 && column > labelColumn ? column - 1 : column)] = value;
    });
  }
  if (summaryOnly && labelColumn < 0 && features.compressed) {
    // A summary needs no pixels, but a cut-off archive must not pass for a good one.
    await streamElements(features.source, features.header, features.file, () => undefined);
  }
  if (labels.kind === 'array') {
    const slotOfLabel = (() => {
      let cursor = 0;
      return (row: number) => {
        while (cursor < sampled && sample[cursor] < row) cursor++;
        return cursor < sampled && sample[cursor] === row ? cursor : -1;
      };
    })();
    await streamElements(labels.input.source, labels.input.header, labels.input.file, (row, _column, value) => {
      noteLabel(value);
      const slot = slotOfLabel(row);
      if (slot >= 0) labelValues[slot] = value;
    });
  }

  const targetName = labels.kind === 'array' ? labels.input.label : `f${labelColumn}`;
  const labelFile = labels.kind === 'array' ? labels.input.file : features.file;
  if (stats.distinct.size === 0) {
    throw new UserError(`the labels in ${targetName} are all missing (NaN)`, { file: labelFile, hint: 'save real label values' });
  }
  const labelled = rows - stats.missing;
  const plan = planNumericTarget(stats.distinct, stats.integerOnly, labelled, options.task, { file: labelFile, name: targetName });
  if (plan.task === 'classification') checkClasses(plan.classes, { file: labelFile, name: targetName });
  warnings.push(...plan.warnings);
  if (stats.missing > 0) warnings.push(`${stats.missing} rows have a NaN label and were dropped`);

  const summary = (count: number): DatasetSummary => ({
    path,
    format: spec.format,
    rows: count,
    features: featureWidth,
    featureNames,
    inputShape,
    target: targetName,
    task: plan.task,
    classes: plan.classes,
    warnings,
    ...(spec.labels.kind === 'array' && spec.labels.input.file !== spec.features.file ? { labelFile: spec.labels.input.file } : {}),
  });
  if (summaryOnly) return { summary: summary(labelled) };

  // Keep rows with a label; standardize features (per column for tables, over all pixels for images).
  const kept: number[] = [];
  for (let i = 0; i < sampled; i++) if (labelValues[i] === labelValues[i]) kept.push(i);
  const keptX = kept.length === sampled ? x : sharedFloat32Array(kept.length * featureWidth);
  if (keptX !== x) kept.forEach((slot, i) => keptX.set(x.subarray(slot * featureWidth, (slot + 1) * featureWidth), i * featureWidth));
  const raw = options.raw === true;
  let preprocessing: Preprocessing;
  if (isImage) {
    const { mean, std } = meanAndStd(keptX);
    const [shift, scale] = raw ? [0, 1] : [mean, std];
    for (let i = 0; i < keptX.length; i++) keptX[i] = keptX[i] === keptX[i] ? (keptX[i] - shift) / scale : (mean - shift) / scale;
    preprocessing = raw ? { features: 'none' } : { features: 'all-pixels', mean: [mean], std: [std] };
  } else {
    const means: number[] = [];
    const stds: number[] = [];
    for (let c = 0; c < featureWidth; c++) {
      const { mean, std } = meanAndStd(keptX, c, featureWidth, kept.length);
      const [shift, scale] = raw ? [0, 1] : [mean, std];
      means.push(shift);
      stds.push(scale);
      for (let i = 0, at = c; i < kept.length; i++, at += featureWidth) keptX[at] = keptX[at] === keptX[at] ? (keptX[at] - shift) / scale : (mean - shift) / scale;
    }
    preprocessing = raw ? { features: 'none' } : { features: 'per-column', mean: means, std: stds };
  }
  if (nonFinite > 0) warnings.push(`${nonFinite} feature values are NaN or infinite; they were replaced by the mean`);
  const y = sharedFloat32Array(kept.length);
  let targetScale: { mean: number; std: number } | undefined;
  kept.forEach((slot, i) => {
    y[i] = plan.task === 'classification' ? plan.classIndex!.get(labelValues[slot])! : labelValues[slot];
  });
  if (plan.task === 'regression' && !raw) {
    targetScale = meanAndStd(y);
    for (let i = 0; i < y.length; i++) y[i] = (y[i] - targetScale.mean) / targetScale.std;
    preprocessing.target = targetScale;
  }
  if (sampled < rows) warnings.push(`${rows} rows are more than fit in the memory budget: using a uniform random sample of ${sampled}`);
  const dataset = new InMemoryDataset(summary(kept.length), keptX, y, targetScale, preprocessing);
  return { summary: dataset.summary, dataset };
}
