// The optimizers of a range test, written out rather than taken from tf.train: the learning rate changes
// every step (tf.train's SGD and momentum cache it, see the perf notes), AdamW's decoupled weight decay is
// not in tf.train, and the update rules here follow PyTorch's so that curves compare with PyTorch's.
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { OptimizerName } from '../core/types';
import type { Tf } from './tf';

export interface OptimizerSettings {
  name: OptimizerName;
  /** Momentum of 'momentum' and 'nesterov'. */
  momentum: number;
  /** L2 penalty added to the gradient, except for AdamW where it is decoupled. */
  weightDecay: number;
}

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;
export const RMSPROP_ALPHA = 0.99;
export const RMSPROP_EPSILON = 1e-8;

/** Number of state slots per parameter an optimizer keeps. */
export function slotCount(name: OptimizerName): number {
  switch (name) {
    case 'sgd':
      return 0;
    case 'momentum':
    case 'nesterov':
    case 'rmsprop':
      return 1;
    case 'adam':
    case 'adamw':
      return 2;
  }
}

/** An optimizer over TF.js variables, for any backend. */
export class TensorOptimizer {
  private readonly slots: Variable[][];
  private t = 0;

  constructor(
    private readonly tf: Tf,
    private readonly settings: OptimizerSettings,
    private readonly params: Variable[],
  ) {
    this.slots = params.map((p) => Array.from({ length: slotCount(settings.name) }, () => tf.variable(tf.zerosLike(p), false)));
  }

  /** Back to the state before the first step. */
  reset(): void {
    this.t = 0;
    for (const slots of this.slots) for (const s of slots) s.assign(this.tf.zerosLike(s));
  }

  /** Applies one update with these gradients (same order as the parameters). */
  apply(grads: Tensor[], lr: number): void {
    const tf = this.tf;
    const { name, momentum: mu, weightDecay: wd } = this.settings;
    this.t += 1;
    const t = this.t;
    tf.tidy(() => {
      this.params.forEach((w, i) => {
        let g = grads[i];
        if (wd !== 0 && name !== 'adamw') g = tf.add(g, tf.mul(w, wd));
        const slots = this.slots[i];
        switch (name) {
          case 'sgd':
            w.assign(tf.sub(w, tf.mul(g, lr)));
            break;
          case 'momentum': {
            const v = tf.add(tf.mul(slots[0], mu), g);
            slots[0].assign(v);
            w.assign(tf.sub(w, tf.mul(v, lr)));
            break;
          }
          case 'nesterov': {
            const v = tf.add(tf.mul(slots[0], mu), g);
            slots[0].assign(v);
            w.assign(tf.sub(w, tf.mul(tf.add(g, tf.mul(v, mu)), lr)));
            break;
          }
          case 'rmsprop': {
            const s = tf.add(tf.mul(slots[0], RMSPROP_ALPHA), tf.mul(tf.square(g), 1 - RMSPROP_ALPHA));
            slots[0].assign(s);
            w.assign(tf.sub(w, tf.div(tf.mul(g, lr), tf.add(tf.sqrt(s), RMSPROP_EPSILON))));
            break;
          }
          case 'adam':
          case 'adamw': {
            const base = name === 'adamw' && wd !== 0 ? tf.mul(w, 1 - lr * wd) : w;
            const m = tf.add(tf.mul(slots[0], ADAM_BETA1), tf.mul(g, 1 - ADAM_BETA1));
            const v = tf.add(tf.mul(slots[1], ADAM_BETA2), tf.mul(tf.square(g), 1 - ADAM_BETA2));
            slots[0].assign(m);
            slots[1].assign(v);
            const mHat = tf.div(m, 1 - ADAM_BETA1 ** t);
            const vHat = tf.div(v, 1 - ADAM_BETA2 ** t);
            w.assign(tf.sub(base, tf.div(tf.mul(mHat, lr), tf.add(tf.sqrt(vHat), ADAM_EPSILON))));
            break;
          }
        }
      });
    });
  }

  dispose(): void {
    for (const slots of this.slots) for (const s of slots) s.dispose();
  }
}
