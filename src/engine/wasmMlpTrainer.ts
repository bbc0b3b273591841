// A hand-fused trainer for the linear and mlp presets on the WASM backend. TF.js spends most of a small
// network's step on per-op dispatch, tensor bookkeeping, the tape and the loss read-back; here every
// buffer lives at a fixed place in WASM memory, the matrix products go straight to the backend's XNNPACK
// kernels, and the element-wise work (bias, ReLU masks, loss, optimizer) is plain loops over that memory.
// Same model, same initial weights, same update rules as LayersTrainer (checked by a unit test).
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, OptimizerSettings, RMSPROP_ALPHA, RMSPROP_EPSILON, slotCount } from './optimizers';
import { LossSpec } from './losses';
import { Trainer } from './trainer';

/** The raw exports of the TF.js WASM module this trainer calls. */
export interface WasmModule {
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _register_tensor(id: number, size: number, ptr: number): void;
  _dispose_data(id: number): void;
  _BatchMatMul(aId: number, aShape: number, aRank: number, bId: number, bShape: number, bRank: number, transposeA: number, transposeB: number, outId: number): void;
  __FusedMatMul(aId: number, aShape: number, aRank: number, bId: number, bShape: number, bRank: number, transposeA: number, transposeB: number, activation: number, biasId: number, preluId: number, leakyAlpha: number, outId: number): void;
}

const ACTIVATION_LINEAR = 0;
const ACTIVATION_RELU = 1;

// Our tensor ids live far above the backend's own counter (which starts at 1) so they never collide.
let nextTensorId = 2_000_000_000;

/** A float buffer in WASM memory, registered as a backend tensor so that kernels can read and write it. */
class Buffer {
  readonly id = nextTensorId++;
  readonly ptr: number;

  constructor(
    private readonly m: WasmModule,
    readonly size: number,
  ) {
    this.ptr = m._malloc(Math.max(size, 1) * 4);
    m._register_tensor(this.id, size, this.ptr);
  }

  /** The backend caches XNNPACK operators per weights tensor, packed from its contents: after the contents
   *  change, re-registering drops that stale cache. */
  changed(): void {
    this.m._dispose_data(this.id);
    this.m._register_tensor(this.id, this.size, this.ptr);
  }

  get offset(): number {
    return this.ptr >> 2;
  }

  view(): Float32Array {
    return this.m.HEAPF32.subarray(this.offset, this.offset + this.size);
  }

  free(): void {
    this.m._dispose_data(this.id);
    this.m._free(this.ptr);
  }
}

interface Layer {
  inputs: number;
  outputs: number;
  w: Buffer; // inputs × outputs, as TF.js's Dense kernel
  b: Buffer;
  wT: Buffer; // outputs × inputs, for the backward product
  dw: Buffer; // the weight gradient, inputs × outputs
  /** Offsets of W and b inside the flat parameter vector. */
  wAt: number;
  bAt: number;
  /** This layer's output (post-ReLU for hidden layers, logits for the last): maxBatch × outputs. */
  out: Buffer;
  /** Gradient with respect to `out` (then to the pre-activation): maxBatch × outputs. */
  grad: Buffer;
  /** The layer's input, transposed: inputs × maxBatch. */
  inT: Buffer;
}

export class WasmMlpTrainer implements Trainer {
  readonly backend = 'wasm';
  private readonly layers: Layer[];
  private readonly input: Buffer;
  private readonly params: Float32Array; // flat copy of all weights, the optimizer's working vector
  private readonly grads: Float32Array;
  private readonly slots: Float32Array[];
  private readonly initial: Float32Array;
  private readonly shape: Int32Array; // scratch for kernel shapes, in WASM memory
  private readonly shapePtr: number;
  private t = 0;

