import assert from 'node:assert/strict';
import * as tfc from '@tensorflow/tfjs-core';
import { SeededRandom } from '../../../src/data/random';
import { loadTf } from '../../../src/engine/tf';

function random(shape: number[], seed: number): Float32Array {
  const r = new SeededRandom(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.next() * 2 - 1);
}

/** d/dfilter of Σ conv2d(x, filter) · weights, on the current backend. */
function filterGradient(xShape: number[], fShape: number[], strides: number, pad: 'valid' | 'same'): Float32Array {
  return tfc.tidy(() => {
    const x = tfc.tensor4d(random(xShape, 1), xShape as [number, number, number, number]);
    const f = tfc.tensor4d(random(fShape, 2), fShape as [number, number, number, number]);
    const outShape = tfc.conv2d(x, f, strides, pad).shape;
    const weights = tfc.tensor(random(outShape, 3), outShape);
    const grad = tfc.grad((filter: tfc.Tensor) => tfc.sum(tfc.mul(tfc.conv2d(x, filter as tfc.Tensor4D, strides, pad), weights)))(f);
    return grad.dataSync() as Float32Array;
  });
}

describe('WASM Conv2DBackpropFilter', () => {
  after(async () => {
    await loadTf('wasm');
  });

  for (const [xShape, fShape, strides, pad] of [
    [[2, 9, 9, 3], [3, 3, 3, 4], 1, 'valid'],
    [[2, 9, 9, 3], [3, 3, 3, 4], 1, 'same'],
    [[3, 10, 11, 2], [3, 3, 2, 5], 2, 'valid'],
    [[3, 10, 11, 2], [3, 2, 2, 5], 2, 'same'],
    [[1, 8, 8, 1], [5, 5, 1, 2], 3, 'same'],
  ] as Array<[number[], number[], number, 'valid' | 'same']>) {
    it(`matches the CPU backend for x ${xShape}, filter ${fShape}, stride ${strides}, ${pad}`, async () => {
      await loadTf('wasm');
      const wasm = filterGradient(xShape, fShape, strides, pad);
      await loadTf('cpu');
      const cpu = filterGradient(xShape, fShape, strides, pad);
      assert.equal(wasm.length, cpu.length);
      const worst = Math.max(...wasm.map((v, i) => Math.abs(v - cpu[i])));
      assert.ok(worst < 1e-4, `largest difference ${worst}`);
    });
  }
});

/** d/dx of Σ maxPool(relu(conv2d(x, filter))) · weights, on the current backend. */
function inputGradient(xShape: number[], fShape: number[], pad: 'valid' | 'same', pool: number, poolStride: number): Float32Array {
  return tfc.tidy(() => {
    const x = tfc.tensor4d(random(xShape, 4), xShape as [number, number, number, number]);
    const f = tfc.tensor4d(random(fShape, 5), fShape as [number, number, number, number]);
    const net = (input: tfc.Tensor) => tfc.maxPool(tfc.relu(tfc.conv2d(input as tfc.Tensor4D, f, 1, pad)), pool, poolStride, 'valid');
    const outShape = net(x).shape;
    const weights = tfc.tensor(random(outShape, 6), outShape);
    return tfc.grad((input: tfc.Tensor) => tfc.sum(tfc.mul(net(input), weights)))(x).dataSync() as Float32Array;
  });
}

describe('WASM Conv2DBackpropInput and MaxPoolGrad replacements', () => {
  after(async () => {
    await loadTf('wasm');
  });

  for (const [xShape, fShape, pad, pool, poolStride] of [
    [[2, 12, 12, 3], [3, 3, 3, 4], 'valid', 2, 2],
    [[2, 11, 9, 2], [3, 3, 2, 5], 'same', 2, 2],
    [[1, 10, 10, 1], [5, 3, 1, 3], 'same', 3, 1],
  ] as Array<[number[], number[], 'valid' | 'same', number, number]>) {
    it(`match the CPU backend for x ${xShape}, filter ${fShape}, ${pad}, pool ${pool}/${poolStride}`, async () => {
      await loadTf('wasm');
      const wasm = inputGradient(xShape, fShape, pad, pool, poolStride);
      await loadTf('cpu');
      const cpu = inputGradient(xShape, fShape, pad, pool, poolStride);
      const worst = Math.max(...wasm.map((v, i) => Math.abs(v - cpu[i])));
      assert.ok(worst < 1e-4, `largest difference ${worst}`);
      assert.ok(cpu.some((v) => v !== 0));
    });
  }
});
