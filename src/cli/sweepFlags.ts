import { UserError } from '../core/errors';
import { DEFAULT_RANGE_TEST_CONFIG, RangeTestConfig, StepMode } from '../core/types';

export type SweepSettings = Pick<RangeTestConfig, 'weightDecay' | 'startLr' | 'endLr' | 'iterations' | 'stepMode' | 'smoothing' | 'diverge' | 'valEvery'>;

/** The sweep's flags as both range-test commands declare them (with defaults, --iterations possibly without). */
export interface SweepFlagValues {
  'weight-decay': number;
  'start-lr': number | undefined;
  'end-lr': number;
  iterations: number | undefined;
  'step-mode': StepMode;
  smoothing: number;
  diverge: number;
  'val-every': number;
}

/**
 * The sweep's flags, shared by the built-in engine and `--pytorch`; without --iterations, the default length;
 * without --start-lr, `defaultStart`.
 */
export function sweepFromArgs(flags: SweepFlagValues, defaultStart: number): SweepSettings {
  const startLr = flags['start-lr'] ?? defaultStart;
  const endLr = flags['end-lr'];
  if (endLr <= startLr) throw new UserError(`--end-lr (${endLr}) must be above --start-lr (${startLr})`, { hint: 'a range test sweeps from a low to a high learning rate' });
  return {
    weightDecay: flags['weight-decay'],
    startLr,
    endLr,
    iterations: flags.iterations ?? DEFAULT_RANGE_TEST_CONFIG.iterations,
    stepMode: flags['step-mode'],
    smoothing: flags.smoothing,
    diverge: flags.diverge,
    valEvery: flags['val-every'],
  };
}
