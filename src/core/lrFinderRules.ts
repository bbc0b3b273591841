// The popular LR finders' suggestions, computed as each library computes them, so that what we show under
// their names is what the user would get from them on the same sweep. Each library records its own curve
// from the raw per-batch losses (its own smoothing, bias correction and divergence stop), trims it its own
// way and applies its rule:
//
// - fastai (`Learner.lr_find`, fastai/callback/schedule.py): AvgSmoothLoss(β 0.98) — `torch.lerp`, bias
//   corrected with β^count —, stop after recording a value above 4× the best; the rules read
//   `recorder.losses[num_it//10 : -5]` (num_it = the requested iterations), cut at the first NaN.
//   valley, slide (lr_diff 15, thresh 0.005), minimum (lr at the lowest loss / 10), steep (steepest slope
//   against ln lr). Its tensors are float32, so the values it hands back are float32-rounded lrs.
// - torch-lr-finder (`LRFinder.range_test` + `plot(suggest_lr=True)`): a plain EMA, smooth_f 0.05, started
//   at the first loss without bias correction; stop after recording a value above 5× the best; the rule
//   skips the first 10 and the last 5 recorded points and takes the argmin of `np.gradient` over the point
//   index (numpy's argmin: a NaN is the minimum).
// - Lightning (`Tuner.lr_find`, lightning/pytorch/tuner/lr_finder.py, `_LRCallback` + `suggestion()`):
//   EMA β 0.98 bias-corrected with β^(global_step + 1), where global_step is already 1 on the first batch;
//   best = the first value, then the lowest; stop (from the second step on) after a value above 4× the best;
//   `suggestion()` skips 10 first and 1 last point, drops non-finite values and takes the argmin of
//   `torch.gradient(losses, spacing=[lrs])` (float32 tensors).
//
// None of the libraries stops on a NaN (every comparison with NaN is false): they go on recording NaN to
// the last iteration, which moves where their `[:-5]`/`[:-1]` trims fall. A sweep that stopped on a
// non-finite loss is therefore padded with NaN up to the requested iterations before recording.
// Every rule returns null where the library would give no value (it raises, or returns None).

import { lowerBound } from './smoothing';
import type { LibraryFinders } from './types';

/** The raw record of one sweep, as the finders need it. */
export interface FinderSweep {
  /** Learning rate of each step (at least as many as losses; more when the schedule is known further). */
  lrs: readonly number[];
  /** Raw per-batch losses in step order; a non-finite loss is where the sweep broke down. */
  losses: readonly number[];
  /** Steps the sweep was asked for (fastai's num_it); default: the number of losses. */
  iterations?: number;
}

const f32 = Math.fround;

/** argmin with numpy/torch semantics: the first NaN is the minimum; -1 for an empty array. */
function argminNanFirst(values: readonly number[]): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) return i;
    if (best < 0 || values[i] < values[best]) best = i;
  }
  return best;
}

/**
 * numpy.gradient / torch.gradient with edge_order 1: one-sided differences at the ends, second-order
 * differences inside — `(f[i+1] - f[i-1]) / 2` on unit spacing, the three-point weights of both libraries
 * on coordinates `x` (uneven spacing).
 */
export function numpyGradient(f: readonly number[], x?: readonly number[]): number[] {
  const n = f.length;
  if (n < 2) throw new RangeError('numpyGradient needs at least 2 points');
  const g = new Array<number>(n);
  if (!x) {
    g[0] = f[1] - f[0];
    g[n - 1] = f[n - 1] - f[n - 2];
    for (let i = 1; i < n - 1; i++) g[i] = (f[i + 1] - f[i - 1]) / 2;
    return g;
  }
  g[0] = (f[1] - f[0]) / (x[1] - x[0]);
  g[n - 1] = (f[n - 1] - f[n - 2]) / (x[n - 1] - x[n - 2]);
  for (let i = 1; i < n - 1; i++) {
    const dx1 = x[i] - x[i - 1];
    const dx2 = x[i + 1] - x[i];
    const a = -dx2 / (dx1 * (dx1 + dx2));
    const b = (dx2 - dx1) / (dx1 * dx2);
    const c = dx1 / (dx2 * (dx1 + dx2));
    g[i] = a * f[i - 1] + b * f[i] + c * f[i + 1];
  }
  return g;
}

/** Python's `seq[start:-end]` (end > 0), clamped the way Python clamps it. */
function pySlice<T>(values: readonly T[], start: number, end: number): T[] {
  return values.slice(start, Math.max(0, values.length - end));
}

/**
 * The raw losses each library would have seen: the sweep's losses, and where one turned non-finite, NaN
 * from there to the requested iterations (the weights are broken; the libraries keep stepping). The
 * non-finite value itself is kept (an infinite loss stops the libraries, a NaN does not).
 */
