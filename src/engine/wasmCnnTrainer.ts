// A hand-fused trainer for the cnn preset — conv(3×3,16)-ReLU-maxpool(2)-conv(3×3,32)-ReLU-maxpool(2)-
// dense — in WebAssembly SIMD, the image counterpart of WasmMlpTrainer. Convolutions are matrix products
// over their input patches (im2col), so forward, filter gradient and input gradient all run on the same
// register-tiled kernel; pooling, its gradient and the ReLU mask are one pass each. Everything lives at
// fixed places in one WASM memory: a step makes a few hundred kernel calls and allocates nothing.
// The batch goes through both convolutions image by image (IMAGES_PER_PIECE): each pass then finds its
// input in L1/L2, where the batch-wide patches (2–4 MB each) came from memory, and the patches are made
// again for the backward pass rather than kept. Sums over the batch (filter and bias gradients)
// continue from piece to piece in the same order, so the results are the same to the bit.
// Same model, initial weights and update rules as LayersTrainer (checked step for step by a unit test).
import { Arena, roundUp } from './flatTraining';
import { batchLoss, LossSpec } from './losses';
import { FlatOptimizer, OptimizerSettings } from './optimizers';
import { GEMM_COLUMNS, GEMM_ROWS, instantiateKernels, SimdKernels } from './simdKernels';
import { Trainer } from './trainer';

const KS = 3;
const C1 = 16;
const C2 = 32;
/** Rows of patches per filter-gradient product: a piece of both operands stays in cache for all tiles. */
const GRADIENT_ROWS = 256;
/**
 * Images per piece of the batch: a piece's patches, activations and gradients (≈ 0.3 MB per 28×28 image)
 * stay in cache together. On W2 one image per piece measured 6 % less CPU time per step than whole
 * batches, two or four images 2–3 % (bench/engine/RESULTS.md).
 */
const IMAGES_PER_PIECE = 1;

/** Byte addresses of a weight and its gradient. */
interface Param {
  at: number;
  grad: number;
}

export class WasmCnnTrainer implements Trainer {
  readonly backend = 'wasm';
  private readonly k: SimdKernels;
  private readonly heap: Float32Array;
  private readonly optimizer: FlatOptimizer;
  private readonly initial: Float32Array;
  private readonly params: number;
  private readonly count: number;
  // Shapes (NHWC, per image): input h×w×c0, conv1 h1×w1×16, pool1 p1h×p1w×16, conv2 h2×w2×32, pool2 → flat.
  // A convolution's outputs are computed only where the 2×2 pooling after it reads them: an odd last row
  // or column is dropped (28×28 images: conv2's 11×11 becomes 10×10, 17 % less work), which is exact
  // because nothing downstream reads those values and their gradient is zero.
  private readonly h: number;
  private readonly w: number;
  private readonly c0: number;
  private readonly h1: number;
  private readonly w1: number;
  private readonly p1h: number;
  private readonly p1w: number;
  private readonly h2: number;
  private readonly w2: number;
  private readonly flat: number;
  private readonly k1: number; // patch length of conv1 (9·c0), and its padded row length
  private readonly k1p: number;
  private readonly k2 = KS * KS * C1;
  private readonly units: number;
  private readonly unitsP: number;
  private readonly W: Param[]; // conv1 kernel, bias, conv2 kernel, bias, dense kernel, bias
  private readonly x: number;
  private readonly cols1: number;
  private readonly a1: number;
  private readonly pool1: number;
  private readonly cols2: number;
  private readonly a2: number;
  private readonly pool2: number;
  private readonly logits: number;
  private readonly dLogits: number;
  private readonly dPool2: number;
  private readonly dA2: number;
  private readonly dCols2: number;
  private readonly dPool1: number;
  private readonly dA1: number;
  private readonly w2T: number;
  private readonly w3T: number;

