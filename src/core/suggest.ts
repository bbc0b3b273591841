// Learning-rate suggestions from a range-test curve: our cyclical bounds (after Smith, "Cyclical Learning
// Rates for Training Neural Networks", 2017, §3.3) and the popular finders' rules for comparison.

import { UserError } from './errors';
import { fastaiWindow, minimumRule, slideRule, steepestRule, valleyRule } from './lrFinderRules';
import { despike, finitePrefixLength, localLinearSmooth, robustStd, smoothLosses } from './smoothing';
import type { Suggestion } from './types';

export { smoothLosses } from './smoothing';
export { averageRuns } from './averageRuns';

export interface SuggestOptions {
  /** EMA β of the smoothed loss the competitors' rules read; default 0.98. */
  beta?: number;
  /** The range test stopped because the loss diverged (so the curve does turn up, even if cut short). */
  diverged?: boolean;
}

export const DEFAULT_BETA = 0.98;
export const MIN_POINTS = 10;

/** A curve that cannot be read; `index` is the 0-based point at fault, when one is. */
export class CurveError extends UserError {
  constructor(
    message: string,
    readonly index: number | undefined,
    hint?: string,
  ) {
    super(message, { hint });
    this.name = 'CurveError';
  }
}

export const DIAGNOSTICS = {
  neverFell: 'the loss never fell: raise `end_lr` or check the labels',
  neverDiverged: 'never diverged: raise `end_lr`',
  tooNoisy: 'too noisy: more iterations, a larger batch or more runs',
  startUnclear: 'the loss was already falling at `start_lr`: lower `start_lr`; base_lr set to max_lr / 4',
  fewPoints: (points: number): string =>
    `the fall spans only ${points} points: more iterations (or a narrower start_lr..end_lr) would place the bounds more precisely`,
} as const;

// Fractions of the total drop (top of the curve to its bottom) that mark where the fall starts and ends.
const START_FRACTION = 0.1;
const END_FRACTION = 0.1;
/** Smith's rule of thumb: base_lr = max_lr / 3..4; we use 4 when the start is unclear, 3 as the cap. */
const FALLBACK_RATIO = 4;
const MIN_RATIO = 3;

/** Throws a CurveError for curves no rule can read; returns the length of the finite prefix. */
export function validateCurve(lrs: readonly number[], losses: readonly number[]): number {
  if (lrs.length !== losses.length) {
    throw new CurveError(`the curve has ${lrs.length} learning rates but ${losses.length} losses`, undefined);
  }
  if (lrs.length < MIN_POINTS) {
    throw new CurveError(`the curve has ${lrs.length} points; at least ${MIN_POINTS} are needed`, undefined, 'run the range test with more iterations');
  }
  for (let i = 0; i < lrs.length; i++) {
    if (!(Number.isFinite(lrs[i]) && lrs[i] > 0)) {
      throw new CurveError(`learning rate ${lrs[i]} at point ${i + 1} is not a positive number`, i, 'learning rates must be > 0');
    }
    if (i > 0 && lrs[i] <= lrs[i - 1]) {
      throw new CurveError(
        `learning rate not increasing at point ${i + 1} (${lrs[i]} after ${lrs[i - 1]})`,
        i,
        'a range test sweeps the learning rate upwards: sort the points by lr and drop repeats',
      );
    }
  }
  if (losses.every((l) => !Number.isFinite(l))) {
    throw new CurveError('every loss is NaN or infinite', undefined, 'lower start_lr, and check the data and labels for NaN');
  }
  const finite = finitePrefixLength(losses);
  if (finite < MIN_POINTS) {
    throw new CurveError(
      `the loss is not finite from point ${finite + 1}, leaving ${finite} points; at least ${MIN_POINTS} are needed`,
      finite,
      'lower start_lr or end_lr, and check the data for NaN',
    );
  }
  return finite;
}

function argmin(values: readonly number[], from = 0, to = values.length - 1): number {
  let best = from;
  for (let i = from + 1; i <= to; i++) if (values[i] < values[best]) best = i;
  return best;
}

