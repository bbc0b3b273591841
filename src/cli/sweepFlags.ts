import { UserError } from '../core/errors';
import { RangeTestConfig, StepMode } from '../core/types';
import { ParsedArgs, numberFlag, stringFlag } from './args';

export type SweepSettings = Pick<RangeTestConfig, 'weightDecay' | 'startLr' | 'endLr' | 'iterations' | 'stepMode' | 'smoothing' | 'diverge' | 'valEvery'>;

/** The sweep's flags, shared by the built-in engine and `--pytorch` (both declare them with defaults). */
export function sweepFromArgs(args: ParsedArgs): SweepSettings {
  const startLr = numberFlag(args, 'start-lr') as number;
  const endLr = numberFlag(args, 'end-lr') as number;
  if (endLr <= startLr) throw new UserError(`--end-lr (${endLr}) must be above --start-lr (${startLr})`, { hint: 'a range test sweeps from a low to a high learning rate' });
  return {
    weightDecay: numberFlag(args, 'weight-decay') as number,
    startLr,
    endLr,
    iterations: numberFlag(args, 'iterations') as number,
    stepMode: stringFlag(args, 'step-mode') as StepMode,
    smoothing: numberFlag(args, 'smoothing') as number,
    diverge: numberFlag(args, 'diverge') as number,
    valEvery: numberFlag(args, 'val-every') as number,
  };
}
