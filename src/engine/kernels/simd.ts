// Helpers the kernels share.

/**
 * acc + a·b per lane. Where the runtime has relaxed SIMD (the build makes a second binary with it) this is
 * one fused multiply-add; else a multiply then an add, rounded twice.
 */
export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}
