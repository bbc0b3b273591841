// A hand-fused trainer for the linear and mlp presets in WebAssembly SIMD. TF.js spends most of a small
// network's step on per-op dispatch, tensor bookkeeping, the tape and the loss read-back, and its XNNPACK
// matmuls re-pack the weights every step because they change; here every buffer lives at a fixed place in
// one WASM memory and a step is a dozen calls into our own kernels (simdKernels.ts): no allocation, no copies.
// Widths are padded to the kernels' tile with zero weights that stay zero (their gradients are zero), so
// the results are the unpadded network's. Same model, same initial weights, same update rules as
// LayersTrainer (checked step for step by a unit test).
import { Arena, roundUp } from './flatTraining';
import { batchLoss, LossSpec } from './losses';
import { FlatOptimizer, OptimizerSettings } from './optimizers';
import { GEMM_COLUMNS, GEMM_ROWS, instantiateKernels, SimdKernels } from './simdKernels';
import { Trainer } from './trainer';

interface Layer {
  inputs: number;
  outputs: number;
  /** Padded widths: the row strides of this layer's input and output. */
  inStride: number;
  outStride: number;
  /** Byte addresses. W is inStride × outStride (as TF.js's Dense kernel, padded), b follows it. */
  w: number;
  b: number;
  dw: number;
  db: number;
  /** Wᵀ (outStride × inStride), for the backward product. */
  wT: number;
  /** This layer's output (post-ReLU for hidden layers, logits for the last): rows × outStride. */
  out: number;
  /** Gradient with respect to `out`, then to the pre-activation. */
  grad: number;
}

export class WasmMlpTrainer implements Trainer {
  readonly backend = 'wasm';
  private readonly k: SimdKernels;
  private readonly heap: Float32Array;
  private readonly layers: Layer[];
  private readonly input: number;
  private readonly params: number;
  private readonly count: number;
  private readonly initial: Float32Array;
  private readonly optimizer: FlatOptimizer;

  /**
   * @param sizes layer widths from input to output, e.g. [32, 128, 128, 10]
   * @param initialWeights [W0, b0, W1, b1, …] as TF.js's Dense layers hold them
   */
  constructor(
    sizes: number[],
    initialWeights: Float32Array[],
    private readonly loss: LossSpec,
    optimizer: OptimizerSettings,
    private readonly maxBatch: number,
  ) {
    const padded = sizes.map((s) => roundUp(s, GEMM_COLUMNS));
    const rows = roundUp(maxBatch, GEMM_ROWS);
    // Parameters first and contiguous (W0 b0 W1 b1 …), gradients in the same layout, so that the
    // optimizer is one pass over one vector.
    this.count = padded.slice(1).reduce((sum, o, l) => sum + padded[l] * o + o, 0);
    const arena = new Arena();
    this.params = arena.take(this.count);
    const grads = arena.take(this.count);
    this.input = arena.take(rows * padded[0]);
    let at = 0;
    this.layers = sizes.slice(1).map((outputs, l) => {
      const [inStride, outStride] = [padded[l], padded[l + 1]];
      const w = at;
      at += inStride * outStride * 4;
      const b = at;
      at += outStride * 4;
      return {
        inputs: sizes[l],
        outputs,
        inStride,
        outStride,
        w: this.params + w,
        b: this.params + b,
        dw: grads + w,
        db: grads + b,
        wT: arena.take(inStride * outStride),
        out: arena.take(rows * outStride),
        grad: arena.take(rows * outStride),
      };
    });
    const slots = FlatOptimizer.takeSlots(arena, optimizer, this.count);
    this.k = instantiateKernels(arena.bytes);
    this.optimizer = new FlatOptimizer(this.k, optimizer, this.params, grads, this.count, slots);
    this.heap = new Float32Array(this.k.memory.buffer);
    this.initial = new Float32Array(this.count);
    this.layers.forEach((layer, l) => {
      const w = initialWeights[2 * l];
      const base = (layer.w - this.params) >> 2;
      for (let i = 0; i < layer.inputs; i++) this.initial.set(w.subarray(i * layer.outputs, (i + 1) * layer.outputs), base + i * layer.outStride);
      this.initial.set(initialWeights[2 * l + 1], (layer.b - this.params) >> 2);
    });
    this.reset();
  }

