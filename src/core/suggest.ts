// Learning-rate suggestions from a range-test curve: our cyclical bounds (after Smith, "Cyclical Learning
// Rates for Training Neural Networks", 2017, §3.3) and the popular finders' rules for comparison.

import { UserError } from './errors';
import { FinderSweep, libraryFinders } from './lrFinderRules';
import { despike, finitePrefixLength, localLinearSmooth, median, robustStd } from './smoothing';
import type { LibraryFinders, Suggestion } from './types';

export { smoothLosses } from './smoothing';
export { averageRuns } from './averageRuns';

export interface SuggestOptions {
  /**
   * Deprecated, validated but unused: the other finders now smooth as their libraries do (fastai and
   * Lightning β 0.98, torch-lr-finder 0.05).
   */
  beta?: number;
  /**
   * The sweep the other finders read (raw losses of one run, the lrs of the whole schedule and the
   * requested iterations); default: this curve, as if it were one run of exactly its length; null: leave
   * the finders out.
   */
  finderSweep?: FinderSweep | null;
  /** Optimizer steps per pass over the training rows (rows / batch), to tell how many epochs the test trained. */
  stepsPerEpoch?: number;
  /** The range test stopped because the loss diverged (so the curve does turn up, even if cut short). */
  diverged?: boolean;
}

export const DEFAULT_BETA = 0.98;
/** Confidence when the fall is short or shallow, the test trained many epochs, or the seeds disagree. */
export const DOUBTFUL_CONFIDENCE = 0.6;
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
  neverFellBeforeDiverging:
    'the loss never fell before it diverged: more iterations (the model needs more steps to learn), or check the labels',
  neverDiverged: 'never diverged: raise `end_lr`',
  tooNoisy: 'too noisy: more iterations, a larger batch or more runs',
  startUnclear: 'the loss was already falling at `start_lr`: lower `start_lr` to see where the fall begins',
  shallowFall: (percent: number): string =>
    `the loss fell only ${percent} % before it turned up: the model barely learned during the test; more iterations, or check the features and labels`,
  fewPoints: (points: number): string =>
    `the fall spans only ${points} points: more iterations (or a narrower start_lr..end_lr) would place the bounds more precisely`,
  seedsDisagree: (lo: number, hi: number, runs: number): string =>
    `the ${runs} runs' seeds disagree: a rerun could put max_lr anywhere in ${lo.toPrecision(2)}..${hi.toPrecision(2)} (${(hi / lo).toFixed(1)}×); more runs, more iterations or a larger batch narrow it`,
  wideBasin: (end: number, turnUp: number): string =>
    `the loss stayed at its bottom from ${end.toPrecision(2)} to ${turnUp.toPrecision(2)} (${(turnUp / end).toFixed(0)}×) before it turned up: max_lr is held within ${WIDE_BASIN_CAP}× of the end of the fall (higher lrs in that basin fit the training data only slightly better and, on noisy labels, generalise worse)`,
  manyEpochs: (epochs: number): string =>
    `the test trained ${epochs.toFixed(0)} epochs before the loss turned up, so the curve shows a model that had already learned the data: fewer iterations (or a smaller batch) for this dataset size`,
} as const;

/** A fall over fewer points than this is too short to place the bounds precisely. */
const SHORT_FALL_POINTS = 10;
/**
 * A basin wider than this (turn-up ÷ end of the fall; 15× ≈ 1.2 decades): the training loss is the same over a
 * wide range of lrs, and turn-up / 4 sits near its top, where on noisy labels the validation loss is worse
 * (bench/suggestion-quality: blobs, best validation lr ~30× below the best training lr). There max_lr is held
 * within WIDE_BASIN_CAP of the end of the fall. Both constants were chosen on that bench's calibration cases
 * (seeds 0..2 of the main six: the widest basin whose bounds met the validation target was 13×, the narrowest
 * that missed 17×; caps of 3 and 6 tried) and checked on its held-out seeds and datasets.
 */
const WIDE_BASIN = 15;
const WIDE_BASIN_CAP = 3;
/** More epochs than this before the turn-up: the test measured an already-trained model. */
const MANY_EPOCHS = 20;

