// What the fused trainers share: a bump allocator over the kernels' memory, and the loss with its gradient
// on the logits.
import { LossSpec } from './losses';

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
 * writes d(loss)/d(logits) there (same stride, only the first `units` columns). The same function as losses.ts
 * `batchLoss` on logits (test/unit/engine/losses.test.ts compares value and gradient).
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

/** x rounded up to a multiple of m. */
export const roundUp = (x: number, m: number): number => Math.ceil(x / m) * m;
