// A 3×3 (ks×ks) "valid" convolution as a matrix product: its input patches as rows (im2col), and the
// adjoint that adds a patches' gradient back onto the image (col2im). NHWC, pointers in bytes.

/**
 * For each image b < batch and output position (oh < ho, ow < wo), the row cols[(b, oh, ow), (kh, kw, c)]
 * = x[b, oh + kh, ow + kw, c], rows kp floats apart. ho and wo may be less than the h − ks + 1 and
 * w − ks + 1 outputs the image has: a pooling layer that follows may read only some of them.
 */
export function im2col(x: usize, batch: i32, h: i32, w: i32, c: i32, ks: i32, ho: i32, wo: i32, cols: usize, kp: i32): void {
  patches(x, batch, h, w, c, ks, ho, wo, cols, kp, false);
}

/** The adjoint of im2col: x[…] += cols[…] (x zeroed beforehand by the caller). */
export function col2im(x: usize, batch: i32, h: i32, w: i32, c: i32, ks: i32, ho: i32, wo: i32, cols: usize, kp: i32): void {
  patches(x, batch, h, w, c, ks, ho, wo, cols, kp, true);
}

function patches(x: usize, batch: i32, h: i32, w: i32, c: i32, ks: i32, ho: i32, wo: i32, cols: usize, kp: i32, back: bool): void {
  // One kernel row of a patch is ks·c consecutive floats of the image: copied as one run.
  const run = <usize>(ks * c) * 4;
  const pixel = <usize>c * 4;
  const imageRow = <usize>w * pixel;
  let row = cols;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>(b * h) * imageRow;
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        let patch = row;
        let src = image + <usize>oh * imageRow + <usize>ow * pixel;
        for (let kh = 0; kh < ks; kh++) {
          if (back) addRun(patch, src, run);
          else copyRun(src, patch, run);
          patch += run;
          src += imageRow;
        }
        row += <usize>kp * 4;
      }
    }
  }
}

function copyRun(src: usize, dst: usize, bytes: usize): void {
  let q: usize = 0;
  for (; q + 16 <= bytes; q += 16) v128.store(dst + q, v128.load(src + q));
  // The rest (up to three floats: a one-channel image's kernel row) in at most two moves.
  if (q + 8 <= bytes) {
    store<u64>(dst + q, load<u64>(src + q));
    q += 8;
  }
  if (q < bytes) store<f32>(dst + q, load<f32>(src + q));
}

function addRun(src: usize, dst: usize, bytes: usize): void {
  let q: usize = 0;
  for (; q + 16 <= bytes; q += 16) v128.store(dst + q, f32x4.add(v128.load(dst + q), v128.load(src + q)));
  for (; q < bytes; q += 4) store<f32>(dst + q, load<f32>(dst + q) + load<f32>(src + q));
}
