// The optimizers' update rules, PyTorch's, over one flat parameter vector in float32: the only
// implementation of them; both training paths (the fused trainers and TF.js Layers) run these
// (see ../optimizers.ts). Each operation in the order, and with the rounding, of a float32 tensor program.
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
    if (wd != 0) grad = f32x4.add(grad, f32x4.mul(v128.load(p + o), wdV));
    let step = grad;
    if (mode != SGD) {
      const velocity = f32x4.add(f32x4.mul(v128.load(v + o), muV), grad);
      v128.store(v + o, velocity);
      step = mode == NESTEROV ? f32x4.add(grad, f32x4.mul(muV, velocity)) : velocity;
    }
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(lrV, step)));
  }
}

/**
 * Adam (weight decay as l2, decay = 1) and AdamW (l2 = 0, decay = 1 − lr·wd):
 * g += l2·p (when l2 ≠ 0); m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²;
 * p = p·decay − lr·(m / c1) / (√(v / c2) + ε), with c1 = 1 − β1^t and c2 = 1 − β2^t.
 */
export function adamUpdate(p: usize, g: usize, m: usize, v: usize, count: i32, lr: f32, l2: f32, decay: f32, beta1: f32, beta2: f32, epsilon: f32, c1: f32, c2: f32): void {
  const lrV = f32x4.splat(lr);
  const l2V = f32x4.splat(l2);
  const decayV = f32x4.splat(decay);
  const beta1V = f32x4.splat(beta1);
  const beta2V = f32x4.splat(beta2);
  const rest1 = f32x4.splat(1 - beta1);
  const rest2 = f32x4.splat(1 - beta2);
  const epsilonV = f32x4.splat(epsilon);
  const c1V = f32x4.splat(c1);
  const c2V = f32x4.splat(c2);
  for (let o: usize = 0; o < <usize>count * 4; o += 16) {
    let param = v128.load(p + o);
    let grad = v128.load(g + o);
    if (l2 != 0) grad = f32x4.add(grad, f32x4.mul(param, l2V));
    param = f32x4.mul(param, decayV); // exact where decay = 1
    const first = f32x4.add(f32x4.mul(v128.load(m + o), beta1V), f32x4.mul(grad, rest1));
    const second = f32x4.add(f32x4.mul(v128.load(v + o), beta2V), f32x4.mul(f32x4.mul(grad, grad), rest2));
    v128.store(m + o, first);
    v128.store(v + o, second);
    const step = f32x4.div(f32x4.mul(f32x4.div(first, c1V), lrV), f32x4.add(f32x4.sqrt(f32x4.div(second, c2V)), epsilonV));
    v128.store(p + o, f32x4.sub(param, step));
  }
}

/** RMSProp: g += wd·p (when wd ≠ 0); s = α·s + (1 − α)·g²; p −= lr·g / (√s + ε). */
export function rmspropUpdate(p: usize, g: usize, s: usize, count: i32, lr: f32, wd: f32, alpha: f32, epsilon: f32): void {
  const lrV = f32x4.splat(lr);
  const wdV = f32x4.splat(wd);
  const alphaV = f32x4.splat(alpha);
  const restV = f32x4.splat(1 - alpha);
  const epsilonV = f32x4.splat(epsilon);
  for (let o: usize = 0; o < <usize>count * 4; o += 16) {
    const param = v128.load(p + o);
    let grad = v128.load(g + o);
    if (wd != 0) grad = f32x4.add(grad, f32x4.mul(param, wdV));
    const square = f32x4.add(f32x4.mul(v128.load(s + o), alphaV), f32x4.mul(f32x4.mul(grad, grad), restV));
    v128.store(s + o, square);
    v128.store(p + o, f32x4.sub(param, f32x4.div(f32x4.mul(grad, lrV), f32x4.add(f32x4.sqrt(square), epsilonV))));
  }
}