export function paddedRawLosses(sweep: FinderSweep): number[] {
  const raw = [...sweep.losses];
  const broken = raw.findIndex((v) => !Number.isFinite(v));
  if (broken < 0) return raw;
  const total = Math.max(raw.length, sweep.iterations ?? raw.length);
  const padded = raw.slice(0, broken + 1);
  while (padded.length < total) padded.push(NaN);
  return padded;
}

/** lr of step i: from the sweep's lrs, extended geometrically past their end (steps recorded as NaN). */
function lrAt(lrs: readonly number[], i: number): number {
  if (i < lrs.length) return lrs[i];
  const n = lrs.length;
  const ratio = n >= 2 ? lrs[n - 1] / lrs[n - 2] : 1;
  return lrs[n - 1] * ratio ** (i - n + 1);
}

/** A library's recorded curve: one value per step until (and including) the step that stopped it. */
interface Recording {
  values: number[];
  /** The library stopped on divergence (it would not have asked for more steps). */
  stopped: boolean;
}

/** Incremental recorders, so that the engine can run a sweep until every library would have stopped. */
export interface FinderRecorder {
  /** Records one raw loss; returns true once the library has stopped. */
  push(raw: number): boolean;
  readonly values: number[];
  readonly stopped: boolean;
}

/** fastai's Recorder + AvgSmoothLoss + LRFinder.after_batch. */
export function fastaiRecorder(iterations: number, beta = 0.98, divergeFactor = 4): FinderRecorder {
  let val = 0;
  let count = 0;
  let best = Infinity;
  const values: number[] = [];
  let stopped = false;
  return {
    values,
    get stopped() {
      return stopped;
    },
    push(raw: number): boolean {
      if (stopped) return true;
      count++;
      // torch.lerp(loss, val, β) with β ≥ 0.5 computes val - (val - loss)·(1 - β).
      val = val - (val - raw) * (1 - beta);
      const smooth = val / (1 - beta ** count);
      values.push(smooth);
      if (smooth < best) best = smooth;
      if (smooth > divergeFactor * best || count >= iterations) stopped = true;
      return stopped;
    },
  };
}

/** torch-lr-finder's range_test recording. */
export function torchLrFinderRecorder(smoothF = 0.05, divergeTh = 5): FinderRecorder {
  let best = NaN;
  const values: number[] = [];
  let stopped = false;
  return {
    values,
    get stopped() {
      return stopped;
    },
    push(raw: number): boolean {
      if (stopped) return true;
      let loss = raw;
      if (values.length === 0) best = loss;
      else {
        if (smoothF > 0) loss = smoothF * loss + (1 - smoothF) * values[values.length - 1];
        if (loss < best) best = loss;
      }
      values.push(loss);
      if (loss > divergeTh * best) stopped = true;
      return stopped;
    },
  };
}

/** Lightning's _LRCallback.on_train_batch_end (global_step counts optimizer steps, 1 after the first). */
export function lightningRecorder(beta = 0.98, earlyStopThreshold = 4): FinderRecorder {
  let avg = 0;
  let best = 0;
  const values: number[] = [];
  let stopped = false;
  return {
    values,
    get stopped() {
      return stopped;
    },
    push(raw: number): boolean {
      if (stopped) return true;
      const step = values.length + 1;
      avg = beta * avg + (1 - beta) * raw;
      const smoothed = avg / (1 - beta ** (step + 1));
      if (step > 1 && smoothed > earlyStopThreshold * best) stopped = true;
      if (smoothed < best || step === 1) best = smoothed;
      values.push(smoothed);
      return stopped;
    },
  };
}

function record(recorder: FinderRecorder, raw: readonly number[]): Recording {
  for (const loss of raw) if (recorder.push(loss)) break;
  return { values: recorder.values, stopped: recorder.stopped };
}

// ------------------------------------------------------------------------------------------- fastai rules

/** fastai `minimum`: a tenth of the lr at the lowest loss. */
export function fastaiMinimum(lrs: readonly number[], losses: readonly number[]): number | null {
  const i = argminNanFirst(losses);
  return i < 0 ? null : lrs[i] / 10;
}

/** fastai `steep`: the lr at the steepest fall of the loss against ln(lr) (forward differences). */
export function fastaiSteep(lrs: readonly number[], losses: readonly number[]): number | null {
  if (losses.length < 2) return null;
  const grads = losses.slice(1).map((l, i) => (l - losses[i]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i])));
  return lrs[argminNanFirst(grads)];
}

/**
 * fastai `valley`: the longest strictly decreasing subsequence of the loss, then the point ⌊L/3⌋ + ⌊L/6⌋
 * past its start, L = end - start. The end is the first point whose subsequence is longer than every
 * earlier one's, and fastai takes the start as `end - lds[end]` (one before the run's first point); with no
 * descent at all the index is 0 or, Python style, -1 (the last point); we keep both quirks.
 *
 * fastai finds the lengths with an O(n²) double loop (transcribed, 0.1 s of a 6,000-step test's
 * suggestion, growing with the square). Each length is one more than the longest among earlier, strictly
 * higher losses, so a Fenwick tree over the losses' ranks gives the same lengths in O(n log n) (NaN compares
 * false both ways: its length is 1, and it lengthens none).
 */
