// The presets' initial weights without TF.js: TF.js's glorotUniform (VarianceScaling, fan average, uniform)
// with the same seed per layer, drawn from the same generator (alea.ts) in the same order, so that they
// equal what tf.layers would initialise bit for bit (test/unit/engine/presetWeights.test.ts compares them).
// The fused WASM trainers start from these, so a run on them does not load TF.js at all.
import { alea } from './alea';

/** The seed of the preset's layer `index` (counted from the input) for the range test's `seed`. */
export function presetLayerSeed(seed: number, index: number): number {
  return seed * 1000 + index;
}

/** TF.js's fans of a kernel shape (channels last): [fanIn, fanOut]. */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 2) return [shape[0], shape[1]];
  const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2] * receptiveField, shape[shape.length - 1] * receptiveField];
}

/** tf.initializers.glorotUniform({ seed }).apply(shape): tfjs-core's randomUniform(shape, -limit, limit, seed). */
export function glorotUniform(shape: readonly number[], seed: number): Float32Array {
  const [fanIn, fanOut] = fans(shape);
  const limit = Math.sqrt(3 * (1 / Math.max(1, (fanIn + fanOut) / 2)));
  const min = -limit;
  const range = limit - min;
  const random = alea(seed.toString());
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = min + range * random();
  return values;
}

/** [kernel0, bias0, kernel1, bias1, …], as a TF.js model of these kernels returns them from getWeights(). */
export function presetWeights(kernels: ReadonlyArray<readonly number[]>, seed: number): Float32Array[] {
  return kernels.flatMap((shape, i) => [glorotUniform(shape, presetLayerSeed(seed, i)), new Float32Array(shape[shape.length - 1])]);
}
