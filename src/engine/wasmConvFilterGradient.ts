// The WASM backend has no Conv2DBackpropFilter kernel, so training any conv net on it fails. This one is
// built from WASM kernels that exist: the filter gradient of a convolution is itself a convolution, of the
// input with its channels as the batch, by the output gradient dilated by the stride:
//   dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−pt, ow·s+kw−pl, ci] · dy[n,oh,ow,co]
//                   = conv(x' = xᵀ[ci,h,w,n], f' = dyᵀ[oh,ow,n,co], dilation s)[ci,kh,kw,co]
import type { KernelConfig, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { Tf } from './tf';

interface FilterGradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

interface KernelBackend {
  disposeData(dataId: object): void;
}

export function registerWasmConvFilterGradient(tf: Tf): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  const conv2dKernel = tf.getKernel('Conv2D', 'wasm');
  const sliceKernel = tf.getKernel('Slice', 'wasm');
  if (!transposeKernel || !conv2dKernel || !sliceKernel) return;

  const config: KernelConfig = {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as FilterGradAttrs;
      if (dataFormat === 'NCHW') throw new Error("Conv2DBackpropFilter on WASM supports only dataFormat 'NHWC'");
      const b = backend as unknown as KernelBackend;
      const run = (kernel: KernelConfig, ins: NamedTensorInfoMap, kernelAttrs: object) =>
        kernel.kernelFunc({ inputs: ins, backend, attrs: kernelAttrs as never }) as TensorInfo;
      const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
      const [kh, kw] = [info.filterHeight, info.filterWidth];
      const [sh, sw] = [info.strideHeight, info.strideWidth];
      const [, h, w] = x.shape;
      const top = info.padInfo.top;
      const left = info.padInfo.left;
      // Padding after the image such that the convolution yields exactly kh × kw outputs; where that is
      // negative the rows and columns no output reads are cut off instead.
      const bottom = kh + (info.outHeight - 1) * sh - h - top;
      const right = kw + (info.outWidth - 1) * sw - w - left;
      const temps: TensorInfo[] = [];
      let xIn = x;
      if (bottom < 0 || right < 0) {
        xIn = run(sliceKernel, { x }, { begin: [0, 0, 0, 0], size: [x.shape[0], h + Math.min(bottom, 0), w + Math.min(right, 0), x.shape[3]] });
        temps.push(xIn);
      }
      const xT = run(transposeKernel, { x: xIn }, { perm: [3, 1, 2, 0] });
      const dyT = run(transposeKernel, { x: dy }, { perm: [1, 2, 0, 3] });
      temps.push(xT, dyT);
      const explicitPad = [[0, 0], [top, Math.max(bottom, 0)], [left, Math.max(right, 0)], [0, 0]];
      const grad = run(conv2dKernel, { x: xT, filter: dyT }, { strides: [1, 1], pad: explicitPad, dataFormat: 'NHWC', dilations: [sh, sw], dimRoundingMode: undefined });
      temps.push(grad);
      const out = run(transposeKernel, { x: grad }, { perm: [1, 2, 0, 3] });
      for (const t of temps) b.disposeData(t.dataId);
      return out;
    },
  };
  tf.registerKernel(config);
}
