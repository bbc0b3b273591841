// Faster WASM kernels for two training-only operations whose stock WASM versions are naive loops (measured
// on the W2 benchmark's shapes: Conv2DBackpropInput 30 ms, MaxPoolGrad 15 ms per call at batch 64):
// - the input gradient of a stride-1 convolution is a convolution of the output gradient, padded by
//   kernel−1−pad, with the filter rotated by 180° and its in/out channels swapped; that runs on XNNPACK;
// - the max-pool gradient routes each output gradient to the first maximum of its window: the engine's own
//   kernel (kernels/pooling.ts, which the fused CNN trainer runs too) on a copy of the tensors.
// Other cases (strides > 1 for the input gradient, NCHW) keep the stock kernels.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { Arena } from './flatTraining';
import { instantiateKernels, SimdKernels } from './simdKernels';
import type { Tf } from './tf';

interface WasmBackendLike {
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): void;
  wasm: { HEAPF32: Float32Array };
}

export function registerWasmTrainingKernels(tf: Tf): void {
  replaceConvInputGradient(tf);
  replaceMaxPoolGrad(tf);
}

const REPLACED = new Set<string>();

function replaceConvInputGradient(tf: Tf): void {
  if (REPLACED.has('Conv2DBackpropInput')) return;
  const stock = tf.getKernel('Conv2DBackpropInput', 'wasm');
  const conv2d = tf.getKernel('Conv2D', 'wasm');
  const reverse = tf.getKernel('Reverse', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!stock || !conv2d || !reverse || !transpose) return;
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const a = attrs as unknown as { strides: number | [number, number]; pad: never; dataFormat: string; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number] };
    const strides = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
    if (strides[0] !== 1 || strides[1] !== 1 || a.dataFormat === 'NCHW') return stock.kernelFunc(args);
    const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], 1, 1, a.pad, a.dimRoundingMode);
    const [kh, kw] = [info.filterHeight, info.filterWidth];
    const { top, bottom, left, right } = info.padInfo;
    const run = (k: KernelConfig, ins: object, at: object) => k.kernelFunc({ inputs: ins as never, backend, attrs: at as never }) as TensorInfo;
    const rotated = run(reverse, { x: filter }, { dims: [0, 1] });
    const swapped = run(transpose, { x: rotated }, { perm: [0, 1, 3, 2] });
    const pad = [[0, 0], [kh - 1 - top, kh - 1 - bottom], [kw - 1 - left, kw - 1 - right], [0, 0]];
    const out = run(conv2d, { x: dy, filter: swapped }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined });
    const b = backend as unknown as WasmBackendLike;
    b.disposeData(rotated.dataId);
    b.disposeData(swapped.dataId);
    return out;
  };
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({ kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc, setupFunc: stock.setupFunc, disposeFunc: stock.disposeFunc });
  REPLACED.add('Conv2DBackpropInput');
}

let poolKernels: { k: SimdKernels; bytes: number } | undefined;

/** A kernel instance with at least `bytes` bytes of memory, kept between calls. */
function kernelsWithMemory(bytes: number): SimdKernels {
  if (!poolKernels || poolKernels.bytes < bytes) poolKernels = { k: instantiateKernels(bytes), bytes };
  return poolKernels.k;
}

function replaceMaxPoolGrad(tf: Tf): void {
  if (REPLACED.has('MaxPoolGrad')) return;
  const stock = tf.getKernel('MaxPoolGrad', 'wasm');
  if (!stock) return;
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, input, output } = inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
    const a = attrs as unknown as { filterSize: number | [number, number]; strides: number | [number, number]; pad: never; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
    const b = backend as unknown as WasmBackendLike;
    const result = b.makeOutput(input.shape, 'float32');
    const heap = b.wasm.HEAPF32;
    const of = (t: TensorInfo) => b.dataIdMap.get(t.dataId).memoryOffset >> 2;
    const [n, h, w, c] = input.shape;
    const [inputFloats, outputFloats] = [n * h * w * c, n * info.outHeight * info.outWidth * c];
    // The engine's kernel (shared with the fused CNN trainer) runs on its own memory: copy in, run, copy out.
    const arena = new Arena();
    const [x, y, dY, dX] = [inputFloats, outputFloats, outputFloats, inputFloats].map((floats) => arena.take(floats));
    const k = kernelsWithMemory(arena.bytes);
    const mine = new Float32Array(k.memory.buffer);
    mine.set(heap.subarray(of(input), of(input) + inputFloats), x >> 2);
    mine.set(heap.subarray(of(output), of(output) + outputFloats), y >> 2);
    mine.set(heap.subarray(of(dy), of(dy) + outputFloats), dY >> 2);
    mine.fill(0, dX >> 2, (dX >> 2) + inputFloats);
    const { outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
    k.maxPoolGrad(x, n, h, w, c, y, dY, dX, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padInfo.top, padInfo.left, false);
    b.wasm.HEAPF32.set(mine.subarray(dX >> 2, (dX >> 2) + inputFloats), of(result));
    return result;
  };
  tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc, setupFunc: stock.setupFunc, disposeFunc: stock.disposeFunc });
  REPLACED.add('MaxPoolGrad');
}
