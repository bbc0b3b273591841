// torch.optim.lr_scheduler.OneCycleLR, two or three phases, cosine or linear annealing.

import { ONE_CYCLE_DEFAULTS } from './defaults';
import { ScheduleSpecError, type OneCycleSpec, type ScheduleValues } from './spec';

/** OneCycleLR's cycle length: total_steps, else epochs × steps_per_epoch. */
export function oneCycleTotalSteps(spec: OneCycleSpec): number {
  return spec.totalSteps ?? (spec.epochs ?? 0) * (spec.stepsPerEpoch ?? 0);
}

export function oneCycle(spec: OneCycleSpec, steps: number): ScheduleValues {
  const warnings: string[] = [];
  const d = ONE_CYCLE_DEFAULTS;
  const total = oneCycleTotalSteps(spec);
  const pctStart = spec.pctStart ?? d.pctStart;
  const threePhase = spec.threePhase ?? d.threePhase;
  const cycleMomentum = spec.cycleMomentum ?? d.cycleMomentum;
  const maxMomentum = spec.maxMomentum ?? d.maxMomentum;
  const baseMomentum = spec.baseMomentum ?? d.baseMomentum;
  const initialLr = spec.maxLr / (spec.divFactor ?? d.divFactor);
  const minLr = initialLr / (spec.finalDivFactor ?? d.finalDivFactor);
  const cos = (spec.annealStrategy ?? d.annealStrategy) === 'cos';
  const anneal = cos
    ? (start: number, end: number, pct: number) => end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1)
    : (start: number, end: number, pct: number) => (end - start) * pct + start;

  // PyTorch raises when the scheduler is stepped past total_steps; step t reads last_epoch = t.
  if (steps - 1 > total) {
    throw new ScheduleSpecError('steps', `Tried to step ${steps} times. The specified number of total steps is ${total}`, `preview at most ${total + 1} steps, or raise total_steps`);
  }
  if (steps - 1 === total) warnings.push(`the last step (${total}) lies past the cycle's total_steps (${total}); PyTorch extrapolates it and raises one step later`);
  if (threePhase && pctStart > 0.5) warnings.push(`with three_phase, pct_start ${pctStart} > 0.5 makes the second phase run backwards`);
  if (pctStart === 0 || pctStart === 1) warnings.push(`pct_start ${pctStart} leaves out the ${pctStart === 0 ? 'warm-up' : 'annealing'} phase`);

  interface Phase {
    endStep: number;
    lr: [number, number];
    momentum: [number, number];
  }
  const phases: Phase[] = threePhase
    ? [
        { endStep: pctStart * total - 1, lr: [initialLr, spec.maxLr], momentum: [maxMomentum, baseMomentum] },
        { endStep: 2 * pctStart * total - 2, lr: [spec.maxLr, initialLr], momentum: [baseMomentum, maxMomentum] },
        { endStep: total - 1, lr: [initialLr, minLr], momentum: [maxMomentum, maxMomentum] },
      ]
    : [
        { endStep: pctStart * total - 1, lr: [initialLr, spec.maxLr], momentum: [maxMomentum, baseMomentum] },
        { endStep: total - 1, lr: [spec.maxLr, minLr], momentum: [baseMomentum, maxMomentum] },
      ];

  const lr = new Array<number>(steps);
  const momentum = cycleMomentum ? new Array<number>(steps) : null;
  for (let t = 0; t < steps; t++) {
    let startStep = 0;
    for (let i = 0; i < phases.length; i++) {
      const phase = phases[i];
      if (t <= phase.endStep || i === phases.length - 1) {
        if (phase.endStep - startStep === 0) {
          throw new ScheduleSpecError(
            'pctStart',
            `phase ${i + 1} of the cycle has zero length at step ${t} (pct_start × total_steps = ${pctStart * total}); PyTorch raises ZeroDivisionError`,
            'change pct_start or total_steps',
          );
        }
        const pct = (t - startStep) / (phase.endStep - startStep);
        lr[t] = anneal(phase.lr[0], phase.lr[1], pct);
        if (momentum) momentum[t] = anneal(phase.momentum[0], phase.momentum[1], pct);
        break;
      }
      startStep = phase.endStep;
    }
  }
  return { lr, momentum, warnings };
}