  /**
   * @param inputShape [height, width, channels] of an image
   * @param initialWeights the Layers model's weights: conv1 kernel [3,3,c,16], bias, conv2 kernel, bias, dense kernel, bias
   */
  constructor(
    inputShape: number[],
    initialWeights: Float32Array[],
    private readonly loss: LossSpec,
    optimizer: OptimizerSettings,
    private readonly maxBatch: number,
  ) {
    [this.h, this.w, this.c0] = inputShape;
    const pooled = (size: number) => (size - KS + 1) & ~1;
    this.h1 = pooled(this.h);
    this.w1 = pooled(this.w);
    this.p1h = this.h1 >> 1;
    this.p1w = this.w1 >> 1;
    this.h2 = pooled(this.p1h);
    this.w2 = pooled(this.p1w);
    this.flat = (this.h2 >> 1) * (this.w2 >> 1) * C2;
    this.k1 = KS * KS * this.c0;
    this.k1p = roundUp(this.k1, GEMM_ROWS);
    this.units = loss.outputUnits;
    this.unitsP = roundUp(this.units, GEMM_COLUMNS);
    const arena = new Arena();
    const sizes = [this.k1p * C1, C1, this.k2 * C2, C2, this.flat * this.unitsP, this.unitsP];
    this.count = sizes.reduce((a, b) => a + b, 0);
    this.params = arena.take(this.count);
    const grads = arena.take(this.count);
    let offset = 0;
    this.W = sizes.map((size) => {
      const p = { at: this.params + offset, grad: grads + offset };
      offset += size * 4;
      return p;
    });
    // Batch-wide: the input, and what the backward pass reads of the forward's (activations, poolings).
    // One piece: the patches and the gradients that only their own piece needs. Heights and widths of
    // both convolutions' outputs are even, so a piece's rows are a multiple of the gemm's tile.
    const rows = roundUp(maxBatch, GEMM_ROWS);
    const piece = Math.min(IMAGES_PER_PIECE, maxBatch);
    this.x = arena.take(maxBatch * this.h * this.w * this.c0);
    this.cols1 = arena.take(piece * this.h1 * this.w1 * this.k1p);
    this.a1 = arena.take(maxBatch * this.h1 * this.w1 * C1);
    this.pool1 = arena.take(maxBatch * this.p1h * this.p1w * C1);
    this.cols2 = arena.take(piece * this.h2 * this.w2 * this.k2);
    this.a2 = arena.take(maxBatch * this.h2 * this.w2 * C2);
    this.pool2 = arena.take(rows * this.flat);
    this.logits = arena.take(rows * this.unitsP);
    this.dLogits = arena.take(rows * this.unitsP);
    this.dPool2 = arena.take(rows * this.flat);
    this.dA2 = arena.take(piece * this.h2 * this.w2 * C2);
    this.dCols2 = arena.take(piece * this.h2 * this.w2 * this.k2);
    this.dPool1 = arena.take(piece * this.p1h * this.p1w * C1);
    this.dA1 = arena.take(piece * this.h1 * this.w1 * C1);
    this.w2T = arena.take(this.k2 * C2);
    this.w3T = arena.take(this.flat * this.unitsP);
    const slots = FlatOptimizer.takeSlots(arena, optimizer, this.count);
    this.k = instantiateKernels(arena.bytes);
    this.heap = new Float32Array(this.k.memory.buffer);
    this.optimizer = new FlatOptimizer(this.k, optimizer, this.params, grads, this.count, slots);
    this.initial = new Float32Array(this.count);
    const place = (p: Param, values: Float32Array, rowsOf: number, cols: number, stride: number) => {
      const base = (p.at - this.params) >> 2;
      for (let r = 0; r < rowsOf; r++) this.initial.set(values.subarray(r * cols, (r + 1) * cols), base + r * stride);
    };
    place(this.W[0], initialWeights[0], this.k1, C1, C1);
    place(this.W[1], initialWeights[1], 1, C1, C1);
    place(this.W[2], initialWeights[2], this.k2, C2, C2);
    place(this.W[3], initialWeights[3], 1, C2, C2);
    place(this.W[4], initialWeights[4], this.flat, this.units, this.unitsP);
    place(this.W[5], initialWeights[5], 1, this.units, this.unitsP);
    this.reset();
  }

