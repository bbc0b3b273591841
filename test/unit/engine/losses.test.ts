// The loss is written twice, in TF.js ops for the Layers path (losses.ts batchLoss, differentiated by TF.js) and
// as a plain loop with its hand-derived gradient for the fused WASM trainers (flatTraining.ts lossOfLogits): a
// single implementation shifted the CNN exactness test past its tolerance (bench/engine/RESULTS.md). This test
// keeps the two the same function: equal value and gradient on the same logits, for every loss kind.

import assert from 'node:assert/strict';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { lossOfLogits } from '../../../src/engine/flatTraining';
import { batchLoss, LossSpec } from '../../../src/engine/losses';
import { loadTf } from '../../../src/engine/tf';

/** A deterministic spread of logits, some large enough that a naive softmax or log(1 + e^-z) would overflow. */
function logits(rows: number, units: number): Float32Array {
  const out = new Float32Array(rows * units);
  let s = 12345;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = (s / 2147483648 - 0.5) * (i % 7 === 0 ? 120 : 6);
  }
  return out;
}

describe('losses: the TF.js and the fused paths compute the same function', () => {
  const cases: Array<{ spec: LossSpec; labels: (r: number) => number }> = [
    { spec: { kind: 'softmax', outputUnits: 5, outputIsProbability: false }, labels: (r) => r % 5 },
    { spec: { kind: 'sigmoid', outputUnits: 1, outputIsProbability: false }, labels: (r) => r % 2 },
    { spec: { kind: 'mse', outputUnits: 1, outputIsProbability: false }, labels: (r) => Math.sin(r) * 3 },
  ];
  for (const { spec, labels } of cases) {
    it(`${spec.kind}: equal loss and gradient with respect to the outputs`, async () => {
      const { tf } = await loadTf('cpu');
      const rows = 37;
      const k = spec.outputUnits;
      const z = logits(rows, k);
      const y = Float32Array.from({ length: rows }, (_, r) => labels(r));
      // The fused trainers' layout: logits at 0, the gradient right after them, row stride k.
      const heap = new Float32Array(2 * rows * k);
      heap.set(z, 0);
      const flatLoss = lossOfLogits(heap, spec, 0, k, y, rows, rows * k);
      const flatGrad = heap.subarray(rows * k);
      const { value, grad } = tf.tidy(() => {
        const ys = tf.tensor1d(y);
        const f = tf.valueAndGrad((out: Tensor) => batchLoss(tf, spec, out, ys) as Scalar);
        const r = f(tf.tensor2d(z, [rows, k]));
        return { value: r.value.dataSync()[0], grad: r.grad.dataSync() as Float32Array };
      });
      assert.ok(Number.isFinite(flatLoss) && flatLoss > 0, `loss ${flatLoss}`);
      assert.ok(Math.abs(flatLoss - value) <= 1e-5 * Math.max(1, Math.abs(value)), `loss: fused ${flatLoss}, TF.js ${value}`);
      const worst = Math.max(...Array.from(grad, (g, i) => Math.abs(g - flatGrad[i])));
      assert.ok(worst <= 1e-6, `gradient: largest difference ${worst}`);
      // The gradient is not trivially zero: it moves the loss.
      assert.ok(Math.max(...Array.from(flatGrad, Math.abs)) > 1e-4);
    });
  }
});