  /**
   * @param sizes layer widths from input to output, e.g. [32, 128, 128, 10]
   * @param initialWeights [W0, b0, W1, b1, …] as TF.js's Dense layers hold them
   */
  constructor(
    private readonly m: WasmModule,
    sizes: number[],
    initialWeights: Float32Array[],
    private readonly loss: LossSpec,
    private readonly optimizer: OptimizerSettings,
    private readonly maxBatch: number,
  ) {
    this.input = new Buffer(m, maxBatch * sizes[0]);
    let at = 0;
    this.layers = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [inputs, outputs] = [sizes[l], sizes[l + 1]];
      this.layers.push({
        inputs,
        outputs,
        w: new Buffer(m, inputs * outputs),
        b: new Buffer(m, outputs),
        wT: new Buffer(m, inputs * outputs),
        dw: new Buffer(m, inputs * outputs),
        wAt: at,
        bAt: at + inputs * outputs,
        out: new Buffer(m, maxBatch * outputs),
        grad: new Buffer(m, maxBatch * outputs),
        inT: new Buffer(m, inputs * maxBatch),
      });
      at += inputs * outputs + outputs;
    }
    this.params = new Float32Array(at);
    this.grads = new Float32Array(at);
    this.slots = Array.from({ length: slotCount(optimizer.name) }, () => new Float32Array(at));
    this.initial = new Float32Array(at);
    this.layers.forEach((layer, l) => {
      this.initial.set(initialWeights[2 * l], layer.wAt);
      this.initial.set(initialWeights[2 * l + 1], layer.bAt);
    });
    this.shapePtr = m._malloc(6 * 4);
    this.shape = new Int32Array(6);
    this.reset();
  }

  reset(): void {
    this.params.set(this.initial);
    for (const s of this.slots) s.fill(0);
    this.t = 0;
    this.publishWeights();
  }

  /** Copies the flat parameters into the kernels' buffers (and W transposed), invalidating cached packs. */
  private publishWeights(): void {
    const heap = this.m.HEAPF32;
    for (const layer of this.layers) {
      const { inputs, outputs } = layer;
      heap.set(this.params.subarray(layer.wAt, layer.wAt + inputs * outputs), layer.w.offset);
      heap.set(this.params.subarray(layer.bAt, layer.bAt + outputs), layer.b.offset);
      const w = layer.wAt;
      const wT = layer.wT.offset;
      for (let i = 0; i < inputs; i++) {
        for (let o = 0; o < outputs; o++) heap[wT + o * inputs + i] = this.params[w + i * outputs + o];
      }
      layer.w.changed();
      layer.b.changed();
      layer.wT.changed();
    }
  }

  /** out[rows × n] = a[rows × k] · b[k × n] (+ bias, ReLU), through the backend's XNNPACK path. */
  private matmul(a: Buffer, rows: number, k: number, b: Buffer, n: number, out: Buffer, bias?: Buffer, relu = false): void {
    const s = this.shape;
    s[0] = 1;
    s[1] = rows;
    s[2] = k;
    s[3] = 1;
    s[4] = k;
    s[5] = n;
    this.m.HEAP32.set(s, this.shapePtr >> 2);
    if (bias) {
      this.m.__FusedMatMul(a.id, this.shapePtr, 3, b.id, this.shapePtr + 12, 3, 0, 0, relu ? ACTIVATION_RELU : ACTIVATION_LINEAR, bias.id, 0, 0, out.id);
    } else {
      this.m._BatchMatMul(a.id, this.shapePtr, 3, b.id, this.shapePtr + 12, 3, 0, 0, out.id);
    }
  }

  private forward(x: Float32Array, rows: number): Layer {
    this.m.HEAPF32.set(x.subarray(0, rows * this.layers[0].inputs), this.input.offset);
    let input = this.input;
    const last = this.layers.length - 1;
    this.layers.forEach((layer, l) => {
      this.matmul(input, rows, layer.inputs, layer.w, layer.outputs, layer.out, layer.b, l < last);
      input = layer.out;
    });
    return this.layers[last];
  }

  /** Mean loss of the rows; when `withGradient`, also d(loss)/d(logits) into the last layer's grad. */
  private lossOf(top: Layer, y: Float32Array, rows: number, withGradient: boolean): number {
    const heap = this.m.HEAPF32;
    const z = top.out.offset;
    const g = top.grad.offset;
    const k = top.outputs;
    let total = 0;
    if (this.loss.kind === 'softmax') {
      for (let r = 0; r < rows; r++) {
        const row = z + r * k;
        let max = -Infinity;
        for (let c = 0; c < k; c++) max = Math.max(max, heap[row + c]);
        let sum = 0;
        for (let c = 0; c < k; c++) sum += Math.exp(heap[row + c] - max);
        const label = y[r];
        total += Math.log(sum) + max - heap[row + label];
        if (withGradient) {
          for (let c = 0; c < k; c++) heap[g + r * k + c] = (Math.exp(heap[row + c] - max) / sum - (c === label ? 1 : 0)) / rows;
        }
      }
    } else if (this.loss.kind === 'sigmoid') {
      for (let r = 0; r < rows; r++) {
        const v = heap[z + r];
        total += Math.max(v, 0) - v * y[r] + Math.log1p(Math.exp(-Math.abs(v)));
        if (withGradient) heap[g + r] = (1 / (1 + Math.exp(-v)) - y[r]) / rows;
      }
    } else {
      for (let r = 0; r < rows; r++) {
        const d = heap[z + r] - y[r];
        total += d * d;
        if (withGradient) heap[g + r] = (2 * d) / rows;
      }
    }
    return total / rows;
  }

  step(x: Float32Array, y: Float32Array, size: number, lr: number): number {
    const top = this.forward(x, size);
    const loss = this.lossOf(top, y, size, true);
    this.backward(size);
    this.update(lr);
    return loss;
  }

  private backward(rows: number): void {
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l];
      const { inputs, outputs } = layer;
      const input = l === 0 ? this.input : this.layers[l - 1].out;
      let heap = this.m.HEAPF32;
      // dW = inputᵀ · grad and db = Σ_rows grad; the kernel's fast path wants both operands untransposed.
      const src = input.offset;
      const dst = layer.inT.offset;
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < inputs; i++) heap[dst + i * rows + r] = heap[src + r * inputs + i];
      }
      layer.grad.changed();
      this.matmul(layer.inT, inputs, rows, layer.grad, outputs, layer.dw);
      heap = this.m.HEAPF32;
      this.grads.set(heap.subarray(layer.dw.offset, layer.dw.offset + inputs * outputs), layer.wAt);
      // Row by row, so that memory is read in order.
      const g = layer.grad.offset;
      const db = this.grads.subarray(layer.bAt, layer.bAt + outputs);
      db.set(heap.subarray(g, g + outputs));
      for (let r = 1; r < rows; r++) {
        const row = g + r * outputs;
        for (let o = 0; o < outputs; o++) db[o] += heap[row + o];
      }
      if (l > 0) {
        // d(input) = grad · Wᵀ, then through the previous layer's ReLU.
        const below = this.layers[l - 1];
        this.matmul(layer.grad, rows, outputs, layer.wT, inputs, below.grad);
        heap = this.m.HEAPF32;
        const a = below.out.offset;
        const d = below.grad.offset;
        for (let i = 0; i < rows * inputs; i++) if (heap[a + i] <= 0) heap[d + i] = 0;
      }
    }
  }

  private update(lr: number): void {
    const { name, momentum: mu, weightDecay: wd } = this.optimizer;
    const p = this.params;
    const g = this.grads;
    const n = p.length;
    this.t += 1;
    if (wd !== 0 && name !== 'adamw') for (let i = 0; i < n; i++) g[i] += wd * p[i];
    switch (name) {
      case 'sgd':
        for (let i = 0; i < n; i++) p[i] -= lr * g[i];
        break;
      case 'momentum': {
        const v = this.slots[0];
        for (let i = 0; i < n; i++) {
          v[i] = mu * v[i] + g[i];
          p[i] -= lr * v[i];
        }
        break;
      }
      case 'nesterov': {
        const v = this.slots[0];
        for (let i = 0; i < n; i++) {
          v[i] = mu * v[i] + g[i];
          p[i] -= lr * (g[i] + mu * v[i]);
        }
        break;
      }
      case 'rmsprop': {
        const s = this.slots[0];
        for (let i = 0; i < n; i++) {
          s[i] = RMSPROP_ALPHA * s[i] + (1 - RMSPROP_ALPHA) * g[i] * g[i];
          p[i] -= (lr * g[i]) / (Math.sqrt(s[i]) + RMSPROP_EPSILON);
        }
        break;
      }
      case 'adam':
      case 'adamw': {
        const [m, v] = this.slots;
        const c1 = 1 - ADAM_BETA1 ** this.t;
        const c2 = 1 - ADAM_BETA2 ** this.t;
        const decay = name === 'adamw' ? 1 - lr * wd : 1;
        for (let i = 0; i < n; i++) {
          m[i] = ADAM_BETA1 * m[i] + (1 - ADAM_BETA1) * g[i];
          v[i] = ADAM_BETA2 * v[i] + (1 - ADAM_BETA2) * g[i] * g[i];
          p[i] = p[i] * decay - (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + ADAM_EPSILON);
        }
        break;
      }
    }
    this.publishWeights();
  }

  evaluate(x: Float32Array, y: Float32Array, rows: number): number {
    const features = this.layers[0].inputs;
    let total = 0;
    for (let start = 0; start < rows; start += this.maxBatch) {
      const n = Math.min(this.maxBatch, rows - start);
      const top = this.forward(x.subarray(start * features, (start + n) * features), n);
      total += this.lossOf(top, y.subarray(start, start + n), n, false) * n;
    }
    return total / rows;
  }

  weights(): Float32Array[] {
    return this.layers.flatMap((layer) => [
      this.params.slice(layer.wAt, layer.wAt + layer.inputs * layer.outputs),
      this.params.slice(layer.bAt, layer.bAt + layer.outputs),
    ]);
  }

  dispose(): void {
    this.input.free();
    for (const layer of this.layers) for (const b of [layer.w, layer.b, layer.wT, layer.dw, layer.out, layer.grad, layer.inT]) b.free();
    this.m._free(this.shapePtr);
  }
}