  reset(): void {
    this.heap.set(this.initial, this.params >> 2);
    this.optimizer.reset();
    this.publishWeights();
  }

  /** Wᵀ of every layer that passes a gradient down. */
  private publishWeights(): void {
    for (let l = 1; l < this.layers.length; l++) {
      const layer = this.layers[l];
      this.k.transpose(layer.w, layer.inStride, layer.outStride, layer.wT);
    }
  }

  private forward(x: Float32Array, rows: number): Layer {
    const first = this.layers[0];
    if (first.inputs === first.inStride) {
      this.heap.set(x.subarray(0, rows * first.inputs), this.input >> 2);
    } else {
      for (let r = 0; r < rows; r++) this.heap.set(x.subarray(r * first.inputs, (r + 1) * first.inputs), (this.input >> 2) + r * first.inStride);
    }
    const m = roundUp(rows, GEMM_ROWS);
    let input = this.input;
    const last = this.layers.length - 1;
    this.layers.forEach((layer, l) => {
      this.k.gemm(input, layer.inStride * 4, 4, layer.w, layer.outStride * 4, layer.out, layer.outStride * 4, m, layer.outStride, layer.inputs, layer.b, l < last, false);
      input = layer.out;
    });
    return this.layers[last];
  }

  step(x: Float32Array, y: Float32Array, size: number, lr: number): number {
    const top = this.forward(x, size);
    const loss = batchLoss(this.heap, this.loss, top.out >> 2, top.outStride, y, size, top.grad >> 2);
    this.backward(size);
    this.optimizer.update(lr);
    this.publishWeights();
    return loss;
  }

  private backward(rows: number): void {
    const m = roundUp(rows, GEMM_ROWS);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l];
      const input = l === 0 ? this.input : this.layers[l - 1].out;
      // dW = inputᵀ · grad (the input read transposed), db = Σ_rows grad. Rows past `rows` (the tile's
      // padding) hold stale values and are never summed.
      this.k.gemm(input, 4, layer.inStride * 4, layer.grad, layer.outStride * 4, layer.dw, layer.outStride * 4, layer.inStride, layer.outStride, rows, 0, false, false);
      this.k.colSum(layer.grad, layer.outStride * 4, rows, layer.outStride, layer.db, false);
      if (l > 0) {
        // d(input) = grad · Wᵀ, then through the previous layer's ReLU.
        const below = this.layers[l - 1];
        this.k.gemm(layer.grad, layer.outStride * 4, 4, layer.wT, layer.inStride * 4, below.grad, below.outStride * 4, m, layer.inStride, layer.outputs, 0, false, false);
        this.k.reluMask(below.out, below.grad, m * below.outStride);
      }
    }
  }

  evaluate(x: Float32Array, y: Float32Array, rows: number): number {
    const features = this.layers[0].inputs;
    let total = 0;
    for (let start = 0; start < rows; start += this.maxBatch) {
      const n = Math.min(this.maxBatch, rows - start);
      const top = this.forward(x.subarray(start * features, (start + n) * features), n);
      total += batchLoss(this.heap, this.loss, top.out >> 2, top.outStride, y.subarray(start, start + n), n, -1) * n;
    }
    return total / rows;
  }

  weights(): Float32Array[] {
    return this.layers.flatMap((layer) => {
      const w = new Float32Array(layer.inputs * layer.outputs);
      for (let i = 0; i < layer.inputs; i++) {
        const row = (layer.w >> 2) + i * layer.outStride;
        w.set(this.heap.subarray(row, row + layer.outputs), i * layer.outputs);
      }
      return [w, this.heap.slice(layer.b >> 2, (layer.b >> 2) + layer.outputs)];
    });
  }

  dispose(): void {
    // The memory belongs to this trainer's own WASM instance and goes with it.
  }
}
