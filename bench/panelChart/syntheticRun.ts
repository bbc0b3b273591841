// A realistic range-test curve (flat, falling, then diverging) with noise, as a RangeTestResult the panel's
// validators accept. Used by the chart benchmark and the panel preview page.
import { smoothLosses } from '../../src/core/smoothing';
import { suggest } from '../../src/core/suggest';
import { DEFAULT_RANGE_TEST_CONFIG, type RangeTestResult } from '../../src/core/types';
import { mulberry32 } from '../../test/support/seededRandom';

export function syntheticRun(points: number, seed = 1): RangeTestResult {
  const random = mulberry32(seed);
  const startLr = 1e-7;
  const endLr = 10;
  const lrs: number[] = [];
  const losses: number[] = [];
  for (let i = 0; i < points; i++) {
    const lr = startLr * (endLr / startLr) ** (i / (points - 1));
    const x = Math.log10(lr);
    // 2.3 until ~1e-4, falling to ~0.4 around 1e-1, exploding beyond 1.
    const fall = 1.9 / (1 + Math.exp(-(x + 2.6) * 2.2));
    const rise = Math.exp((x - 0.1) * 3.2);
    const loss = 2.3 - fall + rise;
    lrs.push(lr);
    losses.push(loss * (1 + (random() - 0.5) * 0.25));
  }
  const smoothed = smoothLosses(losses, 0.98);
  const suggestion = suggest(lrs, losses, { diverged: false });
  return {
    backend: 'synthetic',
    config: { ...DEFAULT_RANGE_TEST_CONFIG, dataset: '/data/spirals.csv', iterations: points },
    dataset: {
      path: '/data/spirals.csv',
      format: 'csv',
      rows: 6000,
      features: 2,
      featureNames: ['x', 'y'],
      inputShape: [2],
      target: 'label',
      task: 'classification',
      classes: ['0', '1', '2'],
      warnings: [],
    },
    lrs,
    losses,
    smoothed: smoothed.concat(new Array(Math.max(0, points - smoothed.length)).fill(NaN)),
    stopReason: 'completed',
    stoppedAt: points - 1,
    stepsPerSecond: 160,
    suggestion,
  };
}
