// The host side of the engine's WebAssembly SIMD kernels. Their source is AssemblyScript in
// src/engine/kernels/ (read it there); scripts/build.mjs compiles it to dist/engineKernels.wasm and, with
// fused multiply-add, dist/engineKernels-relaxed.wasm, which runs where the runtime has relaxed SIMD
// (Node ≥ 22, VS Code's extension host; Node 20 has it only behind a flag). This file finds the binary,
// compiles it once per process, and types its exports.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The matrix product's register tile (kernels/gemm.ts): rows of A per block, and columns of B per block. */
export const GEMM_ROWS = 4;
export const GEMM_COLUMNS = 8;

/** Optimizer modes of sgdUpdate (kernels/optimizers.ts). */
export const SGD_MODE = { sgd: 0, momentum: 1, nesterov: 2 } as const;

// The project compiles against lib ES2022 without the DOM, which is where TypeScript declares WebAssembly:
// the few members used here, typed locally.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** The kernels' exports; pointers and strides are byte addresses in `memory`. See src/engine/kernels/. */
export interface KernelExports {
  gemm(a: number, aRow: number, aCol: number, b: number, bRow: number, c: number, cRow: number, m: number, n: number, k: number, bias: number, relu: boolean, accumulate: boolean): void;
  im2col(x: number, batch: number, h: number, w: number, c: number, ks: number, ho: number, wo: number, cols: number, kp: number): void;
  col2im(x: number, batch: number, h: number, w: number, c: number, ks: number, ho: number, wo: number, cols: number, kp: number): void;
  maxPool(a: number, batch: number, h: number, w: number, c: number, out: number): void;
  maxPoolGrad(x: number, batch: number, h: number, w: number, c: number, y: number, dy: number, dx: number, outH: number, outW: number, fh: number, fw: number, strideH: number, strideW: number, padTop: number, padLeft: number, relu: boolean): void;
  colSum(g: number, gRow: number, rows: number, n: number, out: number, accumulate: boolean): void;
  reluMask(act: number, grad: number, count: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  sgdUpdate(p: number, g: number, v: number, count: number, lr: number, mu: number, wd: number, mode: number): void;
  adamUpdate(p: number, g: number, m: number, v: number, count: number, lr: number, l2: number, decay: number, beta1: number, beta2: number, epsilon: number, c1: number, c2: number): void;
  rmspropUpdate(p: number, g: number, s: number, count: number, lr: number, wd: number, alpha: number, epsilon: number): void;
}

export interface SimdKernels extends KernelExports {
  memory: WasmMemory;
}

const KERNEL_NAMES: ReadonlyArray<keyof KernelExports> = ['gemm', 'im2col', 'col2im', 'maxPool', 'maxPoolGrad', 'colSum', 'reluMask', 'transpose', 'sgdUpdate', 'adamUpdate', 'rmspropUpdate'];

function hasEveryKernel(exports: Record<string, unknown>): exports is Record<string, unknown> & KernelExports {
  return KERNEL_NAMES.every((name) => typeof exports[name] === 'function');
}

/** Beside the bundle (dist/), or, run from tsc's out/src/engine (tests, benchmarks), in the build's dist/. */
function findBinary(name: string): string {
  const candidates = [join(__dirname, name), join(__dirname, '..', '..', '..', 'dist', name)];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`the engine's kernels (${name}) were not found beside the program: run 'npm run build'`);
  return found;
}

/** The kernels compiled: a WebAssembly.Module, which worker threads receive compiled (structured clone). */
export interface CompiledKernels {
  module: object;
  fusedMultiplyAdd: boolean;
}

let compiled: CompiledKernels | null | undefined;

/** Adopts kernels another thread compiled (a range test's threads get the main thread's), instead of compiling them again. */
export function useCompiledKernels(kernels: CompiledKernels): void {
  compiled ??= kernels;
}

/** The compiled kernels (the relaxed-SIMD build where this runtime validates it), or null without SIMD. */
export function kernelModule(): CompiledKernels | null {
  if (compiled === undefined) {
    const plain = new Uint8Array(readFileSync(findBinary('engineKernels.wasm')));
    if (wasm?.validate(plain)) {
      const relaxed = new Uint8Array(readFileSync(findBinary('engineKernels-relaxed.wasm')));
      const fusedMultiplyAdd = wasm.validate(relaxed);
      compiled = { module: new wasm.Module(fusedMultiplyAdd ? relaxed : plain), fusedMultiplyAdd };
    } else {
      compiled = null;
    }
  }
  return compiled;
}

export function simdAvailable(): boolean {
  return kernelModule() !== null;
}

/** Whether the kernels run with fused multiply-add (relaxed SIMD), for benchmarks and diagnostics. */
export function fusedMultiplyAdd(): boolean {
  return kernelModule()?.fusedMultiplyAdd ?? false;
}

/** An instance of the kernels over a fresh memory of at least `bytes` bytes. */
export function instantiateKernels(bytes: number): SimdKernels {
  const kernels = kernelModule();
  if (!kernels || !wasm) throw new Error('this runtime has no WebAssembly SIMD');
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const { exports } = new wasm.Instance(kernels.module, { env: { memory } });
  if (!hasEveryKernel(exports)) throw new Error(`the engine's kernels binary lacks some of ${KERNEL_NAMES.join(', ')}: run 'npm run build'`);
  return { ...exports, memory };
}
