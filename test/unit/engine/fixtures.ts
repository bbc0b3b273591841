// Small in-memory datasets for the engine's tests, made from a seeded generator.
import { DatasetSummary } from '../../../src/core/types';
import { InMemoryDataset } from '../../../src/data/dataset';
import { SeededRandom } from '../../../src/data/random';
import { DEFAULT_RANGE_TEST_CONFIG, RangeTestConfig } from '../../../src/core/types';

/** Three interleaved spirals in 2-D with `features` − 2 noise columns: learnable, but not linearly. */
export function spiralDataset(rows = 600, classes = 3, features = 2, seed = 1): InMemoryDataset {
  const random = new SeededRandom(seed);
  const x = new Float32Array(rows * features);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const c = i % classes;
    const t = random.next();
    const angle = (c * 2 * Math.PI) / classes + t * 3 + (random.next() - 0.5) * 0.3;
    x[i * features] = t * Math.cos(angle) * 2;
    x[i * features + 1] = t * Math.sin(angle) * 2;
    for (let f = 2; f < features; f++) x[i * features + f] = random.next() - 0.5;
    y[i] = c;
  }
  return new InMemoryDataset(summary('spirals.csv', rows, features, [features], classes), x, y);
}

/** Random images (h × w × 1) whose class is which quadrant is brightest. */
export function imageDataset(rows = 256, side = 12, seed = 2): InMemoryDataset {
  const random = new SeededRandom(seed);
  const features = side * side;
  const x = new Float32Array(rows * features);
  const y = new Float32Array(rows);
  const half = side / 2;
  for (let i = 0; i < rows; i++) {
    const c = i % 4;
    for (let r = 0; r < side; r++) {
      for (let col = 0; col < side; col++) {
        const quadrant = (r < half ? 0 : 2) + (col < half ? 0 : 1);
        x[i * features + r * side + col] = random.next() * 0.5 + (quadrant === c ? 0.5 : 0);
      }
    }
    y[i] = c;
  }
  return new InMemoryDataset(summary('images', rows, features, [side, side, 1], 4), x, y);
}

export function summary(path: string, rows: number, features: number, inputShape: number[], classes: number): DatasetSummary {
  return {
    path,
    format: 'csv',
    rows,
    features,
    featureNames: Array.from({ length: features }, (_, i) => `f${i}`),
    inputShape,
    target: 'label',
    task: classes > 0 ? 'classification' : 'regression',
    classes: Array.from({ length: classes }, (_, i) => `c${i}`),
    warnings: [],
  };
}

export function config(overrides: Partial<RangeTestConfig> = {}): RangeTestConfig {
  return { ...DEFAULT_RANGE_TEST_CONFIG, dataset: '/tmp/spirals.csv', hidden: [16, 16], startLr: 1e-4, endLr: 10, iterations: 60, batchSize: 32, runs: 1, backend: 'wasm', ...overrides };
}