  reset(): void {
    this.heap.set(this.initial, this.params >> 2);
    this.optimizer.reset();
    this.publishWeights();
  }

  /** The transposed kernels that the input-gradient products read. */
  private publishWeights(): void {
    this.k.transpose(this.W[2].at, this.k2, C2, this.w2T);
    this.k.transpose(this.W[4].at, this.flat, this.unitsP, this.w3T);
  }

  private zero(at: number, floats: number): void {
    this.heap.fill(0, at >> 2, (at >> 2) + floats);
  }

  /** Byte addresses of image `first` in the batch-wide buffers. */
  private at(first: number) {
    return {
      x: this.x + first * this.h * this.w * this.c0 * 4,
      a1: this.a1 + first * this.h1 * this.w1 * C1 * 4,
      pool1: this.pool1 + first * this.p1h * this.p1w * C1 * 4,
      a2: this.a2 + first * this.h2 * this.w2 * C2 * 4,
      pool2: this.pool2 + first * this.flat * 4,
      dPool2: this.dPool2 + first * this.flat * 4,
    };
  }

  private forward(x: Float32Array, batch: number): void {
    const k = this.k;
    this.heap.set(x.subarray(0, batch * this.h * this.w * this.c0), this.x >> 2);
    for (let first = 0; first < batch; first += IMAGES_PER_PIECE) {
      const n = Math.min(IMAGES_PER_PIECE, batch - first);
      const at = this.at(first);
      k.im2col(at.x, n, this.h, this.w, this.c0, KS, this.h1, this.w1, this.cols1, this.k1p);
      k.gemm(this.cols1, this.k1p * 4, 4, this.W[0].at, C1 * 4, at.a1, C1 * 4, n * this.h1 * this.w1, C1, this.k1, this.W[1].at, true, false);
      k.maxPool(at.a1, n, this.h1, this.w1, C1, at.pool1);
      k.im2col(at.pool1, n, this.p1h, this.p1w, C1, KS, this.h2, this.w2, this.cols2, this.k2);
      k.gemm(this.cols2, this.k2 * 4, 4, this.W[2].at, C2 * 4, at.a2, C2 * 4, n * this.h2 * this.w2, C2, this.k2, this.W[3].at, true, false);
      k.maxPool(at.a2, n, this.h2, this.w2, C2, at.pool2);
    }
    k.gemm(this.pool2, this.flat * 4, 4, this.W[4].at, this.unitsP * 4, this.logits, this.unitsP * 4, roundUp(batch, GEMM_ROWS), this.unitsP, this.flat, this.W[5].at, false, false);
  }

  /** dW (rows × n) = Σ over `m` patch rows of patchesᵀ · grad (added to dW with `accumulate`), in cache-sized pieces. */
  private filterGradient(cols: number, rowLength: number, rowsOut: number, grad: number, n: number, m: number, dw: number, accumulate: boolean): void {
    for (let r = 0; r < m; r += GRADIENT_ROWS) {
      const piece = Math.min(GRADIENT_ROWS, m - r);
      this.k.gemm(cols + r * rowLength * 4, 4, rowLength * 4, grad + r * n * 4, n * 4, dw, n * 4, rowsOut, n, piece, 0, false, accumulate || r > 0);
    }
  }

