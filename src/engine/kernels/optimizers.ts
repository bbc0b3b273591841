// The optimizers' update rules over one flat parameter vector, PyTorch's rules (see ../optimizers.ts).
// Pointers in bytes, count in floats (a multiple of 4).

export const SGD = 0;
export const MOMENTUM = 1;
export const NESTEROV = 2;

/**
 * g += wd·p (when wd ≠ 0); then SGD: p −= lr·g; momentum: v = mu·v + g, p −= lr·v;
 * Nesterov: v = mu·v + g, p −= lr·(g + mu·v).
 */
export function sgdUpdate(p: usize, g: usize, v: usize, count: i32, lr: f32, mu: f32, wd: f32, mode: i32): void {
  const lrV = f32x4.splat(lr);
  const muV = f32x4.splat(mu);
  const wdV = f32x4.splat(wd);
  for (let o: usize = 0; o < <usize>count * 4; o += 16) {
    let grad = v128.load(g + o);
    if (wd != 0) grad = f32x4.add(grad, f32x4.mul(wdV, v128.load(p + o)));
    let step = grad;
    if (mode != SGD) {
      const velocity = f32x4.add(f32x4.mul(muV, v128.load(v + o)), grad);
      v128.store(v + o, velocity);
      step = mode == NESTEROV ? f32x4.add(grad, f32x4.mul(muV, velocity)) : velocity;
    }
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(lrV, step)));
  }
}
