// The fused trainers' kernels in WebAssembly SIMD (f32x4): a register-tiled matrix product with bias and
// ReLU folded into its store, and the element-wise steps of a backward pass and of an SGD/momentum update.
// Assembled once per process from the code below (see wasmAssembler.ts); every kernel works on byte
// addresses in one shared memory, so a whole training step runs without copies or allocation.
import { assembleModule, FunctionWriter, Local } from './wasmAssembler';

/** The matrix product's register tile: rows of A per block, and columns of B per block (two f32x4). */
export const GEMM_ROWS = 4;
export const GEMM_COLUMNS = 8;

// The project compiles against lib ES2022 without the DOM, which is where TypeScript declares WebAssembly:
// the few members used here, typed locally.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface SimdKernels {
  memory: WasmMemory;
  /**
   * C[i, j] = Σ_p A(i, p) · B[p, j] (+ bias[j]) (then ReLU), for i < m, j < n, p < k, where A(i, p) is at
   * a + i·aRow + p·aCol, so that A may be read transposed. Addresses and strides in bytes; m a multiple of
   * GEMM_ROWS, n of GEMM_COLUMNS, k ≥ 1, B's and C's rows 16-byte aligned. bias 0 = none; accumulate
   * adds to C instead (bias ignored), so that a long k can be taken in cache-sized pieces.
   */
  gemm(a: number, aRow: number, aCol: number, b: number, bRow: number, c: number, cRow: number, m: number, n: number, k: number, bias: number, relu: number, accumulate: number): void;
  /** Convolution patches (im2col), see `patches` below; and the adjoint, which adds them back. */
  im2col(x: number, batch: number, h: number, w: number, c: number, ks: number, cols: number, kp: number): void;
  col2im(x: number, batch: number, h: number, w: number, c: number, ks: number, cols: number, kp: number): void;
  /** 2×2 max pooling, NHWC, c a multiple of 4; and its gradient fused with the preceding ReLU's. */
  maxPool(a: number, batch: number, h: number, w: number, c: number, out: number): void;
  maxPoolBack(a: number, batch: number, h: number, w: number, c: number, out: number, dOut: number, dA: number): void;
  /** out[j] = Σ_{r < rows} g[r·gRow + j] for j < n (a multiple of 4), rows ≥ 1. */
  colSum(g: number, gRow: number, rows: number, n: number, out: number): void;
  /** grad[i] = act[i] > 0 ? grad[i] : 0 for i < count (a multiple of 4). */
  reluMask(act: number, grad: number, count: number): void;
  /** dst (cols × rows) = srcᵀ, src rows × cols, both packed. */
  transpose(src: number, rows: number, cols: number, dst: number): void;
  /**
   * g += wd·p (when wd ≠ 0); then mode 0 (SGD): p −= lr·g; 1 (momentum): v = mu·v + g, p −= lr·v;
   * 2 (Nesterov): v = mu·v + g, p −= lr·(g + mu·v). count a multiple of 4.
   */
  sgdUpdate(p: number, g: number, v: number, count: number, lr: number, mu: number, wd: number, mode: number): void;
}

