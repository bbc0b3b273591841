// The loss, value and gradient, is one function (losses.ts batchLoss) that both training paths run: the
// fused trainers on their memory, TF.js Layers through a custom gradient. So no comparison of the two paths
// can see a mistake in it; this test holds it to the definitions: known values, the mean over rows, and a
// gradient that is the derivative of the value (central differences), for every loss kind.

import assert from 'node:assert/strict';
import { batchLoss, LossSpec } from '../../../src/engine/losses';

/** A deterministic spread of values in [lo, hi); every 7th ×20 when `spread` (a naive softmax or log(1 + e^-z) would overflow). */
function values(n: number, lo: number, hi: number, spread = false): Float32Array {
  const out = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = (lo + (s / 2147483648) * (hi - lo)) * (spread && i % 7 === 0 ? 20 : 1);
  }
  return out;
}

const spec = (kind: LossSpec['kind'], outputUnits: number, outputIsProbability = false): LossSpec => ({ kind, outputUnits, outputIsProbability });

/** The loss alone. */
const lossOf = (s: LossSpec, outputs: Float32Array, labels: Float32Array) => batchLoss(Float32Array.from(outputs), s, 0, s.outputUnits, labels, labels.length, -1);

describe('losses: one implementation, held to its definition', () => {
  it('known values: ln k for equal logits, ln 2 at logit 0, squared error, −ln p of probabilities', () => {
    const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);
    near(lossOf(spec('softmax', 4), new Float32Array(8).fill(3), Float32Array.of(0, 3)), Math.log(4), 'softmax');
    near(lossOf(spec('sigmoid', 1), Float32Array.of(0, 0), Float32Array.of(0, 1)), Math.log(2), 'sigmoid');
    near(lossOf(spec('mse', 1), Float32Array.of(1, -2), Float32Array.of(0, 1)), (1 + 9) / 2, 'mse');
    near(lossOf(spec('softmax', 2, true), Float32Array.of(0.75, 0.25, 0.5, 0.5), Float32Array.of(1, 0)), -(Math.log(0.25) + Math.log(0.5)) / 2, 'softmax probabilities');
    near(lossOf(spec('sigmoid', 1, true), Float32Array.of(0.75, 0.25), Float32Array.of(1, 1)), -(Math.log(0.75) + Math.log(0.25)) / 2, 'sigmoid probability');
    // A saturated probability gives Keras's clipped, finite loss.
    near(lossOf(spec('sigmoid', 1, true), Float32Array.of(0), Float32Array.of(1)), -Math.log(1e-7), 'clipped');
    // Huge logits: no overflow.
    near(lossOf(spec('softmax', 2), Float32Array.of(1000, -1000), Float32Array.of(1)), 2000, 'softmax, large logits');
    near(lossOf(spec('sigmoid', 1), Float32Array.of(-1000), Float32Array.of(1)), 1000, 'sigmoid, large logit');
  });

  it('the mean over rows: a batch of copies of one row has that row\'s loss', () => {
    for (const s of [spec('softmax', 3), spec('sigmoid', 1), spec('mse', 1), spec('softmax', 3, true)]) {
      const row = s.outputIsProbability ? Float32Array.of(0.2, 0.3, 0.5) : values(s.outputUnits, -2, 2);
      const one = lossOf(s, row, Float32Array.of(1));
      const five = new Float32Array(5 * s.outputUnits).map((_, i) => row[i % s.outputUnits]);
      assert.ok(Math.abs(lossOf(s, five, new Float32Array(5).fill(1)) - one) < 1e-12, `${s.kind}: ${one}`);
    }
  });

  const cases: Array<{ spec: LossSpec; outputs: Float32Array; labels: (r: number) => number }> = [
    { spec: spec('softmax', 5), outputs: values(37 * 5, -3, 3, true), labels: (r) => r % 5 },
    { spec: spec('sigmoid', 1), outputs: values(37, -3, 3, true), labels: (r) => r % 2 },
    { spec: spec('mse', 1), outputs: values(37, -3, 3, true), labels: (r) => Math.sin(r) * 3 },
    { spec: spec('softmax', 5, true), outputs: values(37 * 5, 0.05, 0.95), labels: (r) => r % 5 },
    { spec: spec('sigmoid', 1, true), outputs: values(37, 0.05, 0.95), labels: (r) => r % 2 },
  ];
  for (const { spec: s, outputs, labels } of cases) {
    it(`${s.kind}${s.outputIsProbability ? ' on probabilities' : ''}: the gradient is the derivative of the loss`, () => {
      const rows = outputs.length / s.outputUnits;
      const y = Float32Array.from({ length: rows }, (_, r) => labels(r));
      // Layout of the fused trainers: outputs at 0, the gradient right after them, row stride outputUnits.
      const heap = new Float32Array(2 * outputs.length);
      heap.set(outputs);
      const loss = batchLoss(heap, s, 0, s.outputUnits, y, rows, outputs.length);
      assert.ok(Number.isFinite(loss) && loss > 0, `loss ${loss}`);
      assert.deepEqual(heap.subarray(0, outputs.length), outputs, 'the outputs are left as they were');
      const gradient = heap.subarray(outputs.length);
      let largest = 0;
      for (let i = 0; i < outputs.length; i++) {
        // Central differences over steps that float32 holds exactly.
        const moved = Float32Array.from(outputs);
        moved[i] = outputs[i] + 1e-3;
        const up = moved[i] - outputs[i];
        const above = lossOf(s, moved, y);
        moved[i] = outputs[i] - 1e-3;
        const down = outputs[i] - moved[i];
        const derivative = (above - lossOf(s, moved, y)) / (up + down);
        assert.ok(Math.abs(gradient[i] - derivative) <= 1e-6 + 1e-3 * Math.abs(derivative), `d loss / d output ${i}: ${gradient[i]} vs ${derivative}`);
        largest = Math.max(largest, Math.abs(gradient[i]));
      }
      assert.ok(largest > 1e-3, 'the gradient is not trivially zero');
    });
  }
});
