// Times the W2 network's kernels one by one on the WASM backend (a profile cannot name WASM functions).
import * as tfc from '@tensorflow/tfjs-core';
import { loadTf } from '../../src/engine/tf';

function time(name: string, f: () => tfc.Tensor | tfc.Tensor[], repeats = 20) {
  for (let i = 0; i < 3; i++) tfc.dispose(f());
  const start = performance.now();
  for (let i = 0; i < repeats; i++) tfc.dispose(f());
  console.log(`${name.padEnd(48)} ${((performance.now() - start) / repeats).toFixed(2)} ms`);
}

(async () => {
  await loadTf('wasm');
  const r = (shape: number[]) => tfc.randomUniform(shape as [number, number, number, number]) as tfc.Tensor4D;
  const x1 = r([64, 28, 28, 1]), f1 = r([3, 3, 1, 16]), dy1 = r([64, 26, 26, 16]);
  const x2 = r([64, 13, 13, 16]), f2 = r([3, 3, 16, 32]), dy2 = r([64, 11, 11, 32]);
  time('conv1 forward', () => tfc.conv2d(x1, f1, 1, 'valid'));
  time('conv2 forward', () => tfc.conv2d(x2, f2, 1, 'valid'));
  time('conv1 filter grad', () => tfc.engine().runKernel('Conv2DBackpropFilter', { x: x1, dy: dy1 }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 16] }) as tfc.Tensor);
  time('conv2 filter grad', () => tfc.engine().runKernel('Conv2DBackpropFilter', { x: x2, dy: dy2 }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 16, 32] }) as tfc.Tensor);
  time('conv2 input grad', () => tfc.conv2dTranspose(dy2, f2, [64, 13, 13, 16] as [number, number, number, number], 1, 'valid'));
  time('transpose x1 [3,1,2,0]', () => tfc.transpose(x1, [3, 1, 2, 0]));
  time('transpose dy1 [1,2,0,3]', () => tfc.transpose(dy1, [1, 2, 0, 3]));
  time('conv (filter-grad shaped) 1x28x28x64 * 26x26x64x16', () => tfc.conv2d(r([1, 28, 28, 64]), r([26, 26, 64, 16]), 1, 'valid'));
  time('maxpool1 grad', () => tfc.grad((x: tfc.Tensor) => tfc.maxPool(x as tfc.Tensor4D, 2, 2, 'valid'))(dy1));
  time('relu grad-ish mul', () => tfc.mul(dy1, tfc.step(dy1)));
})();
