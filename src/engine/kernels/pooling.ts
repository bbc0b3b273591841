// Max pooling and its gradient, NHWC. Pointers in bytes.

/** 2×2 max pooling, stride 2, "valid", c a multiple of 4: out[b, i, j, ch] = max of a's 2×2 window. */
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
 * Max pooling's gradient for any window (fh × fw), stride and padding, NHWC: each output's gradient
 * dy[b, oh, ow, ch] goes to the position of its window that holds the maximum (the first one in row-major
 * order, as TF.js and PyTorch), found by comparing with the pooling's output `y`. With `relu` set, only
 * where that maximum is > 0: the gradient of a ReLU before the pooling in the same pass. Windows that
 * overlap (stride < window) add up, others are stored, so where every input position is in some window
 * and windows do not overlap (2×2, stride 2, even sizes) dx need not be zeroed beforehand. Four channels
 * at a time where c is a multiple of 4.
 */
export function maxPoolGrad(x: usize, batch: i32, h: i32, w: i32, c: i32, y: usize, dy: usize, dx: usize, outH: i32, outW: i32, fh: i32, fw: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32, relu: bool): void {
  if (fh == 2 && fw == 2 && strideH == 2 && strideW == 2 && padTop == 0 && padLeft == 0 && c % 4 == 0 && 2 * outH <= h && 2 * outW <= w) {
    maxPoolGrad2x2(x, batch, h, w, c, y, dy, dx, outH, outW, relu);
    return;
  }
  const overlap = strideH < fh || strideW < fw;
  const pixel = <usize>c * 4;
  const row = <usize>w * pixel;
  const step: usize = c % 4 == 0 ? 16 : 4;
  const zero = f32x4.splat(0);
  let po: usize = 0;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      const h0 = max(oh * strideH - padTop, 0);
      const h1 = min(oh * strideH - padTop + fh, h);
      for (let ow = 0; ow < outW; ow++) {
        const w0 = max(ow * strideW - padLeft, 0);
        const w1 = min(ow * strideW - padLeft + fw, w);
        const first = <usize>(b * h + h0) * row + <usize>w0 * pixel;
        for (let q: usize = 0; q < pixel; q += step) {
          let taken = zero;
          let g: v128, top: v128;
          if (step == 16) {
            top = v128.load(y + po + q);
            g = v128.load(dy + po + q);
          } else {
            top = f32x4.splat(load<f32>(y + po + q));
            g = f32x4.splat(load<f32>(dy + po + q));
          }
          if (relu) g = v128.and(g, f32x4.gt(top, zero));
          let rowAt = first + q;
          for (let ih = h0; ih < h1; ih++) {
            let at = rowAt;
            for (let iw = w0; iw < w1; iw++) {
              const value = step == 16 ? v128.load(x + at) : f32x4.splat(load<f32>(x + at));
              const hit = v128.andnot(f32x4.eq(value, top), taken);
              taken = v128.or(taken, hit);
              let share = v128.and(g, hit);
              if (step == 16) {
                if (overlap) share = f32x4.add(share, v128.load(dx + at));
                v128.store(dx + at, share);
              } else {
                const lane = f32x4.extract_lane(share, 0);
                store<f32>(dx + at, overlap ? lane + load<f32>(dx + at) : lane);
              }
              at += pixel;
            }
            rowAt += row;
          }
        }
        po += pixel;
      }
    }
  }
}

/** maxPoolGrad's common case, unrolled: 2×2 windows, stride 2, no padding, c a multiple of 4. */
function maxPoolGrad2x2(x: usize, batch: i32, h: i32, w: i32, c: i32, y: usize, dy: usize, dx: usize, outH: i32, outW: i32, relu: bool): void {
  const pixel = <usize>c * 4;
  const row = <usize>w * pixel;
  const zero = f32x4.splat(0);
  let po: usize = 0;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      const top = <usize>(b * h + 2 * oh) * row;
      for (let ow = 0; ow < outW; ow++) {
        const p0 = top + <usize>(2 * ow) * pixel;
        for (let q: usize = 0; q < pixel; q += 16) {
          const max = v128.load(y + po + q);
          let g = v128.load(dy + po + q);
          if (relu) g = v128.and(g, f32x4.gt(max, zero));
          let at = p0 + q;
          let hit = f32x4.eq(v128.load(x + at), max);
          v128.store(dx + at, v128.and(g, hit));
          let taken = hit;
          at += pixel;
          hit = v128.andnot(f32x4.eq(v128.load(x + at), max), taken);
          v128.store(dx + at, v128.and(g, hit));
          taken = v128.or(taken, hit);
          at += row - pixel;
          hit = v128.andnot(f32x4.eq(v128.load(x + at), max), taken);
          v128.store(dx + at, v128.and(g, hit));
          taken = v128.or(taken, hit);
          at += pixel;
          hit = v128.andnot(f32x4.eq(v128.load(x + at), max), taken);
          v128.store(dx + at, v128.and(g, hit));
        }
        po += pixel;
      }
    }
  }
}
