// torch.optim.lr_scheduler.CyclicLR: triangular, triangular2 and exp_range, with momentum cycled inversely.

import { CYCLIC_DEFAULTS } from './defaults';
import { ScheduleSpecError, type CyclicMode, type CyclicSpec, type ScaleMode, type ScheduleValues } from './spec';

/** The scale mode PyTorch's built-in mode uses. */
export function nativeScaleMode(mode: CyclicMode): ScaleMode {
  return mode === 'exp_range' ? 'iterations' : 'cycle';
}

export function cyclic(spec: CyclicSpec, steps: number): ScheduleValues {
  const warnings: string[] = [];
  const { baseLr, maxLr } = spec;
  // PyTorch: step_size_up = float(step_size_up); total_size = up + down; step_ratio = up / total_size.
  const up = spec.stepSizeUp ?? CYCLIC_DEFAULTS.stepSizeUp;
  const down = spec.stepSizeDown ?? up;
  const totalSize = up + down;
  const stepRatio = up / totalSize;
  const gamma = spec.gamma ?? CYCLIC_DEFAULTS.gamma;
  const scaleMode = spec.scaleMode ?? nativeScaleMode(spec.policy);
  const cycleMomentum = spec.cycleMomentum ?? CYCLIC_DEFAULTS.cycleMomentum;
  const baseMomentum = spec.baseMomentum ?? CYCLIC_DEFAULTS.baseMomentum;
  const maxMomentum = spec.maxMomentum ?? CYCLIC_DEFAULTS.maxMomentum;

  if (maxLr <= baseLr) warnings.push(`max_lr (${maxLr}) is not above base_lr (${baseLr}): the rate will fall, not rise, during the first half-cycle`);
  if (spec.stepsPerEpoch !== undefined && up < spec.stepsPerEpoch) {
    warnings.push(`step_size_up (${up}) is below one epoch (${spec.stepsPerEpoch} iterations); Smith recommends 2-10 epochs per half-cycle`);
  }
  if (spec.policy === 'exp_range' && gamma > 1) warnings.push(`gamma ${gamma} > 1 makes the amplitude grow without bound; exp_range normally uses gamma slightly below 1`);
  if (spec.policy !== 'exp_range' && spec.gamma !== undefined && spec.gamma !== 1) warnings.push(`gamma only affects exp_range; ${spec.policy} ignores it`);
  if (cycleMomentum && baseMomentum > maxMomentum) warnings.push(`base_momentum (${baseMomentum}) is above max_momentum (${maxMomentum})`);

  const scaleFn = (x: number): number => {
    if (spec.policy === 'triangular') return 1;
    if (spec.policy === 'triangular2') return 1 / 2 ** (x - 1);
    const value = gamma ** x;
    if (!Number.isFinite(value)) {
      throw new ScheduleSpecError('gamma', `gamma ** ${x} overflows (PyTorch raises OverflowError)`, 'use gamma ≤ 1 or fewer steps');
    }
    return value;
  };

  const lr = new Array<number>(steps);
  const momentum = cycleMomentum ? new Array<number>(steps) : null;
  for (let t = 0; t < steps; t++) {
    const cycle = Math.floor(1 + t / totalSize);
    const x = 1 + t / totalSize - cycle;
    const scaleFactor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
    const scale = scaleFn(scaleMode === 'cycle' ? cycle : t);
    lr[t] = baseLr + (maxLr - baseLr) * scaleFactor * scale;
    if (momentum) momentum[t] = maxMomentum - (maxMomentum - baseMomentum) * scaleFactor * scale;
  }
  return { lr, momentum, warnings };
}
