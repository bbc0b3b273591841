// Learning-rate schedules, computed exactly as PyTorch computes them (torch.optim.lr_scheduler, checked against
// torch 1.13 by test/unit/core/schedules.oracle.test.ts). Each formula keeps PyTorch's order of floating-point
// operations, and the recursive schedulers (CosineAnnealingLR, per-epoch SGDR) are iterated the way PyTorch
// iterates them, so the values agree to the last bit or so, not just approximately.
//
// Convention: lr[t] is what `optimizer.param_groups[0]["lr"]` reads after constructing the scheduler and calling
// `scheduler.step()` t times, i.e. the rate optimizer step t trains with. momentum[t] likewise (beta1 for Adam).

import { CYCLIC_DEFAULTS } from './defaults';
import { cosine, sgdr } from './cosine';
import { cyclic } from './cyclic';
import { oneCycle, oneCycleTotalSteps } from './oneCycle';
import { ScheduleSpecError, type ScheduleSpec, type ScheduleValues } from './spec';
import { py, validateScheduleSpec } from './validate';
import { warmupSchedule } from './warmup';

/** A preview length that shows the schedule's shape: two CLR cycles, the whole 1cycle, three SGDR periods. */
export function defaultPreviewSteps(spec: ScheduleSpec): number {
  switch (spec.policy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range': {
      const up = spec.stepSizeUp ?? CYCLIC_DEFAULTS.stepSizeUp;
      return Math.max(1, Math.ceil(2 * (up + (spec.stepSizeDown ?? up))));
    }
    case 'one-cycle':
      return oneCycleTotalSteps(spec);
    case 'sgdr': {
      const mult = spec.tMult ?? 1;
      const epochs = spec.t0 * (1 + mult + mult * mult);
      return epochs * (spec.stepsPerEpoch ?? 1) + 1;
    }
    case 'cosine':
      return spec.tMax + 1;
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay':
      return spec.totalSteps;
  }
}

/** lr (and momentum) for steps 0..steps-1; see the file comment for what step t means. */
export function computeSchedule(spec: ScheduleSpec, steps: number): ScheduleValues {
  validateScheduleSpec(spec);
  if (!Number.isInteger(steps) || steps < 1) throw new ScheduleSpecError('steps', `steps must be a positive integer, but got ${py(steps)}`);
  switch (spec.policy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range':
      return cyclic(spec, steps);
    case 'one-cycle':
      return oneCycle(spec, steps);
    case 'sgdr':
      return sgdr(spec, steps);
    case 'cosine':
      return cosine(spec, steps);
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay':
      return warmupSchedule(spec, steps);
  }
}