export function fastaiValley(lrs: readonly number[], losses: readonly number[]): number | null {
  const n = losses.length;
  if (n === 0) return null;
  const levels = Float64Array.from(losses.filter((v) => !Number.isNaN(v))).sort();
  // Rank 1 is the highest loss, so "strictly higher" is a prefix of the ranks.
  const rankOf = (v: number) => levels.length - lowerBound(levels, v);
  const longestAbove = new Int32Array(levels.length + 1);
  let maxStart = 0;
  let maxEnd = 0;
  let longest = 1;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(losses[i])) continue;
    const rank = rankOf(losses[i]);
    let above = 0;
    for (let r = rank - 1; r > 0; r -= r & -r) above = Math.max(above, longestAbove[r]);
    const length = above + 1;
    for (let r = rank; r <= levels.length; r += r & -r) longestAbove[r] = Math.max(longestAbove[r], length);
    if (length > longest) {
      longest = length;
      maxEnd = i;
      maxStart = i - length;
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  const idx = maxStart + Math.trunc(sections) + Math.trunc(sections / 2);
  return lrs.at(idx) ?? null;
}

/**
 * fastai `slide` (lr_diff 15, thresh 0.005, adjust_value 1): walk a pair of points lr_diff apart from the
 * end of the curve towards its start while their loss gradients (per point) differ by more than `thresh`;
 * suggest the left point where the walk stops. `thresh` is in loss units, so the rule depends on the scale
 * of the loss. Fewer than lr_diff + 1 points: fastai raises (IndexError).
 */
export function fastaiSlide(lrs: readonly number[], losses: readonly number[], lrDiff = 15, thresh = 0.005, adjustValue = 1): number | null {
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

/** What `lr_find` hands its suggestion functions: recorded[num_it//10 : -5], cut at the first NaN. */
export function fastaiWindow(lrs: readonly number[], recorded: readonly number[], iterations: number): { lrs: number[]; losses: number[] } {
  const start = Math.floor(iterations / 10);
  const losses = pySlice(recorded, start, 5).map(f32);
  const windowLrs = pySlice(recorded.map((_, i) => lrAt(lrs, i)), start, 5).map(f32);
  const nan = losses.findIndex(Number.isNaN);
  const end = nan < 0 ? losses.length : nan;
  return { lrs: windowLrs.slice(0, end), losses: losses.slice(0, end) };
}

// ------------------------------------------------------------------------------------ the other two rules

/** torch-lr-finder `plot(skip_start=10, skip_end=5, suggest_lr=True)`: argmin of np.gradient by index. */
export function torchLrFinderSteepest(lrs: readonly number[], recorded: readonly number[], skipStart = 10, skipEnd = 5): number | null {
  const losses = pySlice(recorded, skipStart, skipEnd);
  if (losses.length < 2) return null;
  return lrAt(lrs, skipStart + argminNanFirst(numpyGradient(losses)));
}

/** Lightning `_LRFinder.suggestion(skip_begin=10, skip_end=1)`: argmin of d loss / d lr over finite points. */
export function lightningSuggestion(lrs: readonly number[], recorded: readonly number[], skipBegin = 10, skipEnd = 1): number | null {
  const indices = pySlice(recorded.map((_, i) => i), skipBegin, skipEnd).filter((i) => Number.isFinite(f32(recorded[i])));
  if (indices.length < 2) return null;
  const losses = indices.map((i) => f32(recorded[i]));
  const spacing = indices.map((i) => f32(lrAt(lrs, i)));
  return lrAt(lrs, indices[argminNanFirst(numpyGradient(losses, spacing))]);
}

/** Every library's suggestion on one sweep, each from its own recording of the raw losses. */
export function libraryFinders(sweep: FinderSweep): LibraryFinders {
  const raw = paddedRawLosses(sweep);
  const iterations = Math.max(1, sweep.iterations ?? sweep.losses.length);
  const fastai = record(fastaiRecorder(iterations), raw).values;
  const window = fastaiWindow(sweep.lrs, fastai, iterations);
  return {
    fastai: {
      valley: fastaiValley(window.lrs, window.losses),
      slide: fastaiSlide(window.lrs, window.losses),
      minimum: fastaiMinimum(window.lrs, window.losses),
      steep: fastaiSteep(window.lrs, window.losses),
    },
    torchLrFinder: { steepest: torchLrFinderSteepest(sweep.lrs, record(torchLrFinderRecorder(), raw).values) },
    lightning: { suggestion: lightningSuggestion(sweep.lrs, record(lightningRecorder(), raw).values) },
  };
}

/** Recorders of all three libraries, to run a sweep until each of them would have stopped. */
export function allLibraryRecorders(iterations: number): FinderRecorder[] {
  return [fastaiRecorder(iterations), torchLrFinderRecorder(), lightningRecorder()];
}
