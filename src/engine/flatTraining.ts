// What the fused trainers share: a bump allocator over the kernels' memory, the loss with its gradient on
// the logits, and the optimizer over one flat parameter vector. The update rules are LayersTrainer's
// (TensorOptimizer), computed in float32 like TF.js.
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, OptimizerSettings, RMSPROP_ALPHA, RMSPROP_EPSILON, slotCount } from './optimizers';
import { LossSpec } from './losses';
import { SGD_MODE, SimdKernels } from './simdKernels';

/** Hands out 16-byte aligned float arrays (by byte address) from the start of a memory. */
export class Arena {
  private top = 64; // address 0 stays unused, so that 0 can mean "none" to the kernels

  /** Reserves `floats` floats, zero-filled (fresh memory is zero). */
  take(floats: number): number {
    const at = this.top;
    this.top += Math.ceil((floats * 4) / 16) * 16;
    return at;
  }

  get bytes(): number {
    return this.top;
  }
}

/**
 * Mean loss of `rows` rows of logits (row stride `stride` floats, at float index z); with `g` ≥ 0 also
 * writes d(loss)/d(logits) there (same stride, only the first `units` columns).
 */
export function lossOfLogits(heap: Float32Array, loss: LossSpec, z: number, stride: number, y: Float32Array, rows: number, g: number): number {
  const k = loss.outputUnits;
  let total = 0;
  if (loss.kind === 'softmax') {
    for (let r = 0; r < rows; r++) {
      const row = z + r * stride;
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, heap[row + c]);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(heap[row + c] - max);
      const label = y[r];
      total += Math.log(sum) + max - heap[row + label];
      if (g >= 0) {
        const out = g + r * stride;
        for (let c = 0; c < k; c++) heap[out + c] = (Math.exp(heap[row + c] - max) / sum - (c === label ? 1 : 0)) / rows;
      }
    }
  } else if (loss.kind === 'sigmoid') {
    for (let r = 0; r < rows; r++) {
      const v = heap[z + r * stride];
      total += Math.max(v, 0) - v * y[r] + Math.log1p(Math.exp(-Math.abs(v)));
      if (g >= 0) heap[g + r * stride] = (1 / (1 + Math.exp(-v)) - y[r]) / rows;
    }
  } else {
    for (let r = 0; r < rows; r++) {
      const d = heap[z + r * stride] - y[r];
      total += d * d;
      if (g >= 0) heap[g + r * stride] = (2 * d) / rows;
    }
  }
  return total / rows;
}

/** The optimizer over a flat parameter vector and its gradient, both in the kernels' memory. */
export class FlatOptimizer {
  private t = 0;

  /** `params`, `grads`, `slots`: byte addresses of `count` floats (a multiple of 4) each. */
  constructor(
    private readonly k: SimdKernels,
    private readonly settings: OptimizerSettings,
    private readonly params: number,
    private readonly grads: number,
    private readonly count: number,
    private readonly slots: number[],
  ) {}

  /** Takes the optimizer's state slots for `count` parameters from the arena. */
  static takeSlots(arena: Arena, settings: OptimizerSettings, count: number): number[] {
    return Array.from({ length: slotCount(settings.name) }, () => arena.take(count));
  }

  reset(): void {
    const heap = new Float32Array(this.k.memory.buffer);
    for (const s of this.slots) heap.fill(0, s >> 2, (s >> 2) + this.count);
    this.t = 0;
  }

  update(lr: number): void {
    const { name, momentum: mu, weightDecay: wd } = this.settings;
    this.t += 1;
    if (name === 'sgd' || name === 'momentum' || name === 'nesterov') {
      this.k.sgdUpdate(this.params, this.grads, this.slots[0] ?? 0, this.count, lr, mu, wd, SGD_MODE[name]);
      return;
    }
    const heap = new Float32Array(this.k.memory.buffer);
    const n = this.count;
    const p = heap.subarray(this.params >> 2, (this.params >> 2) + n);
    const g = heap.subarray(this.grads >> 2, (this.grads >> 2) + n);
    const [s0, s1] = this.slots.map((s) => heap.subarray(s >> 2, (s >> 2) + n));
    if (wd !== 0 && name !== 'adamw') for (let i = 0; i < n; i++) g[i] += wd * p[i];
    if (name === 'rmsprop') {
      for (let i = 0; i < n; i++) {
        s0[i] = RMSPROP_ALPHA * s0[i] + (1 - RMSPROP_ALPHA) * g[i] * g[i];
        p[i] -= (lr * g[i]) / (Math.sqrt(s0[i]) + RMSPROP_EPSILON);
      }
      return;
    }
    const c1 = 1 - ADAM_BETA1 ** this.t;
    const c2 = 1 - ADAM_BETA2 ** this.t;
    const decay = name === 'adamw' ? 1 - lr * wd : 1;
    for (let i = 0; i < n; i++) {
      s0[i] = ADAM_BETA1 * s0[i] + (1 - ADAM_BETA1) * g[i];
      s1[i] = ADAM_BETA2 * s1[i] + (1 - ADAM_BETA2) * g[i] * g[i];
      p[i] = p[i] * decay - (lr * (s0[i] / c1)) / (Math.sqrt(s1[i] / c2) + ADAM_EPSILON);
    }
  }
}

/** x rounded up to a multiple of m. */
export const roundUp = (x: number, m: number): number => Math.ceil(x / m) * m;
