// Which loss a range test minimises follows from the task and the number of classes.
import { DatasetSummary } from '../core/types';
import type { Tf } from './tf';
import type { Tensor } from '@tensorflow/tfjs-core';

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
// finite loss rather than Infinity.
const EPSILON = 1e-7;

/**
 * Mean loss of a batch. `labels` holds class indices (as floats) for classification and target values
 * for regression, shape [batch]. The fused trainers compute the same function on logits with its gradient in
 * flatTraining.ts `lossOfLogits` (kept apart for exactness, see bench/engine/RESULTS.md); the unit test
 * test/unit/engine/losses.test.ts holds the two equal.
 */
export function batchLoss(tf: Tf, spec: LossSpec, output: Tensor, labels: Tensor): Tensor {
  return tf.tidy(() => {
    const batch = output.shape[0] as number;
    if (spec.kind === 'mse') {
      return tf.mean(tf.square(tf.sub(tf.reshape(output, [batch]), labels)));
    }
    if (spec.kind === 'sigmoid') {
      const z = tf.reshape(output, [batch]);
      if (spec.outputIsProbability) {
        const p = tf.clipByValue(z, EPSILON, 1 - EPSILON);
        return tf.neg(tf.mean(tf.add(tf.mul(labels, tf.log(p)), tf.mul(tf.sub(1, labels), tf.log(tf.sub(1, p))))));
      }
      // max(z, 0) − z·y + log(1 + e^−|z|): the overflow-free form of cross-entropy on logits.
      return tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, labels)), tf.log1p(tf.exp(tf.neg(tf.abs(z))))));
    }
    const oneHot = tf.oneHot(tf.cast(labels, 'int32'), spec.outputUnits);
    const logProbs = spec.outputIsProbability ? tf.log(tf.clipByValue(output, EPSILON, 1 - EPSILON)) : tf.logSoftmax(output);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbs), 1)));
  });
}
