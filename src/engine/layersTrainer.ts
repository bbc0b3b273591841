// Trains any TF.js Layers model (presets and users' models) with TF.js ops on whichever backend is loaded.
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
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
    let loss = NaN;
    // TF.js differentiates the model; the loss and its gradient on the outputs come from losses.ts, as in
    // the fused trainers.
    const lossOf = tf.customGrad((output) => {
      const out = output as Tensor;
      const { value, gradient } = this.measure(out, y, size, true);
      loss = value;
      return { value: tf.scalar(value), gradFunc: (dy: Tensor) => tf.mul(dy, tf.tensor(gradient, out.shape, 'float32')) };
    });
    tf.tidy(() => {
      const xs = tf.tensor(x, [size, ...this.inputShape]);
      const { grads } = tf.variableGrads(() => lossOf(this.model.apply(xs, { training: true }) as Tensor) as Scalar, this.params);
      this.optimizer.apply(this.params.map((p) => grads[p.name]), lr);
    });
    return loss;
  }

  /** The mean loss of `rows` outputs (and with `withGradient` its gradient on them), by losses.ts. */
  private measure(output: Tensor, y: Float32Array, rows: number, withGradient: boolean): { value: number; gradient: Float32Array } {
    const k = this.loss.outputUnits;
    const heap = new Float32Array((withGradient ? 2 : 1) * rows * k);
    heap.set(output.dataSync() as Float32Array);
    const value = batchLoss(heap, this.loss, 0, k, y, rows, withGradient ? rows * k : -1);
    return { value, gradient: heap.subarray(rows * k) };
  }

  evaluate(x: Float32Array, y: Float32Array, rows: number): number {
    const tf = this.tf;
    const features = x.length / Math.max(rows, 1);
    let total = 0;
    for (let start = 0; start < rows; start += EVAL_CHUNK) {
      const n = Math.min(EVAL_CHUNK, rows - start);
      const output = tf.tidy(() => this.model.predict(tf.tensor(x.subarray(start * features, (start + n) * features), [n, ...this.inputShape])) as Tensor);
      total += this.measure(output, y.subarray(start, start + n), n, false).value * n;
      output.dispose();
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
