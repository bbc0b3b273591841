// The suggestion rules of the popular LR finders, reimplemented as their authors define them so that users
// can compare them with our bounds (and so that the benchmark measures them, not a strawman):
// - steepest: torch-lr-finder's `plot(suggest_lr=True)` (skip 10 first, 5 last points, argmin of
//   np.gradient of the smoothed loss). We take the gradient with respect to log10(lr) (np.gradient with
//   coordinates); for an exponential sweep, where log10(lr) is evenly spaced, this has the same argmin as
//   torch-lr-finder's per-index gradient, and for a linear sweep it is still the slope on the plotted axis.
//   Lightning's `suggestion()` is the same idea with the gradient against lr itself and skips (10, 1).
// - minimum, valley, slide: fastai's `lr_find` suggestion functions (fastai/callback/schedule.py), applied
//   like `lr_find` applies them: to the smoothed losses with the first ⌊n/10⌋ and the last 5 points
//   dropped, cut at the first NaN.
// Every rule returns null where its definition yields nothing (too few points).

import { finitePrefixLength } from './smoothing';

/**
 * numpy.gradient with edge_order=1: second-order central differences inside, one-sided at the ends;
 * `x` gives the sample coordinates (uneven spacing allowed), default 0, 1, 2, ...
 */
export function numpyGradient(f: readonly number[], x?: readonly number[]): number[] {
  const n = f.length;
  if (n < 2) throw new RangeError('numpyGradient needs at least 2 points');
  const at = (i: number): number => (x ? x[i] : i);
  const g = new Array<number>(n);
  g[0] = (f[1] - f[0]) / (at(1) - at(0));
  g[n - 1] = (f[n - 1] - f[n - 2]) / (at(n - 1) - at(n - 2));
  for (let i = 1; i < n - 1; i++) {
    const hd = at(i) - at(i - 1);
    const hs = at(i + 1) - at(i);
    g[i] = (hd * hd * f[i + 1] - hs * hs * f[i - 1] + (hs * hs - hd * hd) * f[i]) / (hs * hd * (hd + hs));
  }
  return g;
}

function argmin(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return best;
}

/** torch-lr-finder's steepest-gradient rule (see the file comment for the log10(lr) variant). */
export function steepestRule(lrs: readonly number[], smoothed: readonly number[], skipStart = 10, skipEnd = 5): number | null {
  const n = Math.min(lrs.length, finitePrefixLength(smoothed));
  const lo = skipStart;
  const hi = n - skipEnd;
  if (hi - lo < 2) return null;
  const ys = smoothed.slice(lo, hi);
  const xs = lrs.slice(lo, hi).map(Math.log10);
  return lrs[lo + argmin(numpyGradient(ys, xs))];
}

/** The part of the curve fastai's `lr_find` hands to its suggestion functions. */
export function fastaiWindow(lrs: readonly number[], smoothed: readonly number[]): { lrs: number[]; losses: number[] } {
  const n = lrs.length;
  const start = Math.floor(n / 10);
  const end = Math.min(n - 5, start + finitePrefixLength(smoothed.slice(start, n - 5)));
  return end > start ? { lrs: lrs.slice(start, end), losses: smoothed.slice(start, end) } : { lrs: [], losses: [] };
}

/** fastai `minimum`: a tenth of the lr at the lowest smoothed loss. */
export function minimumRule(lrs: readonly number[], losses: readonly number[]): number | null {
  if (losses.length === 0) return null;
  return lrs[argmin(losses)] / 10;
}

/**
 * fastai `valley`: the longest strictly decreasing subsequence of the loss (O(n²) dynamic programme),
 * then the point ⌊L/3⌋ + ⌊L/6⌋ (about half-way) past its start, where L = end - start. Its start is
 * taken as `end - lds[end]` at the moment `end` first became the best, which is what fastai's loop
 * computes (the length may grow afterwards without moving the start); we keep that quirk.
 */
export function valleyRule(lrs: readonly number[], losses: readonly number[]): number | null {
  const n = losses.length;
  if (n === 0) return null;
  const lds = new Array<number>(n).fill(1);
  let maxStart = 0;
  let maxEnd = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i] < losses[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
      if (lds[maxEnd] < lds[i]) {
        maxEnd = i;
        maxStart = maxEnd - lds[maxEnd];
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  const idx = maxStart + Math.trunc(sections) + Math.trunc(sections / 2);
  // Python indexing: idx is -1 when no run of 3 falling points exists, which reads the last element.
  return lrs.at(idx) ?? null;
}

/**
 * fastai `slide` (lr_diff 15, thresh 0.005, adjust_value 1): walk a pair of points lr_diff apart from the
 * end of the curve towards its start while their loss gradients (per step) differ by more than `thresh`;
 * suggest the left point where the walk stops. Note that `thresh` is in loss units, so the rule depends on
 * the scale of the loss.
 */
export function slideRule(lrs: readonly number[], losses: readonly number[], lrDiff = 15, thresh = 0.005, adjustValue = 1): number | null {
  const n = losses.length;
  if (n < lrDiff + 1) return null;
  const grad = numpyGradient(losses);
  let right = n - 1;
  let left = right - lrDiff;
  let localMinLr = lrs[left];
  while (left >= 0 && Math.abs(grad[right] - grad[left]) > thresh) {
    localMinLr = lrs[left];
    right--;
    left--;
  }
  return localMinLr * adjustValue;
}
