// PyTorch's defaults for the optional fields, and the starting values we propose when nothing better is known
// (the panel's schedule form, snippets without a range test, a scheduler call missing an argument).

import type { AnnealStrategy, CooldownShape, WarmupPolicy, WarmupSpec } from './spec';

export const CYCLIC_DEFAULTS = { stepSizeUp: 2000, gamma: 1, cycleMomentum: true, baseMomentum: 0.8, maxMomentum: 0.9 } as const;
export const ONE_CYCLE_DEFAULTS = {
  pctStart: 0.3,
  annealStrategy: 'cos' as AnnealStrategy,
  divFactor: 25,
  finalDivFactor: 1e4,
  threePhase: false,
  cycleMomentum: true,
  baseMomentum: 0.85,
  maxMomentum: 0.95,
} as const;
export const WARMUP_DEFAULTS = { warmupSteps: 0, warmupStartFactor: 0.01, cooldown: 'linear' as CooldownShape, etaMin: 0 } as const;

/** Smith's rule: a half-cycle of 2-10 epochs; 4 is the default here. */
export const DEFAULT_EPOCHS_PER_HALF_CYCLE = 4;
export const DEFAULT_BOUNDS = { baseLr: 1e-4, maxLr: 1e-2 } as const;
export const DEFAULT_EPOCHS = 10;
/** Default exp_range gamma: the amplitude falls to ~55% after 10,000 iterations (bckenstler/CLR's example). */
export const DEFAULT_GAMMA = 0.99994;
export const DEFAULT_SGDR = { t0: 10, tMult: 2 } as const;

/**
 * A warm-up schedule over totalSteps with the usual proportions: 5% warm-up (at least one step) and, for wsd, a
 * 20% cool-down, shortened when the run is too short to keep a stable phase.
 */
export function defaultWarmupSpec(policy: WarmupPolicy, maxLr: number, totalSteps: number, stepsPerEpoch?: number): WarmupSpec {
  const warmupSteps = totalSteps > 1 ? Math.min(totalSteps - 1, Math.max(1, Math.round(totalSteps * 0.05))) : 0;
  const spec: WarmupSpec = { policy, maxLr, totalSteps, warmupSteps, ...(stepsPerEpoch ? { stepsPerEpoch } : {}) };
  if (policy === 'wsd') {
    spec.warmupSteps = totalSteps > 2 ? Math.min(warmupSteps, totalSteps - 2) : 0;
    spec.decaySteps = Math.max(1, Math.min(Math.round(totalSteps * 0.2), totalSteps - spec.warmupSteps - 1));
  }
  return spec;
}
