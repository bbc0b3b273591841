// Trains any TF.js Layers model (presets and users' models) with TF.js ops on whichever backend is loaded.
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { batchLoss, LossSpec } from './losses';
import { OptimizerSettings, TensorOptimizer } from './optimizers';
import type { Tf } from './tf';
import { Trainer } from './trainer';

/** Rows evaluated per forward pass when computing a validation loss. */
const EVAL_CHUNK = 1024;

export class LayersTrainer implements Trainer {
  private readonly params: Variable[];
  private readonly initial: Tensor[];
  private readonly optimizer: TensorOptimizer;
  private readonly inputShape: number[];

  constructor(
    private readonly tf: Tf,
    private readonly model: LayersModel,
    private readonly loss: LossSpec,
    optimizer: OptimizerSettings,
    readonly backend: string,
  ) {
    this.params = model.trainableWeights.map((w) => w.read() as Variable);
    this.initial = model.getWeights().map((w) => tf.clone(w));
    this.optimizer = new TensorOptimizer(tf, optimizer, this.params);
    this.inputShape = model.inputs[0].shape.slice(1).map((d) => d ?? 1);
  }

  reset(): void {
    this.model.setWeights(this.initial);
    this.optimizer.reset();
  }

  step(x: Float32Array, y: Float32Array, size: number, lr: number): number {
    const tf = this.tf;
    const lossTensor = tf.tidy(() => {
      const xs = tf.tensor(x, [size, ...this.inputShape]);
      const ys = tf.tensor1d(y);
      const { value, grads } = tf.variableGrads(
        () => batchLoss(tf, this.loss, this.model.apply(xs, { training: true }) as Tensor, ys) as never,
        this.params,
      );
      this.optimizer.apply(this.params.map((p) => grads[p.name]), lr);
      return value;
    });
    const loss = lossTensor.dataSync()[0];
    lossTensor.dispose();
    return loss;
  }

  evaluate(x: Float32Array, y: Float32Array, rows: number): number {
    const tf = this.tf;
    const features = x.length / Math.max(rows, 1);
    let total = 0;
    for (let start = 0; start < rows; start += EVAL_CHUNK) {
      const n = Math.min(EVAL_CHUNK, rows - start);
      const lossTensor = tf.tidy(() => {
        const xs = tf.tensor(x.subarray(start * features, (start + n) * features), [n, ...this.inputShape]);
        const ys = tf.tensor1d(y.subarray(start, start + n));
        return batchLoss(tf, this.loss, this.model.predict(xs) as Tensor, ys);
      });
      total += lossTensor.dataSync()[0] * n;
      lossTensor.dispose();
    }
    return total / rows;
  }

  weights(): Float32Array[] {
    return this.model.getWeights().map((w) => w.dataSync() as Float32Array);
  }

  dispose(): void {
    this.optimizer.dispose();
    this.initial.forEach((t) => t.dispose());
    this.model.dispose();
  }
}
