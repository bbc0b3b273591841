// The other finders as their libraries compute them: rules pinned on curves worked out by hand, and the
// whole pipeline (recording, trimming, rule) against a Python transcription of the libraries run with
// numpy and torch (test/support/lr_finder_oracle.py).

import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  fastaiMinimum,
  fastaiRecorder,
  fastaiSlide,
  fastaiSteep,
  fastaiValley,
  fastaiWindow,
  libraryFinders,
  lightningRecorder,
  lightningSuggestion,
  numpyGradient,
  paddedRawLosses,
  torchLrFinderRecorder,
  torchLrFinderSteepest,
} from '../../../src/core/lrFinderRules';
import { suggest } from '../../../src/core/suggest';
import type { LibraryFinders } from '../../../src/core/types';
import { runPythonJson } from '../../support/pythonOracle';
import { mulberry32 } from '../../support/seededRandom';

const close = (actual: number | null, expected: number, tol = 1e-12): void => {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol * Math.abs(expected), `${actual} ≈ ${expected}`);
};
const expLrs = (n: number, from = -7, to = 1): number[] => Array.from({ length: n }, (_, i) => 10 ** (from + ((to - from) * i) / (n - 1)));
const indexLrs = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('numpyGradient (numpy.gradient / torch.gradient, edge_order 1)', () => {
  it('central differences inside, one-sided at the ends (unit spacing)', () => {
    assert.deepEqual(numpyGradient([1, 4, 9, 16]), [3, 4, 6, 7]);
  });
  it('three-point weights on uneven coordinates', () => {
    // f = x² at x = 0, 1, 3: exact 2 at x = 1; ends (1-0)/1 and (9-1)/2.
    const g = numpyGradient([0, 1, 9], [0, 1, 3]);
    close(g[0], 1);
    close(g[1], 2);
    close(g[2], 4);
  });
});

describe('the libraries’ recordings', () => {
  it('fastai: bias-corrected β 0.98, records the diverging point, stops at num_it', () => {
    const r = fastaiRecorder(3);
    r.push(2);
    close(r.values[0], 2, 1e-12); // (0.02·2) / (1 - 0.98)
    r.push(2);
    r.push(2);
    assert.equal(r.stopped, true, 'num_it reached');
    const d = fastaiRecorder(100);
    [1, 1, 1, 1000].forEach((l) => d.push(l));
    // 4th value: (0.98³·0.02 + … + 0.02·1000) / (1 - 0.98⁴) ≈ 253 > 4 × 1.
    assert.equal(d.values.length, 4);
    assert.equal(d.stopped, true);
  });

  it('torch-lr-finder: EMA 0.05 started at the first loss, no bias correction, 5× stop', () => {
    const r = torchLrFinderRecorder();
    [10, 0, 0].forEach((l) => r.push(l));
    close(r.values[1], 9.5);
    close(r.values[2], 9.025);
    const d = torchLrFinderRecorder();
    [1, 100].forEach((l) => d.push(l)); // 0.05·100 + 0.95 = 5.95 > 5
    assert.equal(d.stopped, true);
  });

  it('Lightning: bias correction with β^(global_step + 1), global_step 1 on the first batch', () => {
    const r = lightningRecorder();
    r.push(2);
    // (0.02·2) / (1 - 0.98²) = 2 / 1.98: Lightning's first value is about half the loss.
    close(r.values[0], 2 / 1.98);
    // It stops on 4× that best, i.e. about 2× the first loss, from the second step on.
    const d = lightningRecorder();
    [1, 1, 1, 1, 1, 30].forEach((l) => d.push(l));
    assert.equal(d.stopped, true);
    assert.equal(d.values.length, 6);
  });

  it('a NaN stops none of them; the sweep is padded with NaN to the requested iterations', () => {
    assert.deepEqual(paddedRawLosses({ lrs: [1, 2, 3], losses: [1, NaN], iterations: 5 }).map(String), ['1', 'NaN', 'NaN', 'NaN', 'NaN']);
    assert.deepEqual(paddedRawLosses({ lrs: [1, 2, 3], losses: [1, 2], iterations: 5 }), [1, 2], 'no padding without a breakdown');
    for (const recorder of [fastaiRecorder(10), torchLrFinderRecorder(), lightningRecorder()]) {
      [1, 1, NaN, NaN].forEach((l) => recorder.push(l));
      assert.equal(recorder.stopped, false);
    }
  });
});

