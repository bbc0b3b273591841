// The optimizers' rules exist once (kernels/optimizers.ts, driven by FlatOptimizer) and both training paths
// run them, so the fused-vs-Layers comparisons cannot see a mistake in them. This test holds them to
// PyTorch's documented update rules (torch.optim), written out here in float64, over several steps with a
// learning rate that changes every step, as in a range test.
import assert from 'node:assert/strict';
import { OPTIMIZERS, OptimizerName } from '../../../src/core/types';
import { SeededRandom } from '../../../src/data/random';
import { Arena } from '../../../src/engine/flatTraining';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, FlatOptimizer, RMSPROP_ALPHA, RMSPROP_EPSILON } from '../../../src/engine/optimizers';
import { instantiateKernels } from '../../../src/engine/simdKernels';

/** One step of torch.optim's rule for `name` on plain arrays (state: one or two buffers), in float64. */
function torchStep(name: OptimizerName, p: number[], g: number[], state: number[][], t: number, lr: number, mu: number, wd: number): void {
  for (let i = 0; i < p.length; i++) {
    let grad = g[i] + (name === 'adamw' ? 0 : wd * p[i]);
    if (name === 'sgd') {
      p[i] -= lr * grad;
    } else if (name === 'momentum' || name === 'nesterov') {
      state[0][i] = mu * state[0][i] + grad;
      p[i] -= lr * (name === 'nesterov' ? grad + mu * state[0][i] : state[0][i]);
    } else if (name === 'rmsprop') {
      state[0][i] = RMSPROP_ALPHA * state[0][i] + (1 - RMSPROP_ALPHA) * grad * grad;
      p[i] -= (lr * grad) / (Math.sqrt(state[0][i]) + RMSPROP_EPSILON);
    } else {
      if (name === 'adamw') p[i] *= 1 - lr * wd;
      state[0][i] = ADAM_BETA1 * state[0][i] + (1 - ADAM_BETA1) * grad;
      state[1][i] = ADAM_BETA2 * state[1][i] + (1 - ADAM_BETA2) * grad * grad;
      const mHat = state[0][i] / (1 - ADAM_BETA1 ** t);
      const vHat = state[1][i] / (1 - ADAM_BETA2 ** t);
      grad = mHat / (Math.sqrt(vHat) + ADAM_EPSILON);
      p[i] -= lr * grad;
    }
  }
}

describe('optimizers: the update rules are PyTorch\'s', () => {
  for (const name of OPTIMIZERS as readonly OptimizerName[]) {
    it(`${name}, momentum 0.9, weight decay 0.05, five steps at changing learning rates`, () => {
      const count = 12;
      const settings = { name, momentum: 0.9, weightDecay: 0.05 };
      const arena = new Arena();
      const [params, grads] = [arena.take(count), arena.take(count)];
      const slots = FlatOptimizer.takeSlots(arena, settings, count);
      const k = instantiateKernels(arena.bytes);
      const heap = new Float32Array(k.memory.buffer);
      const optimizer = new FlatOptimizer(k, settings, params, grads, count, slots);
      const random = new SeededRandom(11);
      const p = Array.from({ length: count }, () => random.next() * 2 - 1);
      heap.set(p, params >> 2);
      p.forEach((v, i) => (p[i] = heap[(params >> 2) + i])); // the float32 start values
      const state = [new Array<number>(count).fill(0), new Array<number>(count).fill(0)];
      const lrs = [1e-3, 1e-2, 0.1, 0.03, 0.3];
      lrs.forEach((lr, step) => {
        // Gradients away from zero, so that float32 and float64 take the same adaptive steps; a sign that changes.
        const g = Array.from({ length: count }, (_, i) => Math.fround((0.1 + random.next()) * (i % 3 === step % 3 ? -1 : 1)));
        heap.set(g, grads >> 2);
        optimizer.update(lr);
        torchStep(name, p, g, state, step + 1, lr, 0.9, 0.05);
        p.forEach((expected, i) => {
          const actual = heap[(params >> 2) + i];
          assert.ok(Math.abs(actual - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), `step ${step + 1}, weight ${i}: ${actual} vs PyTorch's ${expected}`);
        });
      });
    });
  }
});
