// What the user must know to use the bounds: the range test trained on scaled data, and learning rates found
// on one scaling do not hold on another (an MSE loss on a target 5× larger has gradients ~5× larger, and
// the stable lr moves by up to 25×; bench/suggestion-quality measured 14× from the target's scale alone).
import type { Preprocessing } from './types';

const num = (v: number): string => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(4))));

/**
 * One sentence saying which scaling the bounds assume; undefined when the test did not say (older results,
 * PyTorch). `rawHow` tells the reader how to get bounds for unscaled values where they are reading.
 */
export function preprocessingNote(p: Preprocessing | undefined, rawHow = 'rerun with --raw'): string | undefined {
  if (!p) return undefined;
  if (p.features === 'none') {
    return 'the test trained on the values as the file holds them (--raw): the bounds are for a model that sees them unscaled';
  }
  const features =
    p.features === 'all-pixels' && p.mean && p.std
      ? `pixels scaled as (x − ${num(p.mean[0])}) / ${num(p.std[0])}`
      : 'each numeric feature column standardised, (x − mean) / std over its rows (the JSON\'s preprocessing.mean and .std)';
  const target = p.target ? `, and the target as (y − ${num(p.target.mean)}) / ${num(p.target.std)}` : '';
  return `the bounds assume your model sees the data as the test did: ${features}${target}; if your training reads the raw values, ${rawHow}`;
}

/**
 * The same warning, short enough for the comment above inserted scheduler code: undefined when the test trained
 * on the values as the file holds them (nothing to match) or did not say.
 */
export function scalingCaveat(p: Preprocessing | undefined): string | undefined {
  if (!p || p.features === 'none') return undefined;
  const features = p.features === 'all-pixels' && p.mean && p.std ? `pixels scaled as (x − ${num(p.mean[0])}) / ${num(p.std[0])}` : 'standardised feature columns';
  const target = p.target ? ` and the target as (y − ${num(p.target.mean)}) / ${num(p.target.std)}` : '';
  return `the test trained on ${features}${target}: scale your data the same way, or run \`clr range-test --raw\` for raw values`;
}
