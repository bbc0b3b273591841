// A minimal WebAssembly binary writer: just enough (i32/f32 scalars, SIMD128 f32x4, loops) to write the
// engine's training kernels in TypeScript. There is no WASM compiler on the machines this ships to, and a
// hand-assembled module of a few kilobytes needs no build step and no dependency.

export type ValueType = 'i32' | 'f32' | 'v128';

const TYPE_CODE: Record<ValueType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

function uleb(n: number, out: number[]): void {
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
}

function sleb(n: number, out: number[]): void {
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

function name(text: string, out: number[]): void {
  const bytes = new TextEncoder().encode(text);
  uleb(bytes.length, out);
  out.push(...bytes);
}

/** A local variable (parameters included), by index. */
export type Local = number & { readonly __local: unique symbol };

/** Writes one function body. Instruction methods return `this` so that code reads as a stack program. */
export class FunctionWriter {
  readonly code: number[] = [];
  private readonly localTypes: ValueType[] = [];

  constructor(
    readonly exportName: string,
    readonly params: ValueType[],
    readonly results: ValueType[] = [],
  ) {}

  param(index: number): Local {
    return index as Local;
  }

  local(type: ValueType): Local {
    this.localTypes.push(type);
    return (this.params.length + this.localTypes.length - 1) as Local;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  private simd(opcode: number): this {
    this.code.push(0xfd);
    uleb(opcode, this.code);
    return this;
  }

  private memarg(align: number, offset: number): this {
    uleb(align, this.code);
    uleb(offset, this.code);
    return this;
  }

  get(l: Local): this {
    this.op(0x20);
    uleb(l, this.code);
    return this;
  }
  set(l: Local): this {
    this.op(0x21);
    uleb(l, this.code);
    return this;
  }
  tee(l: Local): this {
    this.op(0x22);
    uleb(l, this.code);
    return this;
  }
  i32(n: number): this {
    this.op(0x41);
    sleb(n | 0, this.code);
    return this;
  }
  f32(x: number): this {
    this.op(0x43);
    const b = new Uint8Array(new Float32Array([x]).buffer);
    this.code.push(...b);
    return this;
  }
  add(): this {
    return this.op(0x6a);
  }
  sub(): this {
    return this.op(0x6b);
  }
  mul(): this {
    return this.op(0x6c);
  }
  and(): this {
    return this.op(0x71);
  }
  shrU(): this {
    return this.op(0x76);
  }
  ltS(): this {
    return this.op(0x48);
  }
  geS(): this {
    return this.op(0x4e);
  }
  ne(): this {
    return this.op(0x47);
  }
  eqz(): this {
    return this.op(0x45);
  }
  f32Load(offset = 0): this {
    return this.op(0x2a).memarg(2, offset);
  }
  f32Store(offset = 0): this {
    return this.op(0x38).memarg(2, offset);
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f32Mul(): this {
    return this.op(0x94);
  }
  f32Ne(): this {
    return this.op(0x5c);
  }
  v128Load(offset = 0): this {
    return this.simd(0x00).memarg(4, offset);
  }
  /** Loads one f32 and copies it into all four lanes. */
  loadSplat(offset = 0): this {
    return this.simd(0x09).memarg(2, offset);
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b).memarg(4, offset);
  }
  v128Zero(): this {
    this.simd(0x0c);
    this.code.push(...new Array<number>(16).fill(0));
    return this;
  }
  splat(): this {
    return this.simd(0x13);
  }
  vGt(): this {
    return this.simd(0x44);
  }
  vAnd(): this {
    return this.simd(0x4e);
  }
  /** a & ~b */
  vAndNot(): this {
    return this.simd(0x4f);
  }
  vOr(): this {
    return this.simd(0x50);
  }
  vEq(): this {
    return this.simd(0x41);
  }
  vAdd(): this {
    return this.simd(0xe4);
  }
  vSub(): this {
    return this.simd(0xe5);
  }
  vMul(): this {
    return this.simd(0xe6);
  }
  vMax(): this {
    return this.simd(0xe9);
  }
  /** if (cond on the stack) { then } else { otherwise } */
  ifElse(then: () => void, otherwise?: () => void): this {
    this.op(0x04, 0x40);
    then();
    if (otherwise) {
      this.op(0x05);
      otherwise();
    }
    return this.op(0x0b);
  }
  /** for (i = start; i < end; i += step) body — `start`, `end`, `step` push one i32 each. */
  for(i: Local, start: () => void, end: () => void, step: () => void, body: () => void): this {
    start();
    this.set(i);
    this.op(0x02, 0x40, 0x03, 0x40); // block, loop
    this.get(i);
    end();
    this.geS();
    this.op(0x0d, 0x01); // br_if out of the block
    body();
    this.get(i);
    step();
    this.add().set(i);
    this.op(0x0c, 0x00, 0x0b, 0x0b); // br to the loop's start, end loop, end block
    return this;
  }
  /** do { body } while (counter -= 1) — for loops known to run at least once. */
  repeat(counter: Local, body: () => void): this {
    this.op(0x03, 0x40);
    body();
    this.get(counter).i32(1).sub().tee(counter);
    this.op(0x0d, 0x00, 0x0b);
    return this;
  }

  body(): number[] {
    const out: number[] = [];
    const groups: Array<[number, ValueType]> = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    uleb(groups.length, out);
    for (const [count, t] of groups) {
      uleb(count, out);
      out.push(TYPE_CODE[t]);
    }
    out.push(...this.code, 0x0b);
    return out;
  }
}

function section(id: number, content: number[], out: number[]): void {
  out.push(id);
  uleb(content.length, out);
  out.push(...content);
}

/** A module importing its memory as env.memory and exporting every function under its name. */
export function assembleModule(functions: FunctionWriter[]): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(functions.length, types);
  for (const f of functions) {
    types.push(0x60);
    uleb(f.params.length, types);
    for (const p of f.params) types.push(TYPE_CODE[p]);
    uleb(f.results.length, types);
    for (const r of f.results) types.push(TYPE_CODE[r]);
  }
  section(1, types, out);
  const imports: number[] = [1];
  name('env', imports);
  name('memory', imports);
  imports.push(0x02, 0x00, 0x01); // memory, limits without a maximum, at least one page
  section(2, imports, out);
  const funcs: number[] = [];
  uleb(functions.length, funcs);
  functions.forEach((_, i) => uleb(i, funcs));
  section(3, funcs, out);
  const exports: number[] = [];
  uleb(functions.length, exports);
  functions.forEach((f, i) => {
    name(f.exportName, exports);
    exports.push(0x00);
    uleb(i, exports);
  });
  section(7, exports, out);
  const code: number[] = [];
  uleb(functions.length, code);
  for (const f of functions) {
    const body = f.body();
    uleb(body.length, code);
    code.push(...body);
  }
  section(10, code, out);
  // The "name" section: profilers then show the kernels' names instead of wasm-function[i].
  const names: number[] = [];
  uleb(functions.length, names);
  functions.forEach((f, i) => {
    uleb(i, names);
    name(f.exportName, names);
  });
  const custom: number[] = [];
  name('name', custom);
  custom.push(1);
  uleb(names.length, custom);
  custom.push(...names);
  section(0, custom, out);
  return Uint8Array.from(out);
}
