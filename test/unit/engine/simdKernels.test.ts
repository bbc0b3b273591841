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

  it('load and validate on this runtime', () => assert.ok(simdAvailable()));

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
      k.gemm(A, aRow, aCol, B, n * 4, C, n * 4, m, n, kk, relu ? BIAS : 0, relu, false);
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
    for (const n of [8, 24]) {
      fill(A, 5 * (n + 4));
      k.colSum(A, (n + 4) * 4, 5, n, C, false);
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let r = 0; r < 5; r++) s += heap[(A >> 2) + r * (n + 4) + j];
        assert.ok(Math.abs(s - heap[(C >> 2) + j]) < 1e-6, `column ${j} of ${n}`);
      }
      // A batch in two pieces (2 rows, then 3) sums to exactly what one call over all 5 rows gives.
      const whole = heap.slice(C >> 2, (C >> 2) + n);
      k.colSum(A, (n + 4) * 4, 2, n, C, false);
      k.colSum(A + 2 * (n + 4) * 4, (n + 4) * 4, 3, n, C, true);
      assert.deepEqual(heap.slice(C >> 2, (C >> 2) + n), whole, `two pieces of ${n} columns`);
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

  it('gemm with accumulate adds to C', () => {
    fill(A, 4 * 3);
    fill(B, 3 * 8);
    fill(C, 4 * 8);
    const before = heap.slice(C >> 2, (C >> 2) + 32);
    k.gemm(A, 12, 4, B, 32, C, 32, 4, 8, 3, 0, false, true);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 8; j++) {
        let s = before[i * 8 + j];
        for (let p = 0; p < 3; p++) s += heap[(A >> 2) + i * 3 + p] * heap[(B >> 2) + p * 8 + j];
        assert.ok(Math.abs(s - heap[(C >> 2) + i * 8 + j]) < 1e-5);
      }
    }
  });

  for (const [c, trimmed] of [[1, false], [2, false], [3, true], [8, false]] as const) {
    it(`im2col and col2im (3×3 patches of 2 images 5×6×${c}${trimmed ? ', the first 2×4 outputs only' : ''})`, () => {
      const [h, w, kp] = [5, 6, 9 * c + 2];
      const [ho, wo] = trimmed ? [2, 4] : [h - 2, w - 2];
      fill(A, 2 * h * w * c);
      heap.fill(0, C >> 2, (C >> 2) + 2 * ho * wo * kp);
      k.im2col(A, 2, h, w, c, 3, ho, wo, C, kp);
      const x = (b: number, i: number, j: number, ch: number) => (A >> 2) + ((b * h + i) * w + j) * c + ch;
      for (let b = 0; b < 2; b++) {
        for (let i = 0; i < ho; i++) {
          for (let j = 0; j < wo; j++) {
            const row = (C >> 2) + ((b * ho + i) * wo + j) * kp;
            for (let t = 0; t < 9 * c; t++) assert.equal(heap[row + t], heap[x(b, i + Math.floor(t / (3 * c)), j + (Math.floor(t / c) % 3), t % c)]);
            assert.equal(heap[row + 9 * c], 0);
          }
        }
      }
      // The adjoint: <im2col(x), y> = <x, col2im(y)> for any x and y.
      fill(B, 2 * ho * wo * kp);
      let left = 0;
      for (let i = 0; i < 2 * ho * wo * kp; i++) left += heap[(C >> 2) + i] * heap[(B >> 2) + i];
      heap.fill(0, BIAS >> 2, (BIAS >> 2) + 2 * h * w * c);
      k.col2im(BIAS, 2, h, w, c, 3, ho, wo, B, kp);
      let right = 0;
      for (let i = 0; i < 2 * h * w * c; i++) right += heap[(A >> 2) + i] * heap[(BIAS >> 2) + i];
      assert.ok(Math.abs(left - right) < 1e-4 * Math.max(1, Math.abs(left)), `${left} vs ${right}`);
    });
  }

  it('maxPool and maxPoolGrad fused with the ReLU\'s (odd sizes, ties at zero, the first maximum takes the gradient)', () => {
    const [h, w, c] = [5, 7, 8];
    const [ho, wo] = [2, 3];
    fill(A, 2 * h * w * c);
    for (let i = 0; i < 2 * h * w * c; i++) heap[(A >> 2) + i] = Math.max(0, heap[(A >> 2) + i]);
    heap[(A >> 2) + 1 * c] = heap[(A >> 2)] = 0.75; // a tie at a positive value: the first wins
    k.maxPool(A, 2, h, w, c, B);
    fill(C, 2 * ho * wo * c);
    heap.fill(0, BIAS >> 2, (BIAS >> 2) + 2 * h * w * c);
    k.maxPoolGrad(A, 2, h, w, c, B, C, BIAS, ho, wo, 2, 2, 2, 2, 0, 0, true);
    const expected = new Float32Array(2 * h * w * c);
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < ho; i++) {
        for (let j = 0; j < wo; j++) {
          for (let ch = 0; ch < c; ch++) {
            let best = -Infinity;
            let at = -1;
            for (const [di, dj] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
              const idx = ((b * h + 2 * i + di) * w + 2 * j + dj) * c + ch;
              if (heap[(A >> 2) + idx] > best) [best, at] = [heap[(A >> 2) + idx], idx];
            }
            const o = ((b * ho + i) * wo + j) * c + ch;
            assert.equal(heap[(B >> 2) + o], best);
            if (best > 0) expected[at] = heap[(C >> 2) + o];
          }
        }
      }
    }
    assert.deepEqual(Array.from(heap.subarray(BIAS >> 2, (BIAS >> 2) + 2 * h * w * c)), Array.from(expected));
  });
});
