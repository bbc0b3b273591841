// The learning rates a range test sweeps through (not a PyTorch scheduler: the LR finders' own ramp).

import { UserError } from '../errors';

/**
 * The range test's sweep over `steps` steps, from startLr at step 0 to endLr at step steps-1 inclusive:
 * exp: lr[t] = start · (end/start)^(t/(N-1)) (evenly spaced in log space, as in Smith 2017 and torch-lr-finder);
 * linear: lr[t] = start + (end - start) · t/(N-1). A single step uses startLr.
 */
export function rangeTestLrs(startLr: number, endLr: number, steps: number, mode: 'exp' | 'linear'): number[] {
  if (!(startLr > 0) || !Number.isFinite(startLr)) throw new UserError(`start_lr must be a number > 0, but got ${startLr}`);
  if (!(endLr > startLr) || !Number.isFinite(endLr)) throw new UserError(`end_lr must be a number above start_lr (${startLr}), but got ${endLr}`);
  if (!Number.isInteger(steps) || steps < 1) throw new UserError(`the range test needs a positive integer number of steps, but got ${steps}`);
  const lrs = new Array<number>(steps);
  const last = steps - 1;
  const ratio = endLr / startLr;
  for (let t = 0; t < steps; t++) {
    const r = last === 0 ? 0 : t / last;
    lrs[t] = mode === 'exp' ? startLr * ratio ** r : startLr + (endLr - startLr) * r;
  }
  return lrs;
}
