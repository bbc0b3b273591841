// The optimizers of a range test, written out rather than taken from tf.train: the learning rate changes
// every step (tf.train's SGD and momentum cache it, see the perf notes), AdamW's decoupled weight decay is
// not in tf.train, and the update rules here follow PyTorch's so that curves compare with PyTorch's.
// The rules themselves exist once, as WASM kernels (kernels/optimizers.ts) over a flat parameter vector:
// the fused trainers run them on their own memory (FlatOptimizer), TF.js Layers on a copy of its
// variables (TensorOptimizer), so both training paths update weights with the same float32 operations.
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { OptimizerName } from '../core/types';
import { Arena, roundUp } from './flatTraining';
import { instantiateKernels, SGD_MODE, SimdKernels } from './simdKernels';
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
    const [p, g, n] = [this.params, this.grads, this.count];
    this.t += 1;
    switch (name) {
      case 'sgd':
      case 'momentum':
      case 'nesterov':
        this.k.sgdUpdate(p, g, this.slots[0] ?? 0, n, lr, mu, wd, SGD_MODE[name]);
        return;
      case 'rmsprop':
        this.k.rmspropUpdate(p, g, this.slots[0], n, lr, wd, RMSPROP_ALPHA, RMSPROP_EPSILON);
        return;
      case 'adam':
      case 'adamw': {
        const [l2, decay] = name === 'adamw' ? [0, 1 - lr * wd] : [wd, 1];
        const [c1, c2] = [1 - ADAM_BETA1 ** this.t, 1 - ADAM_BETA2 ** this.t];
        this.k.adamUpdate(p, g, this.slots[0], this.slots[1], n, lr, l2, decay, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, c1, c2);
        return;
      }
    }
  }
}

/**
 * An optimizer over TF.js variables, for any backend: each step copies the gradients into a kernel
 * memory that holds the weights and the optimizer's state, runs FlatOptimizer there, and assigns the new
 * weights back to the variables.
 */
export class TensorOptimizer {
  private readonly heap: Float32Array;
  private readonly flat: FlatOptimizer;
  /** Float index of each variable's weights in the kernels' memory; its gradient is `gradOffset` later. */
  private readonly at: number[];
  private readonly gradOffset: number;

  constructor(
    private readonly tf: Tf,
    settings: OptimizerSettings,
    private readonly params: Variable[],
  ) {
    // Each variable starts on a 16-byte boundary, so its padding is part of the flat vector: zero
    // weights with zero gradients, which every rule leaves at zero.
    const count = params.reduce((sum, w) => sum + roundUp(w.size, 4), 0);
    const arena = new Arena();
    const weights = arena.take(count);
    const grads = arena.take(count);
    const slots = FlatOptimizer.takeSlots(arena, settings, count);
    const k = instantiateKernels(arena.bytes);
    this.heap = new Float32Array(k.memory.buffer);
    this.flat = new FlatOptimizer(k, settings, weights, grads, count, slots);
    let offset = weights >> 2;
    this.at = params.map((w) => {
      const at = offset;
      offset += roundUp(w.size, 4);
      return at;
    });
    this.gradOffset = (grads - weights) >> 2;
    this.reset();
  }

  /** Back to the state before the first step, from the variables' current values. */
  reset(): void {
    this.flat.reset();
    this.params.forEach((w, i) => this.heap.set(w.dataSync() as Float32Array, this.at[i]));
  }

  /** Applies one update with these gradients (same order as the parameters). */
  apply(grads: Tensor[], lr: number): void {
    grads.forEach((g, i) => this.heap.set(g.dataSync() as Float32Array, this.at[i] + this.gradOffset));
    this.flat.update(lr);
    this.params.forEach((w, i) => {
      const values = this.tf.tensor(this.heap.slice(this.at[i], this.at[i] + w.size), w.shape, 'float32');
      w.assign(values);
      values.dispose();
    });
  }

  dispose(): void {
    // The kernels' memory belongs to this optimizer's own WASM instance and goes with it.
  }
}
