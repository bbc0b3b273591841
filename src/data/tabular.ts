import { UserError } from '../core/errors';
import { DatasetSummary, Preprocessing, Task } from '../core/types';
import { DEFAULT_MEMORY_BUDGET_BYTES, InMemoryDataset, OpenOptions } from './dataset';
import { RANDOM_STREAM, SeededRandom, sampleIndices } from './random';
import { ColumnStats, MAX_DISTINCT, TableBuilder } from './table';
import { MAX_CLASSES, checkClasses, meanAndStd, planNumericTarget } from './targets';
import { sharedFloat32Array } from './sharedFloat32';

/** A categorical feature with more categories than this is dropped (it looks like an identifier or free text). */
export const MAX_ONE_HOT = 100;

/** A table read by a CSV/TSV/JSONL reader, ready to be summarized or encoded. */
export interface TableSource {
  path: string;
  format: 'csv' | 'tsv' | 'jsonl';
  builder: TableBuilder;
  /** Names the reader invented (no header): an all-empty one is dropped rather than rejected. */
  generatedNames: boolean;
  warnings: string[];
}

type FeaturePlan =
  | { kind: 'numeric'; col: number; name: string }
  | { kind: 'onehot'; col: number; name: string; categories: string[]; position: Map<string, number> };

interface TargetPlan {
  col: number;
  task: Task;
  classes: string[];
  /** Class index by category code (text targets). */
  textClass?: Int32Array;
  /** Class index by value (numeric targets). */
  numberClass?: Map<number, number>;
}

interface TablePlan {
  features: FeaturePlan[];
  featureNames: string[];
  target: TargetPlan;
  /** Rows of the whole file that have a target. */
  rows: number;
  warnings: string[];
}

