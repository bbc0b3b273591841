// Several seeds: the median curve, the runs' averaged reads, their interval and the confidence it feeds.

import assert from 'node:assert/strict';
import { medianRuns } from '../../../src/core/averageRuns';
import { libraryFinders } from '../../../src/core/lrFinderRules';
import { recordedSweep, suggestFromRecordedRuns, suggestFromRuns, SEED_SPREAD_LIMIT } from '../../../src/core/runsSuggestion';
import { DIAGNOSTICS, DOUBTFUL_CONFIDENCE, suggest } from '../../../src/core/suggest';
import { runsBudget, sweepBudget } from '../../../src/engine/rangeTest';
import { mulberry32 } from '../../support/seededRandom';

const N = 200;
const LRS = Array.from({ length: N }, (_, i) => 10 ** (-6 + (7 * i) / (N - 1)));

/** Plateau 2.5, a fall centred at 1e-3, floor 1, and a blow-up from `turnUp`; multiplicative noise. */
function run(seed: number, turnUp: number, noise = 0.02): { lrs: number[]; losses: number[]; diverged: boolean } {
  const random = mulberry32(seed);
  const losses = LRS.map((lr) => {
    const x = Math.log10(lr);
    return (1 + 1.5 / (1 + Math.exp(4 * (x + 3))) + Math.max(0, x - Math.log10(turnUp)) * 6) * (1 + noise * (random() - 0.5) * 2);
  });
  return { lrs: LRS, losses, diverged: true };
}

describe('medianRuns', () => {
  it('is the pointwise median, with the lowest and highest run as the band', () => {
    const lrs = [1, 2, 3];
    const m = medianRuns([
      { lrs, losses: [3, 2, 1] },
      { lrs, losses: [5, 1, 2] },
      { lrs, losses: [4, 3, 0] },
    ]);
    assert.deepEqual(m.losses, [4, 2, 1]);
    assert.deepEqual(m.low, [3, 1, 0]);
    assert.deepEqual(m.high, [5, 3, 2]);
  });

  it('a stopped run counts as +∞: the median goes on while more than half the runs are finite', () => {
    const lrs = [1, 2, 3, 4];
    const m = medianRuns([
      { lrs, losses: [1, 1, 1, 1] },
      { lrs: lrs.slice(0, 3), losses: [2, 2, 2] },
      { lrs, losses: [3, 3, NaN, NaN] },
    ]);
    // Point 3: runs 1 and 2 finite → median of 1, 2, +∞ = 2. Point 4: only run 1 → stop.
    assert.deepEqual(m.lrs, [1, 2, 3]);
    assert.deepEqual(m.losses, [2, 2, 2]);
    assert.deepEqual(m.high, [3, 3, 2]);
  });
});

