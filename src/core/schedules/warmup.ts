// The warm-up-then-decay schedules: LinearLR, ConstantLR, CosineAnnealingLR and LambdaLR chained by SequentialLR.

import { WARMUP_DEFAULTS } from './defaults';
import type { ScheduleValues, WarmupSpec } from './spec';

/**
 * One scheduler of a SequentialLR chain: its rate at its own step 0 (what SequentialLR's `step(0)` gives at a
 * milestone: the closed form, or LambdaLR's get_lr) and the recursive get_lr for its step k ≥ 1.
 */
interface ChainedScheduler {
  length: number;
  first: (peak: number) => number;
  next: (prev: number, k: number, peak: number) => number;
}

/** LinearLR(start_factor, end_factor, total_iters): torch 1.13's recursive get_lr. */
function linearLr(startFactor: number, endFactor: number, totalIters: number, atStart: 'initial' | 'milestone'): ChainedScheduler {
  return {
    length: totalIters,
    // The first scheduler's initial step multiplies the rate by start_factor; at a milestone the closed form runs.
    first: (peak) => (atStart === 'initial' ? peak * startFactor : peak * (startFactor + ((endFactor - startFactor) * Math.min(totalIters, 0)) / totalIters)),
    next: (prev, k) => (k > totalIters ? prev : prev * (1 + (endFactor - startFactor) / (totalIters * startFactor + (k - 1) * (endFactor - startFactor)))),
  };
}

/** The warm-up, stable, cool-down and cosine phases of a WarmupSpec, in order. */
export function warmupPhases(spec: WarmupSpec): Array<{ kind: 'warmup' | 'stable' | 'cosine' | 'linear' | '1-sqrt'; steps: number }> {
  const warmup = spec.warmupSteps ?? WARMUP_DEFAULTS.warmupSteps;
  const phases: Array<{ kind: 'warmup' | 'stable' | 'cosine' | 'linear' | '1-sqrt'; steps: number }> = warmup > 0 ? [{ kind: 'warmup', steps: warmup }] : [];
  switch (spec.policy) {
    case 'warmup-cosine':
      phases.push({ kind: 'cosine', steps: spec.totalSteps - warmup });
      break;
    case 'linear-decay':
      phases.push({ kind: 'linear', steps: spec.totalSteps - warmup });
      break;
    case 'wsd': {
      const decay = spec.decaySteps ?? 0;
      phases.push({ kind: 'stable', steps: spec.totalSteps - warmup - decay }, { kind: spec.cooldown ?? WARMUP_DEFAULTS.cooldown, steps: decay });
      break;
    }
  }
  return phases;
}

export function warmupSchedule(spec: WarmupSpec, steps: number): ScheduleValues {
  const warnings: string[] = [];
  const peak = spec.maxLr;
  const startFactor = spec.warmupStartFactor ?? WARMUP_DEFAULTS.warmupStartFactor;
  const etaMin = spec.etaMin ?? WARMUP_DEFAULTS.etaMin;
  if (etaMin >= peak) warnings.push(`eta_min (${etaMin}) is not below the peak rate (${peak})`);
  if (steps > spec.totalSteps + 1) {
    warnings.push(
      spec.policy === 'warmup-cosine'
        ? `past total_steps (${spec.totalSteps}) CosineAnnealingLR rises again: train for at most ${spec.totalSteps} steps`
        : `past total_steps (${spec.totalSteps}) the rate stays at 0`,
    );
  }
  const chain = warmupPhases(spec).map((phase, index): ChainedScheduler => {
    const atStart = index === 0 ? 'initial' : 'milestone';
    switch (phase.kind) {
      case 'warmup':
        return linearLr(startFactor, 1, phase.steps, atStart);
      case 'linear':
        return linearLr(1, 0, phase.steps, atStart);
      case 'stable':
        // ConstantLR(factor=1.0): the rate stays where the warm-up left it (the closed form gives the peak).
        return { length: phase.steps, first: (p) => p * (1 + 0 * (1 - 1)), next: (prev) => prev };
      case '1-sqrt': {
        const d = phase.steps;
        const factor = (k: number) => 1 - Math.sqrt(Math.min(k, d) / d);
        return { length: d, first: (p) => p * factor(0), next: (_prev, k, p) => p * factor(k) };
      }
      case 'cosine': {
        const tMax = phase.steps;
        return {
          length: tMax,
          first: (p) => (atStart === 'initial' ? p : etaMin + ((p - etaMin) * (1 + Math.cos((Math.PI * 0) / tMax))) / 2),
          next: (prev, k, p) =>
            (k - 1 - tMax) % (2 * tMax) === 0
              ? prev + ((p - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2
              : ((1 + Math.cos((Math.PI * k) / tMax)) / (1 + Math.cos((Math.PI * (k - 1)) / tMax))) * (prev - etaMin) + etaMin,
        };
      }
    }
  });
  // SequentialLR: milestone m_i starts scheduler i+1 with step(0); every other step calls the current one's step().
  const starts: number[] = [];
  let offset = 0;
  for (const phase of chain) {
    starts.push(offset);
    offset += phase.length;
  }
  const lr = new Array<number>(steps);
  let index = 0;
  for (let t = 0; t < steps; t++) {
    while (index + 1 < chain.length && t >= starts[index + 1]) index++;
    const local = t - starts[index];
    lr[t] = local === 0 ? chain[index].first(peak) : chain[index].next(lr[t - 1], local, peak);
  }
  return { lr, momentum: null, warnings };
}
