// The small passes of a backward step. Pointers and strides in bytes, counts in floats.

/**
 * out[j] = Σ_{r < rows} g[r·gRow + j] for j < n (a multiple of 8), rows ≥ 1: a bias's gradient; with
 * `accumulate`, added to out (summed in the same order as one call over all the rows would: a batch may be
 * taken in pieces). Sixteen columns (one cache line of each row) per pass where n allows, so that each pass
 * reads only its own lines.
 */
export function colSum(g: usize, gRow: usize, rows: i32, n: i32, out: usize, accumulate: bool): void {
  const end = <usize>n * 4;
  let j: usize = 0;
  for (; j + 64 <= end; j += 64) {
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    if (accumulate) {
      s0 = v128.load(out + j);
      s1 = v128.load(out + j, 16);
      s2 = v128.load(out + j, 32);
      s3 = v128.load(out + j, 48);
    }
    let at = g + j;
    for (let r = rows; r > 0; r--) {
      s0 = f32x4.add(s0, v128.load(at));
      s1 = f32x4.add(s1, v128.load(at, 16));
      s2 = f32x4.add(s2, v128.load(at, 32));
      s3 = f32x4.add(s3, v128.load(at, 48));
      at += gRow;
    }
    v128.store(out + j, s0);
    v128.store(out + j, s1, 16);
    v128.store(out + j, s2, 32);
    v128.store(out + j, s3, 48);
  }
  for (; j < end; j += 16) {
    let sum = accumulate ? v128.load(out + j) : f32x4.splat(0);
    let at = g + j;
    for (let r = rows; r > 0; r--) {
      sum = f32x4.add(sum, v128.load(at));
      at += gRow;
    }
    v128.store(out + j, sum);
  }
}

/** grad[i] = act[i] > 0 ? grad[i] : 0 for i < count (a multiple of 4): through a ReLU. */
export function reluMask(act: usize, grad: usize, count: i32): void {
  const zero = f32x4.splat(0);
  for (let o: usize = 0; o < <usize>count * 4; o += 16) {
    v128.store(grad + o, v128.and(v128.load(grad + o), f32x4.gt(v128.load(act + o), zero)));
  }
}

/** dst (cols × rows) = srcᵀ, src rows × cols, both packed. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  // Writes in order and reads with a stride: strided stores cost far more than strided loads.
  const step = <usize>cols * 4;
  let out = dst;
  for (let c = 0; c < cols; c++) {
    let at = src + <usize>c * 4;
    for (let r = 0; r < rows; r++) {
      store<f32>(out, load<f32>(at));
      out += 4;
      at += step;
    }
  }
}
