import * as assert from 'node:assert/strict';
import { addToLossExtremes, distinctTickLabels, emptyLossExtremes, lossAxisRange } from '../../../src/core/lossAxis';

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

  it('labels a narrow loss range with distinct ticks', () => {
    // A flat curve: chart.js picks ticks 0.0005 apart, which three significant digits turned into "1.09" five times.
    assert.deepEqual(distinctTickLabels([1.0885, 1.089, 1.0895, 1.09, 1.0905]), ['1.0885', '1.0890', '1.0895', '1.0900', '1.0905']);
    assert.deepEqual(distinctTickLabels([0, 0.5, 1, 1.5, 2]), ['0', '0.5', '1.0', '1.5', '2.0']);
    assert.deepEqual(distinctTickLabels([1, 2, 3]), ['1', '2', '3']);
    assert.deepEqual(distinctTickLabels([20000, 40000]), ['2.0e+4', '4.0e+4']);
  });
});
