import * as assert from 'node:assert/strict';
import { addToLossExtremes, emptyLossExtremes, lossAxisRange } from '../../../src/core/lossAxis';

function rangeOf(raw: number[], smoothed: number[]) {
  const e = emptyLossExtremes();
  raw.forEach((r, i) => addToLossExtremes(e, r, smoothed[i]));
  return lossAxisRange(e);
}

describe('loss axis framing', () => {
  it('is undefined until a finite smoothed loss arrives', () => {
    assert.equal(rangeOf([NaN], [NaN]), undefined);
  });

  it('keeps a divergent tail from flattening the curve', () => {
    // Falls from 2.3 to 0.5, then explodes to 1000.
    const smoothed = [2.3, 2.0, 1.2, 0.6, 0.5, 0.9, 40];
    const raw = [2.3, 1.9, 1.0, 0.5, 0.45, 3, 1000];
    const range = rangeOf(raw, smoothed)!;
    // cap = max(2.3 × 1.5, 0.5 × 4) = 3.45; 5% padding above and below, never below zero.
    assert.ok(Math.abs(range.max - (3.45 + (3.45 - 0.45) * 0.05)) < 1e-12, `max ${range.max}`);
    assert.ok(Math.abs(range.min - (0.45 - (3.45 - 0.45) * 0.05)) < 1e-12, `min ${range.min}`);
  });

  it('shows the whole curve when nothing diverged', () => {
    const range = rangeOf([1, 0.8, 0.7], [1, 0.9, 0.8])!;
    assert.ok(range.max >= 1 && range.max < 1.05);
    assert.ok(range.min <= 0.7 && range.min >= 0);
  });

  it('does not start a positive loss axis below zero', () => {
    // A fall to near zero: 5% padding below the minimum would cross zero.
    const range = rangeOf([1, 0.01], [1, 0.02])!;
    assert.equal(range.min, 0);
  });
});