// Fractions of the total drop (top of the curve to its bottom) that mark where the fall starts and ends.
const START_FRACTION = 0.1;
const END_FRACTION = 0.1;
/**
 * A dip smaller than this fraction of the starting loss is no fall: max_lr is read from the divergence, as for
 * a flat curve. At 3% a curve that dips 2–4% (bundled spirals: the model barely learns in 200 steps) was read
 * one way on some resamples and seeds and the other way on others, and its max_lr swung 2.8× between reruns
 * (bench/stability); at 5% every such rerun reads the flat-curve rule.
 */
const MIN_FALL = 0.05;
/** A fall smaller than this fraction of the starting loss is weak evidence for where the bounds belong. */
const CLEAR_FALL = 0.2;
/**
 * Smith's rule of thumb: base_lr = max_lr / 3..4. base_lr is the start of the fall only when that start is
 * clear and inside this band; elsewhere the band's wide end, 4: on a range test the start lies either decades
 * below max_lr (a cycle down there spends half its time, and ends, at learning rates that barely train) or,
 * on a short, steep or shallow fall, within a factor of 3 of max_lr or even above it (a band too narrow to
 * anneal, read from a fall too short to trust). Measured in bench/suggestion-quality.
 */
const BASE_RATIO = 4;
/**
 * With no fall to read, max_lr stays this factor below the lr at which the range test became unstable. Chosen
 * on bench/suggestion-quality's never-fell curves (45 range tests of seeds 0..11, nearly all images: the model
 * learns nothing before the lr is large): within 5% of the grid's best, train / val, at 10: 21 / 22; 6: 26 / 33;
 * 5: 31 / 34; 4: 28 / 30. Checked on seeds 12..23 (21 tests): 10: 9 / 13, 5: 16 / 19.
 */
const DIVERGENCE_MARGIN = 5;
/** The loss has turned up once it climbs back above its lowest value by this fraction of the fall. */
const TURN_UP_FRACTION = 0.1;
/**
 * max_lr is this factor below the lr where the loss turned up. Smith: the best lr is usually within a factor
 * of two of the largest that converges, and the range test overstates that one (a few steps per lr are too
 * few to blow up); a cyclical schedule spends most of its time below max_lr, so it can sit near the top.
 */
const TURN_UP_MARGIN = 4;

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

