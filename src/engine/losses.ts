// Which loss a range test minimises follows from the task and the number of classes, and the loss itself:
// one implementation, value and gradient, that both training paths run (the fused trainers on their WASM
// memory, TF.js Layers through a custom gradient in layersTrainer.ts).
import { DatasetSummary } from '../core/types';

/** softmax: softmax cross-entropy over k ≥ 2 logits; sigmoid: binary cross-entropy on 1 logit; mse. */
export type LossKind = 'softmax' | 'sigmoid' | 'mse';

export interface LossSpec {
  kind: LossKind;
  /** Units of the model's last layer. */
  outputUnits: number;
  /** True when the model already ends in softmax/sigmoid (a user's model), so outputs are probabilities. */
  outputIsProbability: boolean;
}

/** The loss and output width a preset model gets for this data. */
export function lossForData(summary: DatasetSummary): LossSpec {
  if (summary.task === 'regression') return { kind: 'mse', outputUnits: 1, outputIsProbability: false };
  const k = summary.classes.length;
  if (k <= 2) return { kind: 'sigmoid', outputUnits: 1, outputIsProbability: false };
  return { kind: 'softmax', outputUnits: k, outputIsProbability: false };
}

// Probabilities are clipped before the log, as Keras does, so that a saturated output gives a large
// finite loss rather than Infinity; where the clip binds, the gradient is zero (as the clip's).
const EPSILON = 1e-7;
const clip = (p: number) => Math.min(Math.max(p, EPSILON), 1 - EPSILON);
const clipSlope = (p: number) => (p >= EPSILON && p <= 1 - EPSILON ? 1 : 0);

/**
 * Mean loss of `rows` rows of outputs (row stride `stride` floats, at float index `z` of `heap`), in float64;
 * with `g` ≥ 0 also writes d(loss)/d(outputs) there (same stride, only the first `outputUnits` columns).
 * `labels` holds class indices (as floats) for classification and target values for regression.
 */
export function batchLoss(heap: Float32Array, spec: LossSpec, z: number, stride: number, labels: Float32Array, rows: number, g: number): number {
  const k = spec.outputUnits;
  let total = 0;
  if (spec.kind === 'softmax') {
    for (let r = 0; r < rows; r++) {
      const row = z + r * stride;
      const label = labels[r];
      const out = g + r * stride;
      if (spec.outputIsProbability) {
        const p = heap[row + label];
        total -= Math.log(clip(p));
        if (g >= 0) for (let c = 0; c < k; c++) heap[out + c] = c === label ? -clipSlope(p) / clip(p) / rows : 0;
        continue;
      }
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, heap[row + c]);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(heap[row + c] - max);
      total += Math.log(sum) + max - heap[row + label];
      if (g >= 0) for (let c = 0; c < k; c++) heap[out + c] = (Math.exp(heap[row + c] - max) / sum - (c === label ? 1 : 0)) / rows;
    }
  } else if (spec.kind === 'sigmoid') {
    for (let r = 0; r < rows; r++) {
      const v = heap[z + r * stride];
      const y = labels[r];
      if (spec.outputIsProbability) {
        const p = clip(v);
        total -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
        if (g >= 0) heap[g + r * stride] = (clipSlope(v) * ((1 - y) / (1 - p) - y / p)) / rows;
        continue;
      }
      // max(v, 0) − v·y + log(1 + e^−|v|): the overflow-free form of cross-entropy on logits.
      total += Math.max(v, 0) - v * y + Math.log1p(Math.exp(-Math.abs(v)));
      if (g >= 0) heap[g + r * stride] = (1 / (1 + Math.exp(-v)) - y) / rows;
    }
  } else {
    for (let r = 0; r < rows; r++) {
      const d = heap[z + r * stride] - labels[r];
      total += d * d;
      if (g >= 0) heap[g + r * stride] = (2 * d) / rows;
    }
  }
  return total / rows;
}
