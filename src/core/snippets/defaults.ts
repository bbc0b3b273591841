// Specs with sensible numbers when nothing better is known.

import {
  CYCLIC_DEFAULTS,
  DEFAULT_BOUNDS,
  DEFAULT_EPOCHS,
  DEFAULT_EPOCHS_PER_HALF_CYCLE,
  DEFAULT_GAMMA,
  DEFAULT_SGDR,
  defaultWarmupSpec,
  type ScheduleSpec,
} from '../schedules';
import type { SnippetPolicy } from './catalog';

export interface SnippetDefaultsInput {
  baseLr?: number;
  maxLr?: number;
  stepsPerEpoch?: number;
  epochs?: number;
  epochsPerHalfCycle?: number;
  /** Warm-up schedules: the run's length in optimizer steps (default epochs × steps per epoch). */
  totalSteps?: number;
}

/** A complete spec for `policy` from range-test bounds and the dataset's iterations per epoch, where known. */
export function defaultSnippetSpec(policy: SnippetPolicy, input: SnippetDefaultsInput = {}): ScheduleSpec {
  const baseLr = input.baseLr ?? DEFAULT_BOUNDS.baseLr;
  const maxLr = input.maxLr ?? DEFAULT_BOUNDS.maxLr;
  const spe = input.stepsPerEpoch;
  const k = input.epochsPerHalfCycle ?? DEFAULT_EPOCHS_PER_HALF_CYCLE;
  switch (policy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range':
      return {
        policy,
        baseLr,
        maxLr,
        stepSizeUp: spe ? k * spe : CYCLIC_DEFAULTS.stepSizeUp,
        ...(policy === 'exp_range' ? { gamma: DEFAULT_GAMMA } : {}),
        ...(spe ? { stepsPerEpoch: spe } : {}),
      };
    case 'one-cycle':
      return spe
        ? { policy, maxLr, epochs: input.epochs ?? DEFAULT_EPOCHS, stepsPerEpoch: spe }
        : { policy, maxLr, totalSteps: (input.epochs ?? DEFAULT_EPOCHS) * 1000 };
    case 'sgdr':
      return { policy, maxLr, t0: DEFAULT_SGDR.t0, tMult: DEFAULT_SGDR.tMult, etaMin: baseLr, ...(spe ? { stepsPerEpoch: spe } : {}) };
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay':
      return defaultWarmupSpec(policy, maxLr, input.totalSteps ?? (input.epochs ?? DEFAULT_EPOCHS) * (spe ?? 1000), spe);
  }
}
