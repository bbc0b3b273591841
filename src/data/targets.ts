import { UserError } from '../core/errors';
import { Task } from '../core/types';

/** Classification supports at most this many classes; more distinct labels mean regression or a wrong column. */
export const MAX_CLASSES = 1000;

/**
 * Whether numeric labels look like classes: integers with few distinct values. Integer-valued quantities
 * (counts, ages) with many values are ambiguous, so the caller warns and names the override.
 */
export function inferNumericTask(distinct: number, integerOnly: boolean, labelled: number): { task: Task; ambiguous: boolean } {
  if (!integerOnly || distinct > MAX_CLASSES) return { task: 'regression', ambiguous: false };
  if (distinct <= 20) return { task: 'classification', ambiguous: false };
  // Many distinct integers: classes only when each appears often enough to be learnable.
  return { task: labelled >= distinct * 10 ? 'classification' : 'regression', ambiguous: true };
}

/** Plan for turning numeric labels into training targets. */
export interface NumericTargetPlan {
  task: Task;
  classes: string[];
  /** label value → class index, for classification. */
  classIndex?: Map<number, number>;
  warnings: string[];
}

/**
 * Decides how numeric labels become targets, rejecting the inputs a range test cannot learn from: a constant
 * target, a single class, or a classification request on non-integer labels.
 */
export function planNumericTarget(
  distinctValues: Set<number>,
  integerOnly: boolean,
  labelled: number,
  requested: Task | undefined,
  where: { file: string; name: string },
): NumericTargetPlan {
  const distinct = [...distinctValues].sort((a, b) => a - b);
  const warnings: string[] = [];
  if (distinct.length === 1) {
    throw new UserError(`the target '${where.name}' is constant (every row is ${distinct[0]})`, {
      file: where.file,
      hint: 'a model cannot learn from a constant target; choose another target column with --target',
    });
  }
  let task: Task;
  if (requested !== undefined) {
    task = requested;
    if (task === 'classification' && (!integerOnly || distinct.length > MAX_CLASSES)) {
      throw new UserError(`the target '${where.name}' cannot be classes: it has ${integerOnly ? `more than ${MAX_CLASSES} distinct values` : 'non-integer values'}`, {
        file: where.file,
        hint: 'use --task regression, or choose another target column',
      });
    }
  } else {
    const inferred = inferNumericTask(distinct.length, integerOnly, labelled);
    task = inferred.task;
    if (inferred.ambiguous) {
      const other: Task = task === 'classification' ? 'regression' : 'classification';
      warnings.push(`the target '${where.name}' has ${distinct.length} distinct integer values: treated as ${task}; pass --task ${other} if that is wrong`);
    }
  }
  if (task === 'regression') return { task, classes: [], warnings };
  const classIndex = new Map<number, number>();
  distinct.forEach((value, i) => classIndex.set(value, i));
  return { task, classes: distinct.map(String), classIndex, warnings };
}

/** Rejects a class list a classifier cannot learn from. */
export function checkClasses(classes: string[], where: { file: string; name: string }): void {
  if (classes.length === 1) {
    throw new UserError(`the target '${where.name}' has a single class '${classes[0]}'`, {
      file: where.file,
      hint: 'a classifier needs at least two classes; add examples of other classes or choose another --target',
    });
  }
  if (classes.length > MAX_CLASSES) {
    throw new UserError(`the target '${where.name}' has more than ${MAX_CLASSES} distinct values`, {
      file: where.file,
      hint: 'that is too many classes; choose another column with --target, or use --task regression for a numeric target',
    });
  }
}

/** Mean and standard deviation (population), ignoring NaN; std is 1 where the values are constant. */
export function meanAndStd(values: ArrayLike<number>, start = 0, stride = 1, count = values.length): { mean: number; std: number } {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (let i = 0, at = start; i < count; i++, at += stride) {
    const v = values[at];
    if (v !== v) continue; // NaN
    n++;
    const delta = v - mean;
    mean += delta / n;
    m2 += delta * (v - mean);
  }
  const std = n > 0 ? Math.sqrt(m2 / n) : 0;
  return { mean: n > 0 ? mean : 0, std: std > 1e-12 ? std : 1 };
}
