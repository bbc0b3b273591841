// Smoothers for range-test loss curves. The EMA is what every LR finder plots (and what the competitors'
// rules read); the centred smoother is what our own bounds read, because an EMA lags the learning rate by
// about β/(1-β) steps (49 steps at β = 0.98, several decades of lr on a 100-step test).

/** Index of the first non-finite value, or the length when all are finite. */
export function finitePrefixLength(values: readonly number[]): number {
  const i = values.findIndex((v) => !Number.isFinite(v));
  return i < 0 ? values.length : i;
}

/**
 * Bias-corrected exponential moving average, as fastai, torch-lr-finder and Lightning smooth the loss:
 * avg = β·avg + (1-β)·loss, smoothed = avg / (1 - β^(t+1)). Cut at the first non-finite loss, since one
 * NaN poisons every later average.
 */
export function smoothLosses(losses: readonly number[], beta: number): number[] {
  if (!(beta >= 0 && beta < 1)) throw new RangeError(`beta must be in [0, 1), got ${beta}`);
  const n = finitePrefixLength(losses);
  const out: number[] = [];
  let avg = 0;
  let weight = 1;
  for (let t = 0; t < n; t++) {
    avg = beta * avg + (1 - beta) * losses[t];
    weight *= beta;
    out.push(avg / (1 - weight));
  }
  return out;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  // A typed array sorts numbers without calling a comparator per pair (the suggestion takes thousands of
  // medians); for finite values the order is the comparator's.
  return sortedMedian(values.every(Number.isFinite) ? Float64Array.from(values).sort() : [...values].sort((a, b) => a - b));
}

/** Scales a median absolute deviation to a standard deviation for Gaussian noise. */
const MAD_TO_STD = 1.4826;

/** Median absolute deviation scaled to a standard deviation for Gaussian noise. */
export function robustStd(values: readonly number[]): number {
  const m = median(values);
  return MAD_TO_STD * median(values.map((v) => Math.abs(v - m)));
}

/**
 * Replaces isolated upward spikes (a bad batch) by the median of their neighbourhood: a point is a spike
 * when it exceeds the centred median of 2·halfWidth+1 points by more than `k` robust standard deviations
 * of that window. Only upward, because a range test's informative events (the fall) are never single
 * points, and a real divergence lifts the whole window, so its median follows.
 */
export function despike(values: readonly number[], halfWidth: number, k = 5): number[] {
  const n = values.length;
  if (!values.every(Number.isFinite)) {
    return values.map((v, i) => {
      const window = values.slice(Math.max(0, i - halfWidth), i + halfWidth + 1);
      return despiked(v, median(window), robustStd(window), k);
    });
  }
  // The windows' medians dominate the suggestion's time (the window grows with the curve): the window is kept
  // sorted as it slides (one value in, one out, each placed by binary search), and the deviations' median is
  // read from it by merging its two sides outward. Same values as median() and robustStd() of each window.
  const window = new Float64Array(Math.min(n, 2 * halfWidth + 1));
  const deviations = new Float64Array(window.length);
  let size = 0;
  const insert = (v: number) => {
    const at = lowerBound(window, v, size);
    window.copyWithin(at + 1, at, size++);
    window[at] = v;
  };
  const remove = (v: number) => {
    const at = lowerBound(window, v, size);
    window.copyWithin(at, at + 1, size--);
  };
  for (let j = 0; j < Math.min(n, halfWidth); j++) insert(values[j]);
  return values.map((v, i) => {
    if (i - halfWidth - 1 >= 0) remove(values[i - halfWidth - 1]);
    if (i + halfWidth < n) insert(values[i + halfWidth]);
    const sorted = window.subarray(0, size);
    const m = sortedMedian(sorted);
    return despiked(v, m, MAD_TO_STD * sortedMedian(absoluteDeviations(sorted, m, deviations)), k);
  });
}

/** `v`, or its window's median `m` when v stands more than `k` robust deviations `s` above it. */
function despiked(v: number, m: number, s: number, k: number): number {
  return s > 0 && v - m > k * s ? m : v;
}

/** The first index of ascending `sorted[0..size)` whose value is not below `v`. */
export function lowerBound(sorted: Float64Array, v: number, size = sorted.length): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sortedMedian(sorted: ArrayLike<number>): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** |x − m| of every x of an ascending window, ascending, into `out`: a merge of its two sides, from m outward. */
function absoluteDeviations(sorted: Float64Array, m: number, out: Float64Array): Float64Array {
  let right = 0;
  while (right < sorted.length && sorted[right] < m) right++;
  let left = right - 1;
  for (let i = 0; i < sorted.length; i++) {
    const below = left >= 0 ? m - sorted[left] : Infinity;
    const above = right < sorted.length ? sorted[right] - m : Infinity;
    if (below <= above && left >= 0) {
      out[i] = below;
      left--;
    } else {
      out[i] = above;
      right++;
    }
  }
  return out.subarray(0, sorted.length);
}

/**
 * Local linear regression (tricube weights, 2·halfWidth+1 nearest points by index) of `y` on `x`:
 * centred, so it does not lag, and linear, so slopes and the ends of the curve are not biased the way a
 * moving average biases them.
 */
export function localLinearSmooth(x: readonly number[], y: readonly number[], halfWidth: number): number[] {
  const n = x.length;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let lo = Math.max(0, i - halfWidth);
    let hi = Math.min(n - 1, i + halfWidth);
    // Keep the window full-size at the ends so the fit has as many points as in the middle.
    if (hi - lo < 2 * halfWidth) {
      if (lo === 0) hi = Math.min(n - 1, 2 * halfWidth);
      else lo = Math.max(0, n - 1 - 2 * halfWidth);
    }
    const xi = x[i];
    const radius = Math.max(Math.abs(x[hi] - xi), Math.abs(xi - x[lo])) * 1.0001 || 1;
    let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (let j = lo; j <= hi; j++) {
      const dx = x[j] - xi;
      const u = Math.abs(dx) / radius;
      const t = 1 - u * u * u;
      const w = t * t * t;
      const wy = w * y[j];
      sw += w;
      sx += w * dx;
      sy += wy;
      sxx += w * dx * dx;
      sxy += wy * dx;
    }
    const det = sw * sxx - sx * sx;
    // Intercept at dx = 0 is the fitted value at x[i]; fall back to the weighted mean when degenerate.
    out.push(det > 1e-12 * sw * sxx ? (sxx * sy - sx * sxy) / det : sy / sw);
  }
  return out;
}