function argmax(values: readonly number[], from = 0, to = values.length - 1): number {
  let best = from;
  for (let i = from + 1; i <= to; i++) if (values[i] > values[best]) best = i;
  return best;
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/** Smoothing half-width (points) of the centred smoother our bounds read. */
export function smoothingHalfWidth(points: number): number {
  return Math.max(3, Math.round(points / 25));
}

/** The curve our bounds are read from: despiked, centred-smoothed raw losses over the finite prefix. */
export function centredSmooth(lrs: readonly number[], losses: readonly number[]): number[] {
  const k = smoothingHalfWidth(losses.length);
  return localLinearSmooth(lrs.map(Math.log10), despike(losses, k), k);
}

export function suggest(lrs: number[], losses: number[], options: SuggestOptions = {}): Suggestion {
  const beta = options.beta ?? DEFAULT_BETA;
  if (!(beta >= 0 && beta < 1)) throw new UserError(`smoothing β ${beta} is out of range`, { hint: 'use a value in [0, 1), e.g. 0.98' });
  const n = validateCurve(lrs, losses);

  // Competitors read the EMA, over the whole input (their own trimming decides what they skip).
  const ema = smoothLosses(losses, beta);
  const window = fastaiWindow(lrs, ema);
  const competitors = {
    steepest: steepestRule(lrs, ema),
    minimum: minimumRule(window.lrs, window.losses),
    valley: valleyRule(window.lrs, window.losses),
    slide: slideRule(window.lrs, window.losses),
  };

  const xs = lrs.slice(0, n);
  const raw = losses.slice(0, n);
  const k = smoothingHalfWidth(n);
  const s = centredSmooth(xs, raw);

  const iMin = argmin(s);
  const iTop = argmax(s, 0, iMin);
  const top = s[iTop];
  const bottom = s[iMin];
  const drop = top - bottom;
  // Per-step noise of the raw loss around the smooth curve, up to the bottom (divergence is not noise).
  const fitEnd = Math.max(iMin, Math.min(n - 1, 4 * k));
  const noise = robustStd(raw.slice(0, fitEnd + 1).map((v, i) => v - s[i]));
  const smoothNoise = noise / Math.sqrt(k + 1);
  const fell = drop > 0.03 * Math.abs(top) && drop > 4 * smoothNoise;

  const riseAfterMin = Math.max(...s.slice(iMin)) - bottom;
  const diverged =
    options.diverged === true || n < losses.length || (fell ? riseAfterMin >= Math.max(0.1 * drop, 4 * smoothNoise) : riseAfterMin >= Math.max(0.05 * Math.abs(top), 4 * smoothNoise));

  const diagnostics: string[] = [];
  let baseLr: number;
  let maxLr: number;
  let confidence: number;

  if (!fell) {
    // Nothing to bracket: offer the largest lr that did not make things worse, at low confidence.
    let iSafe = 0;
    while (iSafe + 1 < n && s[iSafe + 1] <= s[0] + 4 * smoothNoise) iSafe++;
    maxLr = xs[iSafe];
    baseLr = maxLr / FALLBACK_RATIO;
    confidence = 0.05;
    diagnostics.push(DIAGNOSTICS.neverFell);
    if (!diverged) diagnostics.push(DIAGNOSTICS.neverDiverged);
  } else {
    let iEnd = iTop;
    while (iEnd < iMin && s[iEnd] > bottom + END_FRACTION * drop) iEnd++;
    let iBase = iTop;
    while (iBase < iEnd && s[iBase] > top - START_FRACTION * drop) iBase++;
    maxLr = xs[iEnd];
    // The start is clear when the curve was flat for a while before falling; otherwise the test began
    // mid-fall and the point we would read is just the first one.
    const startClear = iBase >= 2 * k && xs[iBase] < maxLr;
    baseLr = startClear ? Math.min(xs[iBase], maxLr / MIN_RATIO) : maxLr / FALLBACK_RATIO;

    const snr = drop / Math.max(noise, Number.MIN_VALUE);
    const fallPoints = iEnd - iBase;
    confidence = clamp01((snr - 1) / 7) ** 0.5 * (diverged ? 1 : 0.6) * (startClear ? 1 : 0.75) * clamp01(fallPoints / 8 + 0.3);

    if (!diverged) diagnostics.push(DIAGNOSTICS.neverDiverged);
    if (!startClear) diagnostics.push(DIAGNOSTICS.startUnclear);
    if (snr < 3) diagnostics.push(DIAGNOSTICS.tooNoisy);
    if (fallPoints < 5) diagnostics.push(DIAGNOSTICS.fewPoints(fallPoints));
  }

  return {
    clr: { baseLr, maxLr },
    oneCycle: { maxLr },
    ...competitors,
    confidence: Math.round(clamp01(confidence) * 100) / 100,
    diagnostics,
  };
}