function gemm(): FunctionWriter {
  const f = new FunctionWriter('gemm', Array.from({ length: 13 }, () => 'i32' as const));
  const [a, aRow, aCol, b, bRow, c, cRow, m, n, k, bias, relu, accumulate] = Array.from({ length: 13 }, (_, i) => f.param(i));
  const [i, j, pb, p, pc, nb] = Array.from({ length: 6 }, () => f.local('i32'));
  const pa = Array.from({ length: GEMM_ROWS }, () => f.local('i32'));
  const acc = Array.from({ length: GEMM_ROWS * 2 }, () => f.local('v128'));
  const [b0, b1, s, zero] = Array.from({ length: 4 }, () => f.local('v128'));
  f.get(n).i32(4).mul().set(nb);
  f.v128Zero().set(zero);
  f.for(i, () => f.i32(0), () => f.get(m), () => f.i32(GEMM_ROWS), () => {
    f.for(j, () => f.i32(0), () => f.get(nb), () => f.i32(GEMM_COLUMNS * 4), () => {
      f.get(accumulate).ifElse(
        () => {
          f.get(c).get(i).get(cRow).mul().add().get(j).add().set(pc);
          for (let r = 0; r < GEMM_ROWS; r++) {
            f.get(pc).v128Load(0).set(acc[2 * r]);
            f.get(pc).v128Load(16).set(acc[2 * r + 1]);
            f.get(pc).get(cRow).add().set(pc);
          }
        },
        () =>
          f.get(bias).ifElse(
            () => {
              for (let r = 0; r < GEMM_ROWS; r++) {
                f.get(bias).get(j).add().v128Load(0).set(acc[2 * r]);
                f.get(bias).get(j).add().v128Load(16).set(acc[2 * r + 1]);
              }
            },
            () => acc.forEach((x) => f.get(zero).set(x)),
          ),
      );
      f.get(a).get(i).get(aRow).mul().add().set(pa[0]);
      for (let r = 1; r < GEMM_ROWS; r++) f.get(pa[r - 1]).get(aRow).add().set(pa[r]);
      f.get(b).get(j).add().set(pb);
      f.get(k).set(p);
      f.repeat(p, () => {
        f.get(pb).v128Load(0).set(b0);
        f.get(pb).v128Load(16).set(b1);
        for (let r = 0; r < GEMM_ROWS; r++) {
          f.get(acc[2 * r]).get(pa[r]).loadSplat(0).tee(s).get(b0).vMul().vAdd().set(acc[2 * r]);
          f.get(acc[2 * r + 1]).get(s).get(b1).vMul().vAdd().set(acc[2 * r + 1]);
          f.get(pa[r]).get(aCol).add().set(pa[r]);
        }
        f.get(pb).get(bRow).add().set(pb);
      });
      f.get(relu).ifElse(() => acc.forEach((x) => f.get(x).get(zero).vMax().set(x)));
      f.get(c).get(i).get(cRow).mul().add().get(j).add().set(pc);
      for (let r = 0; r < GEMM_ROWS; r++) {
        f.get(pc).get(acc[2 * r]).v128Store(0);
        f.get(pc).get(acc[2 * r + 1]).v128Store(16);
        f.get(pc).get(cRow).add().set(pc);
      }
    });
  });
  return f;
}

/** Copies (or adds) n floats from src to dst, four at a time then one at a time. */
function emitRun(f: FunctionWriter, src: Local, dst: Local, n: Local, q: Local, end: Local, add: boolean): void {
  f.get(n).i32(-4).and().i32(4).mul().set(end);
  f.for(q, () => f.i32(0), () => f.get(end), () => f.i32(16), () => {
    f.get(dst).get(q).add();
    if (add) f.get(dst).get(q).add().v128Load(0);
    f.get(src).get(q).add().v128Load(0);
    if (add) f.vAdd();
    f.v128Store(0);
  });
  f.get(n).i32(4).mul().set(end);
  f.for(q, () => f.get(q), () => f.get(end), () => f.i32(4), () => {
    f.get(dst).get(q).add();
    if (add) f.get(dst).get(q).add().f32Load(0);
    f.get(src).get(q).add().f32Load(0);
    if (add) f.f32Add();
    f.f32Store(0);
  });
}

/**
 * The rows of a ks×ks "valid" convolution's input patches, NHWC: for each image b < batch and output
 * position (oh, ow), the row cols[(b, oh, ow), (kh, kw, c)] = x[b, oh + kh, ow + kw, c], rows kp floats
 * apart. With `back` set, the adjoint instead: x[…] += cols[…] (x zeroed beforehand by the caller).
 */
function patches(name: string, back: boolean): FunctionWriter {
  const f = new FunctionWriter(name, Array.from({ length: 8 }, () => 'i32' as const));
  const [x, batch, h, w, c, ks, cols, kp] = Array.from({ length: 8 }, (_, i) => f.param(i));
  const [bi, oh, ow, kh, xb, pc, pr, src, run, q, end, ho, wo] = Array.from({ length: 13 }, () => f.local('i32'));
  f.get(h).get(ks).sub().i32(1).add().set(ho);
  f.get(w).get(ks).sub().i32(1).add().set(wo);
  f.get(ks).get(c).mul().set(run);
  f.get(cols).set(pc);
  f.for(bi, () => f.i32(0), () => f.get(batch), () => f.i32(1), () => {
    f.get(x).get(bi).get(h).mul().get(w).mul().get(c).mul().i32(4).mul().add().set(xb);
    f.for(oh, () => f.i32(0), () => f.get(ho), () => f.i32(1), () => {
      f.for(ow, () => f.i32(0), () => f.get(wo), () => f.i32(1), () => {
        f.get(pc).set(pr);
        f.for(kh, () => f.i32(0), () => f.get(ks), () => f.i32(1), () => {
          f.get(xb).get(oh).get(kh).add().get(w).mul().get(ow).add().get(c).mul().i32(4).mul().add().set(src);
          if (back) emitRun(f, pr, src, run, q, end, true);
          else emitRun(f, src, pr, run, q, end, false);
          f.get(pr).get(run).i32(4).mul().add().set(pr);
        });
        f.get(pc).get(kp).i32(4).mul().add().set(pc);
      });
    });
  });
  return f;
}

