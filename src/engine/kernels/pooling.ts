// 2×2 max pooling, stride 2, "valid", NHWC with c a multiple of 4 (four channels per f32x4), and its
// gradient fused with the preceding ReLU's. Pointers in bytes.

/** out[b, i, j, ch] = max of a's 2×2 window. */
export function maxPool(a: usize, batch: i32, h: i32, w: i32, c: i32, out: usize): void {
  const pixel = <usize>c * 4;
  const row = <usize>w * pixel;
  let po = out;
  for (let b = 0; b < batch; b++) {
    for (let ph = 0; ph < h >> 1; ph++) {
      const top = a + <usize>(b * h + 2 * ph) * row;
      for (let pw = 0; pw < w >> 1; pw++) {
        const p0 = top + <usize>(2 * pw) * pixel;
        for (let q: usize = 0; q < pixel; q += 16) {
          const upper = f32x4.max(v128.load(p0 + q), v128.load(p0 + pixel + q));
          const lower = f32x4.max(v128.load(p0 + row + q), v128.load(p0 + row + pixel + q));
          v128.store(po + q, f32x4.max(upper, lower));
        }
        po += pixel;
      }
    }
  }
}

/**
 * dA[the window position holding the maximum (the first one in row-major order, as TF.js and PyTorch),
 * if that maximum is > 0] = dOut: the pooling's gradient and the ReLU's before it in one pass. `out` is
 * maxPool's output. Writes every position of every window; rows or columns outside all windows (odd h
 * or w) are left as they are, so the caller zeroes dA beforehand.
 */
export function maxPoolBack(a: usize, batch: i32, h: i32, w: i32, c: i32, out: usize, dOut: usize, dA: usize): void {
  const pixel = <usize>c * 4;
  const row = <usize>w * pixel;
  const zero = f32x4.splat(0);
  let po: usize = 0;
  for (let b = 0; b < batch; b++) {
    for (let ph = 0; ph < h >> 1; ph++) {
      const top = <usize>(b * h + 2 * ph) * row;
      for (let pw = 0; pw < w >> 1; pw++) {
        const p0 = top + <usize>(2 * pw) * pixel;
        for (let q: usize = 0; q < pixel; q += 16) {
          const max = v128.load(out + po + q);
          const g = v128.and(v128.load(dOut + po + q), f32x4.gt(max, zero));
          let at = p0 + q;
          let first = f32x4.eq(v128.load(a + at), max);
          v128.store(dA + at, v128.and(g, first));
          let taken = first;
          at += pixel;
          first = v128.andnot(f32x4.eq(v128.load(a + at), max), taken);
          v128.store(dA + at, v128.and(g, first));
          taken = v128.or(taken, first);
          at += row - pixel;
          first = v128.andnot(f32x4.eq(v128.load(a + at), max), taken);
          v128.store(dA + at, v128.and(g, first));
          taken = v128.or(taken, first);
          at += pixel;
          first = v128.andnot(f32x4.eq(v128.load(a + at), max), taken);
          v128.store(dA + at, v128.and(g, first));
        }
        po += pixel;
      }
    }
  }
}
