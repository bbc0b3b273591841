// The engine's WebAssembly SIMD kernels (f32x4), compiled by scripts/build.mjs to dist/engineKernels.wasm
// (and dist/engineKernels-relaxed.wasm, with fused multiply-add, for runtimes that have relaxed SIMD).
// Every kernel works on byte addresses in one memory that the host provides, so a whole training step runs
// without copies or allocation. src/engine/simdKernels.ts is the typed host side.
export { gemm } from './gemm';
export { im2col, col2im } from './patches';
export { maxPool, maxPoolGrad } from './pooling';
export { colSum, reluMask, transpose } from './elementwise';
export { sgdUpdate, adamUpdate, rmspropUpdate } from './optimizers';