const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(part * 1000 < whole ? 2 : 1)}%`;

function columnKind(stats: ColumnStats, file: string): 'numeric' | 'text' | 'empty' {
  if (stats.numeric + stats.text === 0) return 'empty';
  if (stats.text === 0) return 'numeric';
  if (stats.numeric === 0 || stats.text > stats.numeric) return 'text';
  const first = stats.firstText!;
  const decimalComma = /^[-+]?\d+,\d+$/.test(first.value);
  throw new UserError(`text '${first.value}' in numeric column '${stats.name}' (${stats.text} such cells, ${stats.numeric} numbers)`, {
    file,
    line: first.line,
    column: first.column,
    hint: decimalComma
      ? 'write decimals with a point (1.5), not a comma'
      : 'fix or remove the value; leave the cell empty (or NA) if it is missing',
  });
}

/** Numbers held in the sample for one column (for mostly-text columns, where they are category names). */
function sampledNumbers(builder: TableBuilder, col: number): Set<number> {
  const found = new Set<number>();
  for (let r = 0, at = col; r < builder.sampleRows; r++, at += builder.width) {
    const v = builder.values[at];
    if (v === v && (builder.isText === null || builder.isText[at] === 0)) found.add(v);
  }
  return found;
}

function planTable(source: TableSource, options: OpenOptions): TablePlan {
  const { builder, path: file } = source;
  const warnings = [...source.warnings];
  const rowsSeen = builder.rowsSeen;
  const t = builder.targetIndex;
  const ts = builder.columns[t];
  const labelled = ts.numeric + ts.text;
  if (labelled === 0) {
    throw new UserError(`the target column '${ts.name}' is empty in all ${rowsSeen} rows`, {
      file,
      hint: 'fill in the target values, or choose another column with --target',
    });
  }
  const targetKind = columnKind(ts, file);
  let target: TargetPlan;
  if (targetKind === 'text') {
    if (options.task === 'regression') {
      throw new UserError(`the target '${ts.name}' holds text ('${ts.categories[0]}'), which cannot be regressed`, {
        file,
        hint: 'use --task classification, or choose a numeric target with --target',
      });
    }
    // Numbers in a mostly-text target are class names too.
    const names = new Set(ts.categories);
    if (ts.numeric > 0) for (const v of ts.distinctNumbers ?? []) names.add(String(v));
    const classes = [...names].sort();
    checkClasses(classes, { file, name: ts.name });
    const index = new Map(classes.map((c, i) => [c, i]));
    target = { col: t, task: 'classification', classes, textClass: Int32Array.from(ts.categories, (c) => index.get(c)!) };
    if (ts.numeric > 0) {
      target.numberClass = new Map([...(ts.distinctNumbers ?? [])].map((v) => [v, index.get(String(v))!]));
    }
  } else {
    const plan = planNumericTarget(ts.distinctNumbers!, ts.integerOnly, labelled, options.task, { file, name: ts.name });
    warnings.push(...plan.warnings);
    target = { col: t, task: plan.task, classes: plan.classes, numberClass: plan.classIndex };
  }
  if (ts.missing > 0) warnings.push(`${ts.missing} rows (${percent(ts.missing, rowsSeen)}) have no target '${ts.name}' and were dropped`);

  const features: FeaturePlan[] = [];
  const featureNames: string[] = [];
  builder.columns.forEach((stats, col) => {
    if (col === t) return;
    const kind = columnKind(stats, file);
    if (kind === 'empty') {
      if (source.generatedNames || stats.name.trim() === '') {
        warnings.push(`column ${col + 1} is empty in every row and was ignored`);
        return;
      }
      throw new UserError(`column '${stats.name}' (column ${col + 1}) is empty in all ${rowsSeen} rows`, {
        file,
        hint: 'remove the column or fill in its values',
      });
    }
    if (kind === 'numeric') {
      features.push({ kind: 'numeric', col, name: stats.name });
      featureNames.push(stats.name);
      if (stats.missing > 0) warnings.push(`column '${stats.name}': ${stats.missing} missing values (${percent(stats.missing, rowsSeen)}) filled with the column mean`);
      return;
    }
    const categories = new Set(stats.categories);
    if (stats.numeric > 0) for (const v of sampledNumbers(builder, col)) categories.add(String(v));
    if (stats.categories.length >= MAX_DISTINCT || categories.size > MAX_ONE_HOT) {
      warnings.push(`column '${stats.name}' has more than ${MAX_ONE_HOT} distinct text values (an identifier or free text?) and was ignored`);
      return;
    }
    const sorted = [...categories].sort();
    const position = new Map(sorted.map((c, i) => [c, i]));
    features.push({ kind: 'onehot', col, name: stats.name, categories: sorted, position });
    for (const c of sorted) featureNames.push(`${stats.name}=${c}`);
    if (stats.missing > 0) warnings.push(`column '${stats.name}': ${stats.missing} missing values (${percent(stats.missing, rowsSeen)}) encoded as no category`);
    if (stats.numeric > 0) warnings.push(`column '${stats.name}' is mostly text: its ${stats.numeric} numeric cells are treated as categories`);
  });
  if (features.length === 0) {
    throw new UserError(`no usable feature columns besides the target '${ts.name}'`, {
      file,
      hint: 'a dataset needs at least one input column; check the delimiter and the --target choice',
    });
  }
  return { features, featureNames, target, rows: labelled, warnings };
}

function summarize(source: TableSource, plan: TablePlan, rows: number, warnings: string[]): DatasetSummary {
  return {
    path: source.path,
    format: source.format,
    rows,
    features: plan.featureNames.length,
    featureNames: plan.featureNames,
    inputShape: [plan.featureNames.length],
    target: source.builder.columns[plan.target.col].name,
    task: plan.target.task,
    classes: plan.target.classes,
    warnings,
  };
}

/** The summary of the whole file (rows counted over all of it, not the sample). */
export function summarizeTable(source: TableSource, options: OpenOptions): DatasetSummary {
  const plan = planTable(source, options);
  return summarize(source, plan, plan.rows, plan.warnings);
}

/**
 * One-hot encoding widens a row (a text column of 100 categories becomes 100 features), so the encoded
 * matrix is budgeted too: what the memory budget leaves beside the raw sample (at least a quarter of it).
 * Rows beyond that are a seeded uniform sample of the kept ones.
 */
function fitEncodedRows(kept: number[], featureCount: number, source: TableSource, options: OpenOptions, warnings: string[]): number[] {
  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  const rawBytes = source.builder.values.byteLength + (source.builder.isText?.byteLength ?? 0);
  const rowBytes = featureCount * Float32Array.BYTES_PER_ELEMENT;
  const fitting = Math.floor(Math.max(budget - rawBytes, budget / 4) / rowBytes);
  if (fitting < 1) {
    throw new UserError(`the encoded table has ${featureCount} features per row, more than fit in the ${Math.round(budget / 2 ** 20)} MB memory budget`, {
      file: source.path,
      hint: 'drop text columns with many categories, or pick fewer columns',
    });
  }
  if (kept.length <= fitting) return kept;
  warnings.push(`${kept.length} rows of ${featureCount} encoded features (one-hot text columns included) are more than fit in the memory budget: using a uniform random sample of ${fitting}`);
  const pick = sampleIndices(kept.length, fitting, new SeededRandom(options.seed ?? 0, RANDOM_STREAM.sample));
  return Array.from(pick, (i) => kept[i]);
}

/** Encodes the sampled rows: one-hot categories, standardized numbers (mean-imputed), class-index targets. */
export function encodeTable(source: TableSource, options: OpenOptions): InMemoryDataset {
  const plan = planTable(source, options);
  const { builder } = source;
  const width = builder.width;
  const values = builder.values;
  const isText = builder.isText;
  const sampleRows = builder.sampleRows;
  const tcol = plan.target.col;
  const textAt = (at: number): boolean => isText !== null && isText[at] === 1;

  // Rows that have a usable target.
  let kept: number[] = [];
  for (let r = 0; r < sampleRows; r++) {
    const at = r * width + tcol;
    const v = values[at];
    if (textAt(at) ? v >= 0 : v === v) kept.push(r);
  }
  const featureCount = plan.featureNames.length;
  kept = fitEncodedRows(kept, featureCount, source, options, plan.warnings);
  const x = sharedFloat32Array(kept.length * featureCount);
  const y = sharedFloat32Array(kept.length);

  const { target } = plan;
  kept.forEach((r, i) => {
    const at = r * width + tcol;
    const v = values[at];
    if (target.task === 'regression') y[i] = v;
    else if (textAt(at)) y[i] = target.textClass![v];
    else y[i] = target.numberClass!.get(v)!;
  });
  const raw = options.raw === true;
  let targetScale: { mean: number; std: number } | undefined;
  if (target.task === 'regression' && !raw) {
    targetScale = meanAndStd(y);
    for (let i = 0; i < y.length; i++) y[i] = (y[i] - targetScale.mean) / targetScale.std;
  }
  const featureMean = new Array<number>(featureCount).fill(0);
  const featureStd = new Array<number>(featureCount).fill(1);

  let offset = 0;
  const constant: string[] = [];
  for (const feature of plan.features) {
    const col = feature.col;
    if (feature.kind === 'numeric') {
      let n = 0;
      let mean = 0;
      let m2 = 0;
      for (const r of kept) {
        const v = values[r * width + col];
        if (v !== v) continue;
        n++;
        const d = v - mean;
        mean += d / n;
        m2 += d * (v - mean);
      }
      const std = n > 0 && Math.sqrt(m2 / n) > 1e-12 ? Math.sqrt(m2 / n) : 1;
      if (n > 1 && m2 === 0) constant.push(feature.name);
      // Raw: a missing value still becomes the column mean, as it does standardised (where the mean is 0).
      const [shift, scale] = raw ? [0, 1] : [mean, std];
      featureMean[offset] = shift;
      featureStd[offset] = scale;
      kept.forEach((r, i) => {
        const v = values[r * width + col];
        x[i * featureCount + offset] = v === v ? (v - shift) / scale : (mean - shift) / scale;
      });
      offset += 1;
    } else {
      const categories = builder.columns[col].categories;
      kept.forEach((r, i) => {
        const at = r * width + col;
        const v = values[at];
        if (v !== v) return;
        const name = textAt(at) ? categories[v] : String(v);
        const p = name === undefined ? undefined : feature.position.get(name);
        if (p !== undefined) x[i * featureCount + offset + p] = 1;
      });
      offset += feature.categories.length;
    }
  }

  const warnings = plan.warnings;
  if (constant.length > 0) {
    const names = constant.length > 6 ? `${constant.slice(0, 5).join("', '")}' and ${constant.length - 5} more` : `${constant.join("', '")}'`;
    warnings.push(`${constant.length === 1 ? 'column' : `${constant.length} columns`} '${names} ${constant.length === 1 ? 'is' : 'are'} constant in the sample and cannot help the model`);
  }
  if (builder.rowsSeen > builder.capacity) {
    warnings.push(`the file has ${builder.rowsSeen} rows, more than fit in the memory budget: using a uniform random sample of ${builder.capacity} rows`);
  }
  if (target.task === 'classification') {
    const present = new Set(y);
    if (present.size < target.classes.length && target.classes.length <= MAX_CLASSES) {
      warnings.push(`${target.classes.length - present.size} of ${target.classes.length} classes have no rows in the sample`);
    }
  }
  const preprocessing: Preprocessing = raw ? { features: 'none' } : { features: 'per-column', mean: featureMean, std: featureStd, ...(targetScale ? { target: targetScale } : {}) };
  return new InMemoryDataset(summarize(source, plan, kept.length, warnings), x, y, targetScale, preprocessing);
}
