import assert from 'node:assert/strict';
import { InMemoryDataset } from '../../../src/data/dataset';
import { DatasetSummary } from '../../../src/core/types';
import { SeededRandom, sampleIndices } from '../../../src/data/random';

function dataset(rows: number, classes = 3): InMemoryDataset {
  const summary: DatasetSummary = {
    path: '/d.csv', format: 'csv', rows, features: 2, featureNames: ['a', 'b'], inputShape: [2], target: 'label',
    task: 'classification', classes: Array.from({ length: classes }, (_, i) => `c${i}`), warnings: [],
  };
  const x = new Float32Array(rows * 2);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    x[i * 2] = i;
    x[i * 2 + 1] = -i;
    y[i] = i % classes;
  }
  return new InMemoryDataset(summary, x, y);
}

describe('InMemoryDataset', () => {
  it('splits deterministically, disjointly, and stratified by class', () => {
    const data = dataset(300);
    const a = data.split(0.2, 7);
    const b = data.split(0.2, 7);
    assert.deepEqual(a.validation.x, b.validation.x);
    assert.equal(a.validation.summary.rows, 60);
    assert.equal(a.train.summary.rows, 240);
    const ids = (d: { x: Float32Array }) => Array.from({ length: d.x.length / 2 }, (_, i) => d.x[i * 2]);
    const all = [...ids(a.train), ...ids(a.validation)].sort((p, q) => p - q);
    assert.deepEqual(all, Array.from({ length: 300 }, (_, i) => i), 'every row exactly once');
    for (let c = 0; c < 3; c++) assert.equal(Array.from(a.validation.y).filter((v) => v === c).length, 20, `class ${c}`);
    for (let i = 0; i < a.train.y.length; i++) assert.equal(a.train.y[i], a.train.x[i * 2] % 3, 'rows keep their labels');
    assert.notDeepEqual(data.split(0.2, 8).validation.x, a.validation.x, 'another seed, another split');
    assert.equal(data.split(0, 1).validation.summary.rows, 0);
    assert.throws(() => data.split(1, 0), RangeError);
  });

  it('yields endless full batches, reshuffled every epoch, the same for the same seed', () => {
    const data = dataset(10);
    const take = (seed: number, n: number) => {
      const it = data.batches(4, seed);
      return Array.from({ length: n }, () => it.next().value!);
    };
    const one = take(3, 10);
    const two = take(3, 10);
    assert.deepEqual(one, two);
    assert.ok(one.every((b) => b.size === 4 && b.x.length === 8 && b.y.length === 4));
    const seen = one.flatMap((b) => Array.from({ length: 4 }, (_, i) => b.x[i * 2]));
    // 40 draws from 10 rows: each epoch of 10 draws holds every row once.
    for (let epoch = 0; epoch < 4; epoch++) assert.deepEqual(seen.slice(epoch * 10, epoch * 10 + 10).sort((p, q) => p - q), Array.from({ length: 10 }, (_, i) => i));
    assert.notDeepEqual(seen.slice(0, 10), seen.slice(10, 20), 'reshuffled');
    for (const b of one) for (let i = 0; i < 4; i++) assert.equal(b.y[i], b.x[i * 2] % 3);
    assert.notDeepEqual(take(4, 1)[0].x, one[0].x);
    assert.deepEqual(take(3, 1)[0].x, one[0].x, 'a fresh iterator restarts the sequence');
    const big = data.batches(25, 1).next().value!;
    assert.equal(big.size, 25, 'a batch larger than the dataset wraps around');
  });

  it('samples indices uniformly without repeats', () => {
    const counts = new Array(20).fill(0);
    for (let s = 0; s < 2000; s++) {
      const idx = sampleIndices(20, 5, new SeededRandom(s, 1));
      assert.equal(new Set(idx).size, 5);
      assert.ok(idx.every((v, i) => i === 0 || v > idx[i - 1]), 'sorted');
      for (const i of idx) counts[i]++;
    }
    for (const c of counts) assert.ok(c > 400 && c < 600, `each index drawn about 500 times, got ${c}`);
  });
});