/** The lr of the first point in from..n-1 where the smoothed curve `s` is above `level`, if any. */
function firstLrAbove(s: readonly number[], xs: readonly number[], level: number, from: number, n: number): number | undefined {
  for (let i = from; i < n; i++) if (s[i] > level) return xs[i];
  return undefined;
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/** Smoothing half-width (points) of the centred smoother our bounds read, before adapting it to the noise. */
export function smoothingHalfWidth(points: number): number {
  return Math.max(3, Math.round(points / 25));
}

/** The curve our bounds are read from: despiked, centred-smoothed raw losses (finite, increasing lrs). */
export function centredSmooth(lrs: readonly number[], losses: readonly number[], halfWidth = smoothingHalfWidth(losses.length)): number[] {
  return localLinearSmooth(lrs.map(Math.log10), despike(losses, halfWidth), halfWidth);
}

/** Per-step noise of a loss curve: from first differences, so the curve's own shape does not count. */
function stepNoise(losses: readonly number[]): number {
  const diffs = losses.slice(1).map((v, i) => v - losses[i]);
  return robustStd(diffs) / Math.SQRT2;
}

interface Landmarks {
  s: number[];
  halfWidth: number;
  iMin: number;
  iTop: number;
}

function landmarks(xs: readonly number[], raw: readonly number[], halfWidth: number): Landmarks {
  const s = centredSmooth(xs, raw, halfWidth);
  const iMin = argmin(s);
  return { s, halfWidth, iMin, iTop: argmax(s, 0, iMin) };
}

export function suggest(lrs: number[], losses: number[], options: SuggestOptions = {}): Suggestion {
  const beta = options.beta ?? DEFAULT_BETA;
  if (!(beta >= 0 && beta < 1)) throw new UserError(`smoothing β ${beta} is out of range`, { hint: 'use a value in [0, 1), e.g. 0.98' });
  const n = validateCurve(lrs, losses);

  const finders = options.finderSweep === null ? undefined : libraryFinders(options.finderSweep ?? { lrs, losses });

  const xs = lrs.slice(0, n);
  const raw = losses.slice(0, n);
  // Smooth just enough: widen the window until the smoothed curve's noise is small next to the drop (a noisy
  // curve read with a narrow window puts the bottom wherever the noise dips), within an eighth of the curve.
  let marks = landmarks(xs, raw, smoothingHalfWidth(n));
  const fitEnd = Math.max(marks.iMin, Math.min(n - 1, 4 * marks.halfWidth));
  const noise = stepNoise(raw.slice(0, fitEnd + 1));
  const firstDrop = marks.s[marks.iTop] - marks.s[marks.iMin];
  if (firstDrop > 0) {
    const wanted = Math.ceil((noise / (0.05 * firstDrop)) ** 2);
    const widened = Math.min(Math.floor(n / 8), wanted);
    if (widened > marks.halfWidth) marks = landmarks(xs, raw, widened);
  }
  const { s, iMin, iTop, halfWidth: k } = marks;
  const top = s[iTop];
  const bottom = s[iMin];
  const drop = top - bottom;
  // Noise of the smoothed curve (a tricube window of 2k+1 points averages about k+1 of them).
  const smoothNoise = noise / Math.sqrt(k + 1);
  const fell = drop > MIN_FALL * Math.abs(top) && drop > 4 * smoothNoise;

  const riseAfterMin = Math.max(...s.slice(iMin)) - bottom;
  const diverged =
    options.diverged === true || n < losses.length || (fell ? riseAfterMin >= Math.max(0.1 * drop, 4 * smoothNoise) : riseAfterMin >= Math.max(0.05 * Math.abs(top), 4 * smoothNoise));
  // The range test's stability limit: where the loss climbs clearly back above its starting level, else
  // where the test stopped on divergence (the NaN point, or the last point when the engine stopped it).
  const divergeLevel = top + Math.max(4 * smoothNoise, 0.01 * Math.abs(top));
  let divergeLr = firstLrAbove(s, xs, divergeLevel, iMin + 1, n);
  if (divergeLr === undefined && n < losses.length) divergeLr = lrs[n];
  if (divergeLr === undefined && options.diverged === true) divergeLr = xs[n - 1];

  const diagnostics: string[] = [];
  let baseLr: number;
  let maxLr: number;
  let confidence: number;

  if (!fell) {
    // Nothing to bracket: offer the safe side of the divergence (or the largest lr tried) at low confidence.
    maxLr = divergeLr !== undefined ? divergeLr / DIVERGENCE_MARGIN : xs[n - 1];
    baseLr = maxLr / BASE_RATIO;
    confidence = 0.05;
    diagnostics.push(divergeLr !== undefined ? DIAGNOSTICS.neverFellBeforeDiverging : DIAGNOSTICS.neverFell);
  } else {
    // Anchor on the middle of the last descent to the bottom and walk outwards from it, so that noise on the
    // plateau or around the bottom cannot fake an early start or end.
    const mid = top - 0.5 * drop;
    let iMid = iMin;
    while (iMid > iTop && s[iMid - 1] < mid) iMid--;
    // The plateau level is the typical loss above the midpoint before the fall, not its noisiest peak.
    const above = s.slice(0, iMid).filter((v) => v >= mid);
    const plateau = above.length ? median(above) : top;
    const fallDrop = plateau - bottom;
    const startLevel = plateau - START_FRACTION * fallDrop;
    let iBase = iMid;
    while (iBase > 0 && s[iBase - 1] < startLevel) iBase--;
    // (Noise deepens the smoothed minimum by a couple of its standard deviations; the margin undoes that.)
    // Measured around the bottom: the per-batch noise of most losses shrinks with the loss itself.
    const bottomNoise = stepNoise(raw.slice(Math.max(0, iMin - 3 * k), Math.min(n, iMin + 2 * k + 1))) / Math.sqrt(k + 1);
    const endLevel = bottom + Math.max(END_FRACTION * Math.min(fallDrop, Math.abs(bottom) || fallDrop), 2 * bottomNoise);
    // The fall ends where the loss is within END_FRACTION of its lowest value (or of the drop, if tighter).
    let iEnd = iMid;
    while (iEnd < iMin && s[iEnd] > endLevel) iEnd++;
    // The loss turns up (or turns ragged) where it first climbs back by TURN_UP_FRACTION of the fall: the edge
    // of stability this test saw. Where the curve was cut by a NaN or stopped on divergence without turning
    // up visibly, the edge is where it stopped.
    const upLevel = bottom + Math.max(TURN_UP_FRACTION * fallDrop, 2 * bottomNoise);
    const turnUpLr = firstLrAbove(s, xs, upLevel, iMin + 1, n) ?? divergeLr;
    // Smith's max_lr is where the loss stops falling, before it turns up or turns ragged. We read it from the
    // turn-up, a margin below it, rather than from the bottom: the bottom of a long flat or ragged basin is a
    // poor marker (noise decides where in the basin the lowest point lands), its far edge a sharp one. Without
    // a turn-up (never diverged) the fall end is all the curve tells.
    maxLr = turnUpLr !== undefined ? turnUpLr / TURN_UP_MARGIN : xs[iEnd];
    const wideBasin = turnUpLr !== undefined && turnUpLr / xs[iEnd] > WIDE_BASIN && xs[iEnd] * WIDE_BASIN_CAP < maxLr;
    if (wideBasin) maxLr = xs[iEnd] * WIDE_BASIN_CAP;
    // The start is clear when the curve was flat for a while before falling; otherwise the test began
    // mid-fall and the point we would read is just the first one. A fall we saw whole, start to end, is also
    // better evidence for where max_lr belongs.
    const startClear = iBase >= 2 * k;
    // base_lr is where the loss starts to fall when that start is clear and inside Smith's max_lr / 4..3
    // band; anywhere else the band's wide end is the better bound (see BASE_RATIO).
    const fallStart = xs[iBase];
    baseLr = startClear && fallStart >= maxLr / BASE_RATIO && fallStart <= maxLr / 3 ? fallStart : maxLr / BASE_RATIO;

    const snr = fallDrop / Math.max(noise, Number.MIN_VALUE);
    const fallPoints = iEnd - iBase;
    // A low-noise curve that dips a few percent is precise about a dip, not about where training works.
    const relativeFall = plateau !== 0 ? fallDrop / Math.abs(plateau) : 1;
    const depth = clamp01(relativeFall / CLEAR_FALL) ** 0.5;
    confidence = clamp01((snr - 1) / 7) ** 0.5 * (diverged ? 1 : 0.6) * (startClear ? 1 : 0.75) * clamp01(fallPoints / 8 + 0.3) * depth;

    if (!diverged) diagnostics.push(DIAGNOSTICS.neverDiverged);
    if (!startClear) diagnostics.push(DIAGNOSTICS.startUnclear);
    if (snr < 4) diagnostics.push(DIAGNOSTICS.tooNoisy);
    // A short or shallow fall, or a test that trained for many epochs, is weak evidence however clean.
    const turnUpIndex = turnUpLr === undefined ? n - 1 : xs.findIndex((lr) => lr >= turnUpLr);
    const epochs = options.stepsPerEpoch ? (turnUpIndex + 1) / options.stepsPerEpoch : 0;
    const doubts = [
      fallPoints < SHORT_FALL_POINTS && DIAGNOSTICS.fewPoints(fallPoints),
      relativeFall < CLEAR_FALL && DIAGNOSTICS.shallowFall(Math.round(relativeFall * 100)),
      epochs > MANY_EPOCHS && DIAGNOSTICS.manyEpochs(epochs),
    ].filter((d): d is string => typeof d === 'string');
    diagnostics.push(...doubts);
    if (wideBasin) diagnostics.push(DIAGNOSTICS.wideBasin(xs[iEnd], turnUpLr));
    if (doubts.length) confidence = Math.min(confidence, DOUBTFUL_CONFIDENCE);
  }

  return {
    clr: { baseLr, maxLr },
    oneCycle: { maxLr },
    ...(finders ? { finders } : {}),
    ...legacyFinderFields(finders),
    confidence: Math.round(clamp01(confidence) * 100) / 100,
    diagnostics,
  };
}

/** The pre-`finders` top-level fields, kept for one release: the same libraries' values. */
export function legacyFinderFields(finders: LibraryFinders | undefined): Pick<Suggestion, 'steepest' | 'minimum' | 'valley' | 'slide'> {
  if (!finders) return { steepest: null, minimum: null, valley: null, slide: null };
  return { steepest: finders.torchLrFinder.steepest, minimum: finders.fastai.minimum, valley: finders.fastai.valley, slide: finders.fastai.slide };
}
