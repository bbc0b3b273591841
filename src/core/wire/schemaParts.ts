// The building blocks every wire schema is made of, and the one way a schema is applied to what arrives
// from another process: it never throws (hostile input is rejected, not crashed on) and says which field was
// wrong and what was expected, so that a dropped message can be logged in words.
import * as v from 'valibot';

/** A finite number (JSON turns NaN and Infinity into null, which is rejected here). */
export const finiteNumber = v.pipe(v.number(), v.finite());

/** A whole number ≥ 0. */
export const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** A whole number > 0. */
export const positiveInteger = v.pipe(v.number(), v.safeInteger(), v.minValue(1));

/** Any integer (positions and step indices that may be -1). */
export const integer = v.pipe(v.number(), v.integer());

/** A string of at most `maxLength` characters (unbounded strings let one message exhaust memory). */
export const text = (maxLength = 100_000) => v.pipe(v.string(), v.maxLength(maxLength));

/** A non-empty string of at most `maxLength` characters. */
export const nonEmptyText = (maxLength: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(maxLength));

/** An id of a run, a request or a history entry. */
export const id = text(200);

/**
 * A loss: NaN/Infinity at the divergent end of a sweep, which JSON turns into null. Typed `number` because
 * that is what the engine computes; a reader treats null as it treats NaN (not drawn, not compared).
 */
export const lossValue = v.custom<number>((value) => typeof value === 'number' || value === null, 'expected a number or null (a NaN loss over JSON)');

/** What applying a schema gives: the value typed, or the first problems found in words. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Applies `schema` to `input`; never throws, whatever the input (a getter that throws, a revoked proxy). */
export function parseWith<S extends v.GenericSchema>(schema: S, input: unknown): Parsed<v.InferOutput<S>> {
  try {
    const result = v.safeParse(schema, input);
    return result.success ? { ok: true, value: result.output } : { ok: false, problem: describeIssues(result.issues) };
  } catch {
    return { ok: false, problem: 'a value that cannot be read' };
  }
}

/** Whether `input` matches `schema` (never throws). */
export function matches<S extends v.GenericSchema>(schema: S, input: unknown): input is v.InferInput<S> {
  return parseWith(schema, input).ok;
}

/** The first few issues as `field.path: what was wrong`. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const path = v.getDotPath(issue);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  return shown.join('; ') + (issues.length > 3 ? ` (and ${issues.length - 3} more)` : '');
}

/** A short, printable description of any value, whatever it is (never throws). */
export function describeValue(value: unknown, maxLength = 300): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    try {
      text = Object.prototype.toString.call(value);
    } catch {
      text = typeof value;
    }
  }
  return text.length > maxLength ? `${text.slice(0, maxLength)}… (${text.length} chars)` : text;
}