describe('fastai rules (on the window lr_find hands them)', () => {
  it('the window is recorded[num_it//10 : -5], cut at the first NaN; num_it is the requested iterations', () => {
    const lrs = indexLrs(50);
    const w = fastaiWindow(lrs, lrs.map((v) => 100 - v), 50);
    assert.equal(w.lrs[0], 6);
    assert.equal(w.lrs.at(-1), 45);
    // A run stopped early (30 recorded of 200 asked): the start is 200//10 = 20, not 30//10.
    assert.equal(fastaiWindow(lrs, lrs.slice(0, 30), 200).lrs[0], 21);
    const cut = fastaiWindow(lrs, lrs.map((v) => (v >= 30 ? NaN : 100 - v)), 50);
    assert.equal(cut.lrs.at(-1), 29);
    assert.equal(fastaiWindow(lrs, lrs.slice(0, 8), 50).lrs.length, 0, 'short run: empty window');
  });

  it('minimum: the lr at the lowest loss / 10; none on an empty window', () => {
    assert.equal(fastaiMinimum([1, 2, 3, 4], [5, 3, 1, 2]), 3 / 10);
    assert.equal(fastaiMinimum([], []), null);
  });

  it('steep: forward differences against ln(lr), the lr at the left end of the steepest step', () => {
    // Slopes against ln(lr): -0.5, -1.5, -0.1, and -1 (a drop of 2 over two ln-units) → the second step,
    // which starts at lr e.
    const lrs = [1, Math.E, Math.E ** 2, Math.E ** 3, Math.E ** 5];
    assert.equal(fastaiSteep(lrs, [5, 4.5, 3, 2.9, 0.9]), Math.E);
    assert.equal(fastaiSteep([1], [1]), null);
  });

  it('valley: middle of the longest decreasing subsequence, with fastai’s start index', () => {
    // LDS 3, 2.9, 2.5, 2, 1.5, 1, 0.8, 0.7 ends at 10 with length 8; start = 10 - 8 = 2;
    // idx = 2 + ⌊8/3⌋ + ⌊8/6⌋ = 5.
    const losses = [3, 3, 3, 3, 2.9, 2.5, 2, 1.5, 1, 0.8, 0.7, 0.9, 2];
    assert.equal(fastaiValley(indexLrs(losses.length), losses), 6);
    // 2, 1: start = 1 - 2 = -1 → idx -1, the last element in Python.
    assert.equal(fastaiValley([1, 2, 3], [2, 1, 3]), 3);
    // Constant loss: no descent, idx 0.
    assert.equal(fastaiValley([1, 2, 3], [1, 1, 1]), 1);
    assert.equal(fastaiValley([], []), null);
  });

  it('valley: the same index as fastai’s O(n²) double loop on any curve, ties, NaN and infinities included', () => {
    // fastai's loop, transcribed as it is: what the O(n log n) version must reproduce.
    const fastaiLoop = (losses: number[]): number => {
      const lds = losses.map(() => 1);
      let [maxStart, maxEnd] = [0, 0];
      for (let i = 1; i < losses.length; i++) {
        for (let j = 0; j < i; j++) {
          if (losses[i] < losses[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
          if (lds[maxEnd] < lds[i]) [maxEnd, maxStart] = [i, i - lds[i]];
        }
      }
      const sections = (maxEnd - maxStart) / 3;
      return maxStart + Math.trunc(sections) + Math.trunc(sections / 2);
    };
    const level = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom(NaN, Infinity, -Infinity, -0), fc.double({ min: -3, max: 3, noNaN: true }));
    fc.assert(
      fc.property(fc.array(level, { minLength: 1, maxLength: 60 }), (losses) => {
        const lrs = indexLrs(losses.length);
        assert.equal(fastaiValley(lrs, losses), lrs.at(fastaiLoop(losses)));
      }),
      { numRuns: 2000, seed: 12 },
    );
  });

  it('slide: walks left until gradients 15 points apart agree within 0.005; null below 16 points', () => {
    const lin = Array.from({ length: 25 }, (_, i) => 2 - i / 25);
    assert.equal(fastaiSlide(indexLrs(25), lin), 10);
    // Flat, then 1 + 0.02(i-19)²: the walk goes on while the right gradient exceeds 0.005, to right = 18,
    // left = 3; the last left point kept was 4 → lrs[4].
    const curve = Array.from({ length: 30 }, (_, i) => (i < 19 ? 1 : 1 + 0.02 * (i - 19) ** 2));
    assert.equal(fastaiSlide(indexLrs(30), curve), 5);
    assert.equal(fastaiSlide(indexLrs(15), lin.slice(0, 15)), null);
  });
});

describe('torch-lr-finder and Lightning rules', () => {
  it('torch-lr-finder: argmin of np.gradient over the index, 10 first and 5 last points skipped', () => {
    const lrs = expLrs(30);
    // Falls 1 per step, 6 from 19 to 20 and 3 from 20 to 21: central differences -3.5, -4.5, -2 → point 20.
    const losses = lrs.map((_, i) => (i <= 19 ? -i : i === 20 ? -25 : -i - 7));
    assert.equal(torchLrFinderSteepest(lrs, losses), lrs[20]);
    assert.equal(torchLrFinderSteepest(lrs, losses.map((v, i) => (i < 5 ? v + 50 : v))), lrs[20], 'a cliff in the skipped start is ignored');
    assert.equal(torchLrFinderSteepest(lrs, losses.slice(0, 16)), null, 'one point left: np.gradient raises');
    // NaN tail: numpy's argmin takes the first NaN gradient, one point before the first NaN loss.
    assert.equal(torchLrFinderSteepest(lrs, losses.map((v, i) => (i >= 18 ? NaN : v))), lrs[17]);
  });

  it('Lightning: gradient against lr itself, skips (10, 1), drops non-finite points', () => {
    // A linear sweep with lrs 1..20 and a loss that falls 1 per step but 3 from 14 to 15: the three-point
    // gradients are -2 at 14 and 15, -1 elsewhere → the first, 14 (lr 15).
    const lrs = indexLrs(20);
    const losses = lrs.map((_, i) => (i <= 14 ? -i : -i - 2));
    assert.equal(lightningSuggestion(lrs, losses), 15);
    // A NaN and an infinity inside the window are dropped, not cut at.
    const holed = losses.map((v, i) => (i === 12 ? NaN : i === 17 ? Infinity : v));
    assert.equal(lightningSuggestion(lrs, holed), 15);
    assert.equal(lightningSuggestion(lrs.slice(0, 12), losses.slice(0, 12)), null, 'fewer than 2 points');
  });
});

describe('libraryFinders: each library on the same raw sweep', () => {
  it('constant loss: fastai valley/steep at the window start, minimum the first /10; no divergence', () => {
    const lrs = expLrs(100);
    const f = libraryFinders({ lrs, losses: lrs.map(() => 1) });
    const first = Math.fround(lrs[10]);
    assert.equal(f.fastai.valley, first);
    assert.equal(f.fastai.minimum, first / 10);
  });

  it('a run cut short of 16 window points gives null where the library raises', () => {
    const lrs = expLrs(20);
    const f = libraryFinders({ lrs, losses: lrs.map((_, i) => 2 - i / 40) });
    assert.equal(f.fastai.slide, null);
    assert.equal(f.torchLrFinder.steepest !== null, true);
    const tiny = libraryFinders({ lrs: lrs.slice(0, 5), losses: lrs.slice(0, 5).map(() => 1) });
    assert.deepEqual(tiny, { fastai: { valley: null, slide: null, minimum: null, steep: null }, torchLrFinder: { steepest: null }, lightning: { suggestion: null } });
  });

  it('suggest() reports them under finders and in the legacy top-level fields', () => {
    const lrs = expLrs(100);
    const losses = lrs.map((lr) => 1 + 1.5 / (1 + Math.exp(4 * (Math.log10(lr) + 3))) + (lr > 0.3 ? (lr - 0.3) * 5 : 0));
    const s = suggest(lrs, losses);
    assert.deepEqual(s.finders, libraryFinders({ lrs, losses }));
    assert.equal(s.steepest, s.finders?.torchLrFinder.steepest);
    assert.equal(s.valley, s.finders?.fastai.valley);
    assert.equal(s.minimum, s.finders?.fastai.minimum);
    assert.equal(s.slide, s.finders?.fastai.slide);
  });
});

interface OracleCase {
  name: string;
  lrs: number[];
  losses: number[];
  iterations: number;
}

/** Curves of the kinds range tests produce, with noise; raw per-batch losses as float32 values. */
function oracleCases(): OracleCase[] {
  const rand = mulberry32(1207);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const cases: OracleCase[] = [];
  for (let k = 0; k < 24; k++) {
    const iterations = [60, 100, 100, 200, 300][k % 5];
    const linear = k % 7 === 3;
    const lrs = linear ? Array.from({ length: iterations }, (_, i) => 1e-3 + (2 - 1e-3) * (i / (iterations - 1))) : expLrs(iterations, -7 + rand(), 1);
    const centre = -4 + 3 * rand();
    const plateau = 0.5 + 3 * rand();
    const floor = plateau * (0.05 + 0.5 * rand());
    const noise = 0.01 + 0.08 * rand();
    let losses = lrs.map((lr) => {
      const x = Math.log10(lr);
      const fall = floor + (plateau - floor) / (1 + Math.exp(3 * (x - centre)));
      const blowUp = Math.exp(2.5 * (x - centre - 1.5));
      return Math.fround(Math.max(1e-4, (fall + blowUp) * (1 + noise * gauss())));
    });
    const kind = k % 6;
    if (kind === 1) losses = losses.map((v, i) => (i >= Math.floor(iterations * 0.7) ? NaN : v)); // NaN tail
    if (kind === 2) losses = losses.slice(0, Math.floor(iterations * (0.3 + 0.5 * rand()))); // stopped early
    if (kind === 3) losses = losses.map((v, i) => (i === Math.floor(iterations * 0.8) ? Infinity : i > iterations * 0.8 ? NaN : v));
    if (kind === 4 && k < 12) losses = losses.map(() => Math.fround(2 + noise * gauss() * 0.01)); // about constant
    if (k === 23) losses = losses.slice(0, 14); // short run
    cases.push({ name: `case ${k}`, lrs, losses, iterations });
  }
  return cases;
}

describe('libraryFinders against the Python transcription of the libraries (numpy + torch)', function () {
  this.timeout(120_000);
  const cases = oracleCases();
  let oracle: LibraryFinders[];
  const encode = (v: number) => (Number.isFinite(v) ? v : String(v).replace('Infinity', 'inf').toLowerCase());

  before(() => {
    oracle = runPythonJson<LibraryFinders[]>('lr_finder_oracle.py', cases.map((c) => ({ ...c, losses: c.losses.map(encode) })));
  });

  it('agrees on every value of every case (relative 1e-6: float32 tensors on their side)', () => {
    const mismatches: string[] = [];
    cases.forEach((c, k) => {
      const ours = libraryFinders(c);
      const theirs = oracle[k];
      const pairs: Array<[string, number | null, number | null]> = [
        ['fastai.valley', ours.fastai.valley, theirs.fastai.valley],
        ['fastai.slide', ours.fastai.slide, theirs.fastai.slide],
        ['fastai.minimum', ours.fastai.minimum, theirs.fastai.minimum],
        ['fastai.steep', ours.fastai.steep, theirs.fastai.steep],
        ['torchLrFinder.steepest', ours.torchLrFinder.steepest, theirs.torchLrFinder.steepest],
        ['lightning.suggestion', ours.lightning.suggestion, theirs.lightning.suggestion],
      ];
      for (const [name, a, b] of pairs) {
        const same = a === null || b === null ? a === b : Math.abs(a - b) <= 1e-6 * Math.abs(b);
        if (!same) mismatches.push(`${c.name} ${name}: ours ${a}, library ${b}`);
      }
    });
    assert.deepEqual(mismatches, []);
  });

  it('covers NaN tails, early stops, a linear sweep, near-constant and short runs, and some nulls', () => {
    assert.ok(cases.some((c) => c.losses.some(Number.isNaN)));
    assert.ok(cases.some((c) => c.losses.length < c.iterations && c.losses.every(Number.isFinite)));
    assert.ok(oracle.some((o) => o.fastai.slide === null));
  });
});
