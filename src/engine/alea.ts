// Baagøe's Alea generator as seedrandom 3 implements it (seedrandom/lib/alea.js, MIT), which is what
// tfjs-core's seeded randomUniform draws from. Ported so that the presets' initial weights can be drawn
// without loading TF.js (presetWeights.ts) and still equal TF.js's bit for bit (a unit test compares them).

/** seedrandom's Mash: hashes the seed's characters into the generator's state, one fraction in [0, 1) per call. */
function mash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;
    }
    return (n >>> 0) * 2.3283064365386963e-10;
  };
}

/** `seedrandom.alea(seed)`: uniform doubles in [0, 1). TF.js passes a number seed as its `toString()`. */
export function alea(seed: string): () => number {
  const hash = mash();
  let c = 1;
  let s0 = hash(' ');
  let s1 = hash(' ');
  let s2 = hash(' ');
  s0 -= hash(seed);
  if (s0 < 0) s0 += 1;
  s1 -= hash(seed);
  if (s1 < 0) s1 += 1;
  s2 -= hash(seed);
  if (s2 < 0) s2 += 1;
  return () => {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    return (s2 = t - (c = t | 0));
  };
}