describe('suggestFromRuns: the median curve and the seed interval', () => {
  it("averages the runs' own reads (geometric mean) and brackets them with the resampled interval", () => {
    const runs = [0, 1, 2, 3, 4].map((seed) => run(seed, 0.3));
    const s = suggestFromRuns(runs, { seed: 3 });
    const reads = runs.map((r) => suggest(r.lrs, r.losses, { diverged: true }).clr.maxLr);
    const geometricMean = Math.exp(reads.reduce((a, v) => a + Math.log(v), 0) / reads.length);
    assert.ok(Math.abs(s.clr.maxLr / geometricMean - 1) < 1e-12, `${s.clr.maxLr} = ${geometricMean}`);
    assert.equal(s.oneCycle.maxLr, s.clr.maxLr);
    assert.ok(s.clr.baseLr < s.clr.maxLr);
    const [lo, hi] = s.clr.maxLrRange ?? [NaN, NaN];
    assert.ok(lo <= s.clr.maxLr && s.clr.maxLr <= hi);
    assert.ok(hi / lo <= SEED_SPREAD_LIMIT, `agreeing seeds: a narrow interval (${lo}..${hi})`);
    assert.ok(s.confidence >= 0.7, `confidence ${s.confidence}`);
    assert.deepEqual(suggestFromRuns(runs, { seed: 3 }), s, 'the same seed resamples the same way');
  });

  it('more runs move the suggestion less: reruns of 16 runs agree about twice as closely as reruns of 4', () => {
    // Each run turns up somewhere around 0.3 (lognormal, σ 0.5 in ln, as one run's seed moves it in bench/stability).
    const draw = mulberry32(99);
    const turnUp = () => 0.3 * Math.exp(0.5 * Math.sqrt(-2 * Math.log(1 - draw())) * Math.cos(2 * Math.PI * draw()));
    const rerunSpread = (runsPerTest: number): number => {
      const suggestions = Array.from({ length: 12 }, (_, test) =>
        Math.log(suggestFromRuns(Array.from({ length: runsPerTest }, (_, i) => run(1000 * test + i, turnUp())), { seed: test }).clr.maxLr),
      );
      const mean = suggestions.reduce((a, v) => a + v, 0) / suggestions.length;
      return Math.sqrt(suggestions.reduce((a, v) => a + (v - mean) ** 2, 0) / (suggestions.length - 1));
    };
    const four = rerunSpread(4);
    const sixteen = rerunSpread(16);
    assert.ok(sixteen < 0.65 * four, `σ of ln max_lr across reruns: 16 runs ${sixteen.toFixed(3)}, 4 runs ${four.toFixed(3)}`);
  });

  it('seeds that disagree widen the interval, cap the confidence and say so', () => {
    // The turn-up moves by 30× between seeds.
    const runs = [0.01, 0.03, 0.1, 0.3, 1, 0.02].map((turnUp, seed) => run(seed, turnUp));
    const s = suggestFromRuns(runs, { seed: 0 });
    const [lo, hi] = s.clr.maxLrRange ?? [NaN, NaN];
    assert.ok(hi / lo > SEED_SPREAD_LIMIT, `${lo}..${hi}`);
    assert.ok(s.confidence <= DOUBTFUL_CONFIDENCE);
    assert.ok(s.diagnostics.some((d) => d.startsWith(DIAGNOSTICS.seedsDisagree(lo, hi, 6).slice(0, 20))), s.diagnostics.join('; '));
  });

  it('a test that trained many epochs before the turn-up gets a diagnostic and a confidence below 0.7', () => {
    const runs = [0, 1, 2].map((seed) => run(seed, 0.3));
    const few = suggestFromRuns(runs, { seed: 0, stepsPerEpoch: 50 });
    const many = suggestFromRuns(runs, { seed: 0, stepsPerEpoch: 2 });
    assert.ok(!few.diagnostics.some((d) => d.includes('epochs')));
    assert.ok(many.diagnostics.some((d) => /trained \d+ epochs before the loss turned up/.test(d)), many.diagnostics.join('; '));
    assert.ok(many.confidence < 0.7);
  });

  it('from recorded runs: the other finders come from the first run, as its library would have run it', () => {
    const runs = [0, 1, 2].map((seed) => run(seed, 0.3));
    const recorded = runs.map((r, i) => ({ losses: i === 0 ? r.losses.slice(0, 150) : r.losses, stopReason: i === 0 ? ('non-finite' as const) : ('completed' as const) }));
    const s = suggestFromRecordedRuns(recorded, LRS, { seed: 0 });
    const sweep = recordedSweep(recorded[0], LRS);
    assert.equal(sweep.losses.length, 151);
    assert.ok(Number.isNaN(sweep.losses[150]));
    assert.equal(sweep.iterations, N);
    assert.deepEqual(s.finders, libraryFinders(sweep));
  });
});

describe('sweepBudget', () => {
  it('about 20 epochs, within 100..200 iterations', () => {
    assert.equal(sweepBudget(300, 64), 100, 'tiny table: 5 steps per epoch, the 100-step floor (20 epochs)');
    assert.equal(sweepBudget(640, 64), 200, '10 steps per epoch → 200');
    assert.equal(sweepBudget(100_000, 64), 200);
    assert.equal(sweepBudget(20, 64), 100, 'fewer rows than a batch: one step per epoch');
  });
  it('a sweep the epoch cap shortened runs proportionally more seeds, the same steps in all', () => {
    assert.equal(runsBudget(5, 200), 5, 'full length: the runs asked for');
    assert.equal(runsBudget(5, 100), 10, 'the 300-row table: 10 runs of 100 steps');
    assert.equal(runsBudget(5, 140), 7);
    assert.equal(runsBudget(15, 100), 20, 'never more than MAX_RUNS');
    assert.equal(runsBudget(5, 1000), 5, 'a longer sweep never runs fewer seeds');
  });
});