  step(x: Float32Array, y: Float32Array, batch: number, lr: number): number {
    const k = this.k;
    this.forward(x, batch);
    const loss = batchLoss(this.heap, this.loss, this.logits >> 2, this.unitsP, y, batch, this.dLogits >> 2);
    // Dense layer. Rows past `batch` (the tile's padding) hold stale values and are never summed.
    k.gemm(this.pool2, 4, this.flat * 4, this.dLogits, this.unitsP * 4, this.W[4].grad, this.unitsP * 4, this.flat, this.unitsP, batch, 0, false, false);
    k.colSum(this.dLogits, this.unitsP * 4, batch, this.unitsP, this.W[5].grad, false);
    k.gemm(this.dLogits, this.unitsP * 4, 4, this.w3T, this.flat * 4, this.dPool2, this.flat * 4, roundUp(batch, GEMM_ROWS), this.flat, this.units, 0, false, false);
    for (let first = 0; first < batch; first += IMAGES_PER_PIECE) {
      const n = Math.min(IMAGES_PER_PIECE, batch - first);
      const at = this.at(first);
      const more = first > 0;
      // conv2: through pool2 and ReLU (writing all of dA2, whose height and width are even), then the
      // filter gradient on the piece's patches (made again), and the patches' gradient, added back.
      const m2 = n * this.h2 * this.w2;
      k.maxPoolGrad(at.a2, n, this.h2, this.w2, C2, at.pool2, at.dPool2, this.dA2, this.h2 >> 1, this.w2 >> 1, 2, 2, 2, 2, 0, 0, true);
      k.im2col(at.pool1, n, this.p1h, this.p1w, C1, KS, this.h2, this.w2, this.cols2, this.k2);
      this.filterGradient(this.cols2, this.k2, this.k2, this.dA2, C2, m2, this.W[2].grad, more);
      k.colSum(this.dA2, C2 * 4, m2, C2, this.W[3].grad, more);
      k.gemm(this.dA2, C2 * 4, 4, this.w2T, this.k2 * 4, this.dCols2, this.k2 * 4, m2, this.k2, C2, 0, false, false);
      this.zero(this.dPool1, n * this.p1h * this.p1w * C1);
      k.col2im(this.dPool1, n, this.p1h, this.p1w, C1, KS, this.h2, this.w2, this.dCols2, this.k2);
      // conv1: through pool1 and ReLU, then the filter gradient (the input needs none).
      const m1 = n * this.h1 * this.w1;
      k.maxPoolGrad(at.a1, n, this.h1, this.w1, C1, at.pool1, this.dPool1, this.dA1, this.p1h, this.p1w, 2, 2, 2, 2, 0, 0, true);
      k.im2col(at.x, n, this.h, this.w, this.c0, KS, this.h1, this.w1, this.cols1, this.k1p);
      this.filterGradient(this.cols1, this.k1p, this.k1p, this.dA1, C1, m1, this.W[0].grad, more);
      k.colSum(this.dA1, C1 * 4, m1, C1, this.W[1].grad, more);
    }
    this.optimizer.update(lr);
    this.publishWeights();
    return loss;
  }

  evaluate(x: Float32Array, y: Float32Array, rows: number): number {
    const features = this.h * this.w * this.c0;
    let total = 0;
    for (let start = 0; start < rows; start += this.maxBatch) {
      const n = Math.min(this.maxBatch, rows - start);
      this.forward(x.subarray(start * features, (start + n) * features), n);
      total += batchLoss(this.heap, this.loss, this.logits >> 2, this.unitsP, y.subarray(start, start + n), n, -1) * n;
    }
    return total / rows;
  }

  weights(): Float32Array[] {
    const take = (p: Param, rowsOf: number, cols: number, stride: number) => {
      const out = new Float32Array(rowsOf * cols);
      for (let r = 0; r < rowsOf; r++) out.set(this.heap.subarray((p.at >> 2) + r * stride, (p.at >> 2) + r * stride + cols), r * cols);
      return out;
    };
    return [
      take(this.W[0], this.k1, C1, C1),
      take(this.W[1], 1, C1, C1),
      take(this.W[2], this.k2, C2, C2),
      take(this.W[3], 1, C2, C2),
      take(this.W[4], this.flat, this.units, this.unitsP),
      take(this.W[5], 1, this.units, this.unitsP),
    ];
  }

  dispose(): void {
    // The memory belongs to this trainer's own WASM instance and goes with it.
  }
}
