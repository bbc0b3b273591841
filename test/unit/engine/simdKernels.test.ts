import assert from 'node:assert/strict';
import { instantiateKernels, simdAvailable } from '../../../src/engine/simdKernels';
import { SeededRandom } from '../../../src/data/random';

describe('WASM SIMD kernels', () => {
  const k = instantiateKernels(1 << 20);
  const heap = new Float32Array(k.memory.buffer);
  const random = new SeededRandom(3);
  const fill = (at: number, n: number) => {
    for (let i = 0; i < n; i++) heap[(at >> 2) + i] = random.next() * 2 - 1;
  };
  const [A, B, C, BIAS] = [4096, 65536, 131072, 196608];

  it('assemble and validate on this runtime', () => assert.ok(simdAvailable()));

  for (const [m, n, kk, transposed, relu] of [
    [4, 8, 1, false, false],
    [12, 24, 7, true, true],
    [64, 16, 33, false, true],
  ] as const) {
    it(`gemm ${m}×${kk} · ${kk}×${n}${transposed ? ' (A read transposed)' : ''}${relu ? ' + bias, ReLU' : ''} matches a plain product`, () => {
      fill(A, m * kk);
      fill(B, kk * n);
      fill(BIAS, n);
      const [aRow, aCol] = transposed ? [4, m * 4] : [kk * 4, 4];
      k.gemm(A, aRow, aCol, B, n * 4, C, n * 4, m, n, kk, relu ? BIAS : 0, relu ? 1 : 0);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = relu ? heap[(BIAS >> 2) + j] : 0;
          for (let p = 0; p < kk; p++) s += heap[(A + i * aRow + p * aCol) >> 2] * heap[(B >> 2) + p * n + j];
          if (relu) s = Math.max(s, 0);
          assert.ok(Math.abs(s - heap[(C >> 2) + i * n + j]) < 1e-5, `C[${i}, ${j}]`);
        }
      }
    });
  }

  it('colSum, reluMask, transpose', () => {
    fill(A, 5 * 12);
    k.colSum(A, 12 * 4, 5, 8, C);
    for (let j = 0; j < 8; j++) {
      let s = 0;
      for (let r = 0; r < 5; r++) s += heap[(A >> 2) + r * 12 + j];
      assert.ok(Math.abs(s - heap[(C >> 2) + j]) < 1e-6);
    }
    fill(B, 8);
    const act = heap.slice(A >> 2, (A >> 2) + 8);
    const grad = heap.slice(B >> 2, (B >> 2) + 8);
    k.reluMask(A, B, 8);
    for (let i = 0; i < 8; i++) assert.equal(heap[(B >> 2) + i], act[i] > 0 ? grad[i] : 0);
    k.transpose(A, 2, 3, C);
    assert.deepEqual(Array.from(heap.subarray(C >> 2, (C >> 2) + 6)), [0, 3, 1, 4, 2, 5].map((i) => heap[(A >> 2) + i]));
  });

  for (const mode of [0, 1, 2]) {
    it(`sgdUpdate mode ${mode} with weight decay`, () => {
      fill(A, 8);
      fill(B, 8);
      fill(C, 8);
      const [p, g, v] = [A, B, C].map((at) => heap.slice(at >> 2, (at >> 2) + 8));
      k.sgdUpdate(A, B, C, 8, 0.1, 0.9, 0.01, mode);
      for (let i = 0; i < 8; i++) {
        const gi = g[i] + 0.01 * p[i];
        const vi = 0.9 * v[i] + gi;
        const stepSize = mode === 0 ? gi : mode === 1 ? vi : gi + 0.9 * vi;
        assert.ok(Math.abs(heap[(A >> 2) + i] - (p[i] - 0.1 * stepSize)) < 1e-6, `p[${i}]`);
        if (mode > 0) assert.ok(Math.abs(heap[(C >> 2) + i] - vi) < 1e-6, `v[${i}]`);
      }
    });
  }
});
