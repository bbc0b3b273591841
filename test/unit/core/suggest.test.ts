import assert from 'node:assert/strict';
import fc from 'fast-check';
import { UserError } from '../../../src/core/errors';
import { libraryFinders } from '../../../src/core/lrFinderRules';
import { despike, localLinearSmooth, median, robustStd } from '../../../src/core/smoothing';
import { averageRuns, CurveError, DIAGNOSTICS, smoothLosses, suggest } from '../../../src/core/suggest';
import { mulberry32 } from '../../support/seededRandom';

const close = (actual: number, expected: number, tol = 1e-9): void =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} ≈ ${expected}`);
/** Within `decades` of each other on a log scale. */
const nearLr = (actual: number, expected: number, decades = 0.1): void =>
  assert.ok(Math.abs(Math.log10(actual) - Math.log10(expected)) <= decades, `${actual} within ${decades} decades of ${expected}`);

// A 100-point exponential sweep from 1e-7 to 10 (the range test's defaults): log10(lr) = -7 + 8i/99.
const N = 100;
const LRS = Array.from({ length: N }, (_, i) => 10 ** (-7 + (8 * i) / 99));
const X = LRS.map(Math.log10);

/** Loss 1 + 1.5·σ(-4(x+3)): a plateau at 2.5, a fall centred at lr 1e-3, a floor at 1. */
const fall = (x: number): number => 1 + 1.5 / (1 + Math.exp(4 * (x + 3)));
/** The fall, then a rise 5·(x+1.5)² above lr ≈ 0.03 (a clean U). */
const uShape = (x: number): number => fall(x) + 5 * Math.max(0, x + 1.5) ** 2;
/** The same fall with the rise a decade later: the loss stays at its floor for two decades (a wide basin). */
const wideU = (x: number): number => fall(x) + 5 * Math.max(0, x + 0.5) ** 2;

// Hand-derived landmarks of these curves (solve 1.5/(1+e^{4(x+3)}) = level):
// - the fall starts (loss 10% of the drop below the plateau, 2.35) at x = -3 - ln(9)/4 = -3.549;
// - the fall ends (within 10% of the floor, 1.1) at x = -3 + ln(14)/4 = -2.340;
// - the U climbs back to the plateau (2.5) at x = -1.5 + sqrt(0.3) ≈ -0.952 (fall(x) ≈ 1 there);
// - the U turns up (climbs back by 10% of the fall, 0.15 above the floor) at x = -1.5 + sqrt(0.15/5) ≈ -1.327,
//   so max_lr = 10^-1.327 / 4 (10^-1.929); the basin, end of the fall to turn-up, spans 10^1.01 ≈ 10× (not wide).
const START_X = -3 - Math.log(9) / 4;
const END_X = -3 + Math.log(14) / 4;
const TURN_UP_X = -1.5 + Math.sqrt(0.03);

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

describe('smoothLosses', () => {
  it('is the bias-corrected EMA (hand-computed at β = 0.5)', () => {
    // avg: 0.5, 1.25, 2.125; corrections 1-0.5^t: 0.5, 0.75, 0.875.
    const s = smoothLosses([1, 2, 3], 0.5);
    assert.equal(s.length, 3);
    close(s[0], 1);
    close(s[1], 1.25 / 0.75);
    close(s[2], 2.125 / 0.875);
  });
  it('is the identity at β = 0 and starts at the first loss for any β', () => {
    assert.deepEqual(smoothLosses([3, 1, 2], 0), [3, 1, 2]);
    close(smoothLosses([7, 0], 0.98)[0], 7);
  });
  it('cuts at the first NaN or infinite loss', () => {
    assert.equal(smoothLosses([1, 2, NaN, 3], 0.9).length, 2);
    assert.equal(smoothLosses([1, Infinity, 3], 0.9).length, 1);
    assert.deepEqual(smoothLosses([NaN, 1], 0.9), []);
  });
  it('rejects β outside [0, 1)', () => {
    assert.throws(() => smoothLosses([1, 2], 1), RangeError);
  });
});

describe('smoothing helpers', () => {
  it('the centred local-linear smoother reproduces a straight line exactly, ends included', () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const y = x.map((v) => 3 - 2 * v);
    localLinearSmooth(x, y, 3).forEach((v, i) => close(v, y[i], 1e-9));
  });
  it('despike replaces an isolated upward spike but keeps a real rise', () => {
    const flat = [1, 1.1, 0.9, 1, 1.05, 0.95, 50, 1, 1.1, 0.9, 1, 1.02];
    const out = despike(flat, 3);
    assert.ok(out[6] < 1.2, `spike replaced (${out[6]})`);
    const rise = [1, 1, 1, 1, 1, 1, 2, 4, 8, 16, 32, 64];
    assert.deepEqual(despike(rise, 3).slice(8), [8, 16, 32, 64]);
  });
  it('despike gives each point what its own window’s median and robust spread give, as the window slides', () => {
    const byWindow = (values: number[], halfWidth: number, k = 5) =>
      values.map((v, i) => {
        const window = values.slice(Math.max(0, i - halfWidth), i + halfWidth + 1);
        const m = median(window);
        const s = robustStd(window);
        return s > 0 && v - m > k * s ? m : v;
      });
    const loss = fc.oneof(fc.integer({ min: 0, max: 4 }), fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(40, 1e3));
    fc.assert(
      fc.property(fc.array(loss, { maxLength: 80 }), fc.integer({ min: 0, max: 30 }), (values, halfWidth) => {
        assert.deepEqual(despike(values, halfWidth), byWindow(values, halfWidth));
      }),
      { numRuns: 1000, seed: 5 },
    );
    // A window holding a non-finite loss is read the same way.
    const broken = [1, 1.1, 0.9, 9, 1, NaN, 1.05, 0.95, Infinity, 1];
    assert.deepEqual(despike(broken, 2), byWindow(broken, 2));
  });
});

describe('suggest: our CLR bounds', () => {
  it('clean U: max a factor 4 below where the loss turns up, base max/4 (not the start of the fall), full confidence', () => {
    const s = suggest(LRS, X.map(uShape));
    // The fall starts at 10^-3.55, decades below max_lr: base_lr is Smith's max_lr / 4 all the same.
    assert.ok(10 ** START_X < s.clr.maxLr / 4);
    close(s.clr.baseLr, s.clr.maxLr / 4);
    nearLr(s.clr.maxLr, 10 ** TURN_UP_X / 4);
    assert.equal(s.oneCycle.maxLr, s.clr.maxLr);
    assert.ok(s.confidence >= 0.9, `confidence ${s.confidence}`);
    assert.deepEqual(s.diagnostics, []);
  });

  it('a shallow dip (the loss falls 6 % of its starting value) is read, but with less confidence and a diagnostic', () => {
    // The clean U scaled so that the fall is 0.15 on a plateau of 2.5 (6 %): same landmarks, tiny depth.
    const shallow = X.map((x) => 2.5 - 0.1 * (2.5 - uShape(x)));
    const deep = suggest(LRS, X.map(uShape));
    const s = suggest(LRS, shallow);
    nearLr(s.clr.maxLr, deep.clr.maxLr);
    // depth factor sqrt(0.06 / 0.2) ≈ 0.55 on an otherwise perfect curve.
    assert.ok(s.confidence <= 0.6 && s.confidence >= 0.4, `confidence ${s.confidence}`);
    assert.deepEqual(s.diagnostics, [DIAGNOSTICS.shallowFall(6)]);
    assert.deepEqual(deep.diagnostics, []);
  });

  it('base_lr is where the loss starts to fall when that lies inside max_lr / 4..3, else max_lr / 4', () => {
    // A steep fall (slope 12) centred at x = c, then the clean U's rise: the fall starts (10 % down) at
    // x = c - ln(9)/12 and the turn-up, hence max_lr ≈ 10^-0.93, stays where the U puts it. 400 points so that
    // Smith's band (a factor 4/3, 0.125 decade) spans several of them.
    const n = 400;
    const lrs = Array.from({ length: n }, (_, i) => 10 ** (-7 + (8 * i) / (n - 1)));
    const curve = (c: number) => lrs.map((lr) => Math.log10(lr)).map((x) => 1 + 1.5 / (1 + Math.exp(12 * (x - c))) + 5 * Math.max(0, x + 0.5) ** 2);
    const inBand = suggest(lrs, curve(-1.29));
    nearLr(inBand.clr.baseLr, 10 ** (-1.29 - Math.log(9) / 12));
    assert.ok(inBand.clr.baseLr > inBand.clr.maxLr / 4 && inBand.clr.baseLr <= inBand.clr.maxLr / 3, `ratio ${inBand.clr.maxLr / inBand.clr.baseLr}`);
    // The same fall 0.1 decade lower starts below max_lr / 4: the band's wide end.
    const below = suggest(lrs, curve(-1.39));
    close(below.clr.baseLr, below.clr.maxLr / 4);
  });

  it('a cliff right after the fall: max_lr a factor 4 below the turn-up, below the end of the fall', () => {
    // fall(x) + 5(x+2.5)² bottoms out where fall'(x) = -10(x+2.5): x ≈ -2.437, loss ≈ 1.163; it turns up
    // (1.163 + 0.1·(2.5 - 1.163) = 1.297) at x ≈ -2.294 (fall = 1.0834, 5·0.206² = 0.212).
    const cliff = X.map((x) => fall(x) + 5 * Math.max(0, x + 2.5) ** 2);
    const s = suggest(LRS, cliff);
    nearLr(s.clr.maxLr, 10 ** -2.294 / 4);
    assert.ok(s.clr.maxLr < 10 ** END_X);
    close(s.clr.baseLr, s.clr.maxLr / 4);
  });

  it('a short, steep fall that starts within a factor 3 of max_lr: base_lr is still max_lr / 4', () => {
    // 1 + 1.5·σ(-12(x+3)) falls from x = -3 - ln(9)/12 = -3.183 (the start) to -3 + ln(14)/12 = -2.780; the
    // rise 5·(x+2.5)² turns up (0.15 above the floor of 1) at x = -2.5 + sqrt(0.03) = -2.327, so
    // max_lr = 10^-2.327 / 4 = 10^-2.929, and the start is 10^0.254 ≈ 1.8 times below it: reading base_lr there
    // would leave a band of less than a factor 2.
    const steep = X.map((x) => 1 + 1.5 / (1 + Math.exp(12 * (x + 3))) + 5 * Math.max(0, x + 2.5) ** 2);
    const s = suggest(LRS, steep);
    nearLr(s.clr.maxLr, 10 ** -2.929);
    assert.ok(10 ** (-3 - Math.log(9) / 12) > s.clr.maxLr / 3, 'the fall starts within a factor 3 of max_lr');
    close(s.clr.baseLr, s.clr.maxLr / 4);
  });

  it('NaN/Inf tail: cut at the first non-finite loss, which counts as divergence (max_lr = its lr / 4)', () => {
    const losses = X.map((x) => (x > -1.5 ? NaN : fall(x)));
    losses[95] = Infinity;
    const s = suggest(LRS, losses);
    // The loss never turns up before the NaN at point 69 (x = -7 + 8·69/99 ≈ -1.42), so that is the edge (8×
    // past the end of the fall: not a wide basin).
    close(s.clr.maxLr, LRS[69] / 4);
    assert.ok(!s.diagnostics.includes(DIAGNOSTICS.neverDiverged));
    assert.ok(s.confidence >= 0.9);
  });

  it('never diverging: the fall end is still found, with a "raise end_lr" diagnostic and lower confidence', () => {
    const s = suggest(LRS, X.map(fall));
    nearLr(s.clr.maxLr, 10 ** END_X);
    assert.ok(s.diagnostics.includes(DIAGNOSTICS.neverDiverged));
    assert.ok(s.confidence <= 0.6, `confidence ${s.confidence}`);
    const stopped = suggest(LRS, X.map(fall), { diverged: true });
    assert.ok(!stopped.diagnostics.includes(DIAGNOSTICS.neverDiverged), 'the engine says it diverged');
    // Stopped on divergence without a visible turn-up: the last point is the edge, 3.3 decades above the end of
    // the fall, so max_lr is held at 3× the end of the fall rather than the edge / 4.
    nearLr(stopped.clr.maxLr, 3 * 10 ** END_X);
    assert.ok(stopped.diagnostics.some((d) => d.startsWith('the loss stayed at its bottom')), stopped.diagnostics.join('; '));
  });

  it('a wide basin (turn-up more than 15× past the end of the fall): max_lr held at 3× the end of the fall, with a diagnostic', () => {
    // wideU turns up at x = -0.5 + sqrt(0.03) = -0.327, 10^2.01 ≈ 100× past the end of the fall (x = -2.340):
    // turn-up / 4 would be 10^-0.929; the cap puts max_lr at 3·10^-2.340 = 10^-1.863.
    const s = suggest(LRS, X.map(wideU));
    nearLr(s.clr.maxLr, 3 * 10 ** END_X);
    close(s.clr.baseLr, s.clr.maxLr / 4);
    assert.equal(s.diagnostics.length, 1);
    assert.ok(s.diagnostics[0].startsWith('the loss stayed at its bottom from'), s.diagnostics[0]);
    // A clear fall whose max_lr the rule has placed: the basin lowers max_lr, not the confidence.
    assert.ok(s.confidence >= 0.9, `confidence ${s.confidence}`);
  });

  it('flat curve: "never fell", the largest lr tried, near-zero confidence', () => {
    const rand = mulberry32(7);
    const s = suggest(LRS, X.map(() => 2.3 + 0.01 * gaussian(rand)));
    assert.ok(s.diagnostics.includes(DIAGNOSTICS.neverFell));
    assert.equal(s.clr.maxLr, LRS[N - 1]);
    close(s.clr.baseLr, LRS[N - 1] / 4);
    assert.ok(s.confidence <= 0.1);
  });

  it('flat, then diverging: "never fell before it diverged", max_lr a fifth of the divergence', () => {
    const losses = X.map((x) => 2.3 + 5 * Math.max(0, x + 1) ** 2);
    const s = suggest(LRS, losses);
    assert.ok(s.diagnostics.includes(DIAGNOSTICS.neverFellBeforeDiverging));
    // Back above the start by more than 4 smoothed-noise units right after x = -1 (noise is 0 here).
    nearLr(s.clr.maxLr, 10 ** -1 / 5, 0.15);
  });

  it('a dip of 4% before diverging is no fall: read like the flat curve, not from the dip (an 8% dip is a fall)', () => {
    // The dip is a Gaussian bump below a plateau of 2.3 around x = -2; the rise after x = -1 as above.
    const dipped = (depth: number) => X.map((x) => 2.3 * (1 - depth * Math.exp(-(((x + 2) / 0.4) ** 2))) + 5 * Math.max(0, x + 1) ** 2);
    const shallow = suggest(LRS, dipped(0.04));
    assert.ok(shallow.diagnostics.includes(DIAGNOSTICS.neverFellBeforeDiverging), shallow.diagnostics.join('; '));
    close(shallow.clr.maxLr, suggest(LRS, X.map((x) => 2.3 + 5 * Math.max(0, x + 1) ** 2)).clr.maxLr, 0.05);
    const deeper = suggest(LRS, dipped(0.08));
    assert.ok(!deeper.diagnostics.includes(DIAGNOSTICS.neverFellBeforeDiverging), deeper.diagnostics.join('; '));
    assert.ok(deeper.diagnostics.some((d) => d.startsWith('the loss fell only')), deeper.diagnostics.join('; '));
  });

  it('very noisy: "too noisy", lower confidence, bounds still within half a decade of the clean ones', () => {
    const rand = mulberry32(42);
    const clean = suggest(LRS, X.map(uShape));
    const noisy = suggest(LRS, X.map((x) => uShape(x) + 0.6 * gaussian(rand)));
    assert.ok(noisy.diagnostics.includes(DIAGNOSTICS.tooNoisy), noisy.diagnostics.join('; '));
    assert.ok(noisy.confidence < clean.confidence - 0.3, `confidence ${noisy.confidence}`);
    nearLr(noisy.clr.maxLr, clean.clr.maxLr, 0.5);
    nearLr(noisy.clr.baseLr, clean.clr.baseLr, 0.5);
  });

  it('an early spike moves neither bound (the EMA-based rules would be dragged by it)', () => {
    const losses = X.map(uShape);
    losses[3] = 60;
    const s = suggest(LRS, losses);
    const clean = suggest(LRS, X.map(uShape));
    nearLr(s.clr.maxLr, clean.clr.maxLr, 0.05);
    nearLr(s.clr.baseLr, clean.clr.baseLr, 0.05);
  });

  it('a test that starts mid-fall: a diagnostic, base_lr max_lr / 4', () => {
    const lrs = Array.from({ length: N }, (_, i) => 10 ** (-3.2 + (4 * i) / 99));
    const s = suggest(lrs, lrs.map((lr) => uShape(Math.log10(lr))));
    assert.ok(s.diagnostics.includes(DIAGNOSTICS.startUnclear), s.diagnostics.join('; '));
    close(s.clr.baseLr, s.clr.maxLr / 4);
    nearLr(s.clr.maxLr, 10 ** TURN_UP_X / 4);
  });

  it('reports the other finders as their libraries compute them on the same curve', () => {
    const s = suggest(LRS, X.map(uShape));
    assert.deepEqual(s.finders, libraryFinders({ lrs: LRS, losses: X.map(uShape) }));
    assert.notEqual(s.steepest, null);
  });

  it('rejects curves no rule can read, naming the point', () => {
    const ok = X.map(uShape);
    const at = (fn: () => unknown, pattern: RegExp, index?: number): void => {
      assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof CurveError && e instanceof UserError);
        assert.match(e.message, pattern);
        assert.equal(e.index, index);
        return true;
      });
    };
    at(() => suggest(LRS.slice(0, 9), ok.slice(0, 9)), /9 points; at least 10/);
    at(() => suggest(LRS, ok.slice(1)), /100 learning rates but 99 losses/);
    const negative = [...LRS];
    negative[4] = -1;
    at(() => suggest(negative, ok), /learning rate -1 at point 5 is not a positive number/, 4);
    const zero = [...LRS];
    zero[0] = 0;
    at(() => suggest(zero, ok), /at point 1 is not a positive/, 0);
    const unsorted = [...LRS];
    unsorted[20] = unsorted[19];
    at(() => suggest(unsorted, ok), /not increasing at point 21/, 20);
    at(() => suggest(LRS, ok.map(() => NaN)), /every loss is NaN/);
    const early = [...ok];
    early[6] = NaN;
    at(() => suggest(LRS, early), /not finite from point 7, leaving 6 points/, 6);
    assert.throws(() => suggest(LRS, ok, { beta: 1 }), UserError);
  });
});

describe('averageRuns', () => {
  const lrs = [1, 2, 3, 4];
  it('averages runs point by point with their standard deviation', () => {
    const avg = averageRuns([
      { lrs, losses: [1, 2, 3, 4] },
      { lrs, losses: [3, 4, 5, 6] },
    ]);
    assert.deepEqual(avg, { lrs, losses: [2, 3, 4, 5], spread: [1, 1, 1, 1] });
  });
  it('stops where the first run stops or turns NaN (survivors would hide the divergence)', () => {
    const avg = averageRuns([
      { lrs, losses: [1, 2, NaN, 4] },
      { lrs, losses: [3, 4, 5, 6] },
      { lrs: lrs.slice(0, 3), losses: [1, 1, 1] },
    ]);
    assert.deepEqual(avg.lrs, [1, 2]);
    assert.deepEqual(avg.losses, [5 / 3, 7 / 3]);
  });
  it('interpolates runs on another lr grid in log10(lr)', () => {
    const avg = averageRuns([
      { lrs: [1, 10, 100], losses: [1, 1, 1] },
      { lrs: [0.1, 100], losses: [0, 3] },
    ]);
    // log10: second run is linear from (-1, 0) to (2, 3): at 0 → 1, at 1 → 2, at 2 → 3.
    assert.deepEqual(avg.losses, [1, 1.5, 2]);
    assert.deepEqual(avg.spread, [0, 0.5, 1]);
  });
  it('a single run is its own average with zero spread; no runs is an error', () => {
    assert.deepEqual(averageRuns([{ lrs, losses: [4, 3, 2, 1] }]).spread, [0, 0, 0, 0]);
    assert.throws(() => averageRuns([]), UserError);
  });
});