/**
 * 2×2 max pooling, stride 2, "valid", NHWC with c a multiple of 4: out[b, i, j] = max of a's window.
 * With `back` set: dA[window position holding the max (the first one, row-major, as TF.js), if > 0]
 * = dOut, which is the pooling's gradient and the ReLU's before it in one pass (dA zeroed by the caller).
 */
function maxPool(back: boolean): FunctionWriter {
  const f = new FunctionWriter(back ? 'maxPoolBack' : 'maxPool', Array.from({ length: back ? 8 : 6 }, () => 'i32' as const));
  const [a, batch, h, w, c, out] = Array.from({ length: 6 }, (_, i) => f.param(i));
  const [dOut, dA] = back ? [f.param(6), f.param(7)] : [];
  const [bi, ph, pw, q, row, pix, po, p0, pq, ho, wo] = Array.from({ length: 11 }, () => f.local('i32'));
  const [mx, d, taken, e, zero] = Array.from({ length: 5 }, () => f.local('v128'));
  f.v128Zero().set(zero);
  f.get(h).i32(1).shrU().set(ho);
  f.get(w).i32(1).shrU().set(wo);
  f.get(c).i32(4).mul().set(pix);
  f.get(w).get(pix).mul().set(row);
  f.i32(0).set(po);
  const offsets = [0, pix, row, -1]; // -1: row + pix
  const at = (base: Local, k: number) => {
    f.get(base).get(pq).add();
    if (k === 1) f.get(pix).add();
    if (k === 2) f.get(row).add();
    if (k === 3) f.get(row).add().get(pix).add();
  };
  f.for(bi, () => f.i32(0), () => f.get(batch), () => f.i32(1), () => {
    f.for(ph, () => f.i32(0), () => f.get(ho), () => f.i32(1), () => {
      f.get(bi).get(h).mul().get(ph).i32(2).mul().add().get(row).mul().set(p0);
      f.for(pw, () => f.i32(0), () => f.get(wo), () => f.i32(1), () => {
        f.for(q, () => f.i32(0), () => f.get(pix), () => f.i32(16), () => {
          f.get(p0).get(pw).get(pix).mul().i32(2).mul().add().get(q).add().set(pq);
          if (!back) {
            f.get(out!).get(po).add().get(q).add();
            at(a, 0);
            f.v128Load(0);
            at(a, 1);
            f.v128Load(0).vMax();
            at(a, 2);
            f.v128Load(0);
            at(a, 3);
            f.v128Load(0).vMax().vMax().v128Store(0);
            return;
          }
          f.get(out).get(po).add().get(q).add().v128Load(0).set(mx);
          f.get(dOut!).get(po).add().get(q).add().v128Load(0).get(mx).get(zero).vGt().vAnd().set(d);
          f.get(zero).set(taken);
          offsets.forEach((_, k) => {
            at(a, k);
            f.v128Load(0).get(mx).vEq().get(taken).vAndNot().set(e);
            at(dA!, k);
            f.get(d).get(e).vAnd().v128Store(0);
            f.get(taken).get(e).vOr().set(taken);
          });
        });
        f.get(po).get(pix).add().set(po);
      });
    });
  });
  return f;
}

