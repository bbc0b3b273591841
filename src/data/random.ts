/**
 * A small seeded generator (mulberry32): datasets must split, sample and shuffle identically for the same
 * seed on every machine, which Math.random cannot give.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number, stream = 0) {
    // Mix the stream id in so that the sampler, the splitter and the batcher draw independent sequences.
    this.state = (Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35)) >>> 0;
    this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
    return values;
  }
}

/** Streams of SeededRandom, so that each use of randomness stays independent of the others. */
export const RANDOM_STREAM = { sample: 1, split: 2, batches: 3 } as const;

/**
 * `count` distinct indices from [0, total), sorted ascending, uniformly chosen (Floyd's algorithm); all of
 * them when count ≥ total. Used where the number of rows is known before reading (NPY, IDX, image folders).
 */
export function sampleIndices(total: number, count: number, random: SeededRandom): Int32Array {
  if (count >= total) {
    const all = new Int32Array(total);
    for (let i = 0; i < total; i++) all[i] = i;
    return all;
  }
  const chosen = new Set<number>();
  for (let j = total - count; j < total; j++) {
    const t = random.below(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return Int32Array.from(chosen).sort();
}
