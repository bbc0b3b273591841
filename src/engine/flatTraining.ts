// What the fused trainers share: a bump allocator over the kernels' memory.

/** Hands out 16-byte aligned float arrays (by byte address) from the start of a memory. */
export class Arena {
  private top = 64; // address 0 stays unused, so that 0 can mean "none" to the kernels

  /** Reserves `floats` floats, zero-filled (fresh memory is zero). */
  take(floats: number): number {
    const at = this.top;
    this.top += Math.ceil((floats * 4) / 16) * 16;
    return at;
  }

  get bytes(): number {
    return this.top;
  }
}

/** x rounded up to a multiple of m. */
export const roundUp = (x: number, m: number): number => Math.ceil(x / m) * m;