function colSum(): FunctionWriter {
  const f = new FunctionWriter('colSum', ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [g, gRow, rows, n, out] = Array.from({ length: 5 }, (_, i) => f.param(i));
  const [j, pg, r, nb] = Array.from({ length: 4 }, () => f.local('i32'));
  const sum = f.local('v128');
  f.get(n).i32(4).mul().set(nb);
  f.for(j, () => f.i32(0), () => f.get(nb), () => f.i32(16), () => {
    f.v128Zero().set(sum);
    f.get(g).get(j).add().set(pg);
    f.get(rows).set(r);
    f.repeat(r, () => {
      f.get(sum).get(pg).v128Load(0).vAdd().set(sum);
      f.get(pg).get(gRow).add().set(pg);
    });
    f.get(out).get(j).add().get(sum).v128Store(0);
  });
  return f;
}

function reluMask(): FunctionWriter {
  const f = new FunctionWriter('reluMask', ['i32', 'i32', 'i32']);
  const [act, grad, count] = [0, 1, 2].map((i) => f.param(i));
  const [o, end] = [f.local('i32'), f.local('i32')];
  const zero = f.local('v128');
  f.v128Zero().set(zero);
  f.get(count).i32(4).mul().set(end);
  f.for(o, () => f.i32(0), () => f.get(end), () => f.i32(16), () => {
    f.get(grad).get(o).add();
    f.get(grad).get(o).add().v128Load(0);
    f.get(act).get(o).add().v128Load(0).get(zero).vGt();
    f.vAnd().v128Store(0);
  });
  return f;
}

function transpose(): FunctionWriter {
  const f = new FunctionWriter('transpose', ['i32', 'i32', 'i32', 'i32']);
  const [src, rows, cols, dst] = [0, 1, 2, 3].map((i) => f.param(i));
  const [r, c, ps, pd, step] = Array.from({ length: 5 }, () => f.local('i32'));
  // Writes in order and reads with a stride: strided stores cost far more than strided loads.
  f.get(cols).i32(4).mul().set(step);
  f.get(dst).set(pd);
  f.for(c, () => f.i32(0), () => f.get(cols), () => f.i32(1), () => {
    f.get(src).get(c).i32(4).mul().add().set(ps);
    f.for(r, () => f.i32(0), () => f.get(rows), () => f.i32(1), () => {
      f.get(pd).get(ps).f32Load(0).f32Store(0);
      f.get(pd).i32(4).add().set(pd);
      f.get(ps).get(step).add().set(ps);
    });
  });
  return f;
}

function sgdUpdate(): FunctionWriter {
  const f = new FunctionWriter('sgdUpdate', ['i32', 'i32', 'i32', 'i32', 'f32', 'f32', 'f32', 'i32']);
  const [p, g, v, count] = [0, 1, 2, 3].map((i) => f.param(i));
  const [lr, mu, wd, mode] = [4, 5, 6, 7].map((i) => f.param(i));
  const [o, end, useWd] = [f.local('i32'), f.local('i32'), f.local('i32')];
  const [lrV, muV, wdV, gv, vv, stepV] = Array.from({ length: 6 }, () => f.local('v128'));
  f.get(lr).splat().set(lrV);
  f.get(mu).splat().set(muV);
  f.get(wd).splat().set(wdV);
  f.get(wd).f32(0).f32Ne().set(useWd);
  f.get(count).i32(4).mul().set(end);
  const at = (base: Local) => f.get(base).get(o).add();
  f.for(o, () => f.i32(0), () => f.get(end), () => f.i32(16), () => {
    at(g).v128Load(0).set(gv);
    f.get(useWd).ifElse(() => f.get(gv).get(wdV).get(p).get(o).add().v128Load(0).vMul().vAdd().set(gv));
    f.get(mode).eqz().ifElse(
      () => f.get(gv).set(stepV),
      () => {
        f.get(muV);
        at(v).v128Load(0);
        f.vMul().get(gv).vAdd().set(vv);
        at(v).get(vv).v128Store(0);
        f.get(mode).i32(2).ne().ifElse(
          () => f.get(vv).set(stepV),
          () => f.get(gv).get(muV).get(vv).vMul().vAdd().set(stepV),
        );
      },
    );
    at(p);
    at(p).v128Load(0).get(lrV).get(stepV).vMul().vSub();
    f.v128Store(0);
  });
  return f;
}

let compiled: object | null | undefined;

/** The compiled kernels, or null where the runtime has no WebAssembly SIMD. */
function kernelModule(): object | null {
  if (compiled === undefined) {
    const bytes = assembleModule([gemm(), colSum(), reluMask(), transpose(), sgdUpdate(), patches('im2col', false), patches('col2im', true), maxPool(false), maxPool(true)]);
    compiled = wasm?.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return compiled;
}

export function simdAvailable(): boolean {
  return kernelModule() !== null;
}

/** An instance of the kernels over a fresh memory of at least `bytes` bytes. */
export function instantiateKernels(bytes: number): SimdKernels {
  const module = kernelModule();
  if (!module) throw new Error('this runtime has no WebAssembly SIMD');
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const instance = new wasm.Instance(module, { env: { memory } });
  return { memory, ...(instance.exports as unknown as Omit<SimdKernels, 'memory'>) };
}
