// The matrix product every layer of the fused trainers runs on: a 4 × 8 register tile (eight f32x4
// accumulators, which with the operands fills V8's sixteen XMM registers), bias and ReLU folded into the
// store. Pointers and strides are in bytes.
import { madd } from './simd';

/** Rows of A per tile, and columns of B per tile (two f32x4); the callers pad their shapes to these. */
export const GEMM_ROWS = 4;
export const GEMM_COLUMNS = 8;

/**
 * C[i, j] = Σ_p A(i, p) · B[p, j] (+ bias[j]) (then ReLU), for i < m, j < n, p < k, where A(i, p) is at
 * a + i·aRow + p·aCol, so that A may be read transposed. m a multiple of GEMM_ROWS, n of GEMM_COLUMNS,
 * k ≥ 1, B's and C's rows 16-byte aligned. bias 0 = none; `accumulate` adds to C instead (bias ignored),
 * so that a long k can be taken in cache-sized pieces.
 */
export function gemm(a: usize, aRow: usize, aCol: usize, b: usize, bRow: usize, c: usize, cRow: usize, m: i32, n: i32, k: i32, bias: usize, relu: bool, accumulate: bool): void {
  const zero = f32x4.splat(0);
  const rowBytes = <usize>n * 4;
  for (let i = 0; i < m; i += GEMM_ROWS) {
    const rowA = a + <usize>i * aRow;
    const rowC = c + <usize>i * cRow;
    for (let j: usize = 0; j < rowBytes; j += GEMM_COLUMNS * 4) {
      // c<r><h>: row r of the tile, left (0) or right (1) half.
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero;
      if (accumulate) {
        const at = rowC + j;
        c00 = v128.load(at); c01 = v128.load(at, 16);
        c10 = v128.load(at + cRow); c11 = v128.load(at + cRow, 16);
        c20 = v128.load(at + 2 * cRow); c21 = v128.load(at + 2 * cRow, 16);
        c30 = v128.load(at + 3 * cRow); c31 = v128.load(at + 3 * cRow, 16);
      } else if (bias) {
        c00 = c10 = c20 = c30 = v128.load(bias + j);
        c01 = c11 = c21 = c31 = v128.load(bias + j, 16);
      }
      let a0 = rowA, a1 = rowA + aRow, a2 = rowA + 2 * aRow, a3 = rowA + 3 * aRow;
      let pb = b + j;
      for (let p = k; p > 0; p--) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let s = v128.load32_splat(a0);
        c00 = madd(s, b0, c00); c01 = madd(s, b1, c01);
        s = v128.load32_splat(a1);
        c10 = madd(s, b0, c10); c11 = madd(s, b1, c11);
        s = v128.load32_splat(a2);
        c20 = madd(s, b0, c20); c21 = madd(s, b1, c21);
        s = v128.load32_splat(a3);
        c30 = madd(s, b0, c30); c31 = madd(s, b1, c31);
        a0 += aCol; a1 += aCol; a2 += aCol; a3 += aCol;
        pb += bRow;
      }
      if (relu) {
        c00 = f32x4.max(c00, zero); c01 = f32x4.max(c01, zero);
        c10 = f32x4.max(c10, zero); c11 = f32x4.max(c11, zero);
        c20 = f32x4.max(c20, zero); c21 = f32x4.max(c21, zero);
        c30 = f32x4.max(c30, zero); c31 = f32x4.max(c31, zero);
      }
      const at = rowC + j;
      v128.store(at, c00); v128.store(at, c01, 16);
      v128.store(at + cRow, c10); v128.store(at + cRow, c11, 16);
      v128.store(at + 2 * cRow, c20); v128.store(at + 2 * cRow, c21, 16);
      v128.store(at + 3 * cRow, c30); v128.store(at + 3 * cRow, c31, 16);
    }
  }
}
