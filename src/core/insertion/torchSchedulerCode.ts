// The PyTorch scheduler for a ScheduleSpec as structured code: the keyword arguments of its constructor (so that
// an existing call can be updated argument by argument), the statements it needs before it, and how it is stepped.

import { momentumPlan } from '../momentum';
import { formatFloat, formatNumber } from '../pythonNumbers';
import {
  CYCLIC_DEFAULTS,
  nativeScaleMode,
  ONE_CYCLE_DEFAULTS,
  ScheduleSpec,
  WARMUP_DEFAULTS,
  warmupPhases,
  WarmupSpec,
} from '../schedules';
import { OptimizerName } from '../types';

export type TorchSchedulerClass =
  | 'CyclicLR'
  | 'OneCycleLR'
  | 'CosineAnnealingWarmRestarts'
  | 'CosineAnnealingLR'
  | 'SequentialLR'
  | 'LinearLR'
  | 'ConstantLR'
  | 'LambdaLR';

export interface SchedulerArg {
  name: string;
  /** Python expression. */
  value: string;
  comment?: string;
  /**
   * Whether the request sets it (bounds, lengths, what the optimizer forces): updating an existing call writes
   * these and leaves every other argument of the user's as it is.
   */
  explicit: boolean;
}

export interface TorchSchedulerCode {
  className: TorchSchedulerClass;
  /** Names to import from torch.optim.lr_scheduler. */
  imports: TorchSchedulerClass[];
  /** `import math` is needed (the 1-sqrt cool-down). */
  needsMath: boolean;
  /** Statements before the constructor (the peak rate, the chained schedulers), one line each. */
  before: string[];
  /** Keyword arguments after the optimizer. */
  args: SchedulerArg[];
  /** The per-batch step call. */
  stepCall: string;
  /** The schedule the code produces, as `clr schedule` computes it. */
  schedule: ScheduleSpec;
}

export interface TorchCodeOptions {
  spec: ScheduleSpec;
  optimizerVar: string;
  schedulerVar: string;
  optimizer?: OptimizerName;
  torchVersion?: string;
  /** Optimizer steps per epoch, when known. */
  stepsPerEpoch?: number;
  /** Code for steps per epoch (e.g. `steps_per_epoch`); absent: the number itself. */
  stepsPerEpochExpr?: string;
  /**
   * SGDR: step with `scheduler.step(<epoch> + (<batch> + 1) / <steps per epoch>)` (T_0 in epochs). Absent:
   * plain `scheduler.step()` after every batch, T_0 counted in batches.
   */
  fractionalEpoch?: { epochVar: string; batchVar: string };
  /** Class names written as torch.optim.lr_scheduler.X (no import needed). */
  qualified?: boolean;
}

/** An integer step count, as `k * steps_per_epoch` when it is a whole number of epochs. */
function stepsExpr(o: TorchCodeOptions, value: number): { expr: string; epochs?: number } {
  const spe = o.stepsPerEpoch;
  if (spe !== undefined && value >= spe && Number.isInteger(value / spe)) {
    const k = value / spe;
    return { expr: `${k} * ${o.stepsPerEpochExpr ?? spe}`, epochs: k };
  }
  return { expr: String(value) };
}

function epochsComment(epochs: number | undefined, what: string): string {
  return epochs === undefined ? what : `${epochs} epoch${epochs === 1 ? '' : 's'}: ${what}`;
}

function setPeak(o: TorchCodeOptions, peak: number, why: string): string[] {
  return [`# ${why}`, `for group in ${o.optimizerVar}.param_groups:`, `    group["lr"] = ${formatNumber(peak)}`];
}

/** `Class(\n    optimizer,\n    name=value,  # comment\n)`, one argument a line. */
export function renderConstructor(className: string, optimizerExpr: string, args: SchedulerArg[], indent = '    '): string {
  const lines = [`${optimizerExpr},`, ...args.map((a) => `${a.name}=${a.value},${a.comment ? `  # ${a.comment}` : ''}`)];
  return `${className}(\n${lines.map((l) => indent + l).join('\n')}\n)`;
}

export function torchSchedulerCode(o: TorchCodeOptions): TorchSchedulerCode {
  const spec = o.spec;
  const q = (name: TorchSchedulerClass) => (o.qualified ? `torch.optim.lr_scheduler.${name}` : name);
  const plain = `${o.schedulerVar}.step()`;
  switch (spec.policy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range': {
      const plan = momentumPlan('cyclic', spec.cycleMomentum ?? CYCLIC_DEFAULTS.cycleMomentum, o.optimizer, o.torchVersion);
      const up = stepsExpr(o, spec.stepSizeUp ?? CYCLIC_DEFAULTS.stepSizeUp);
      const down = spec.stepSizeDown !== undefined ? stepsExpr(o, spec.stepSizeDown) : undefined;
      const custom = (spec.scaleMode ?? nativeScaleMode(spec.policy)) !== nativeScaleMode(spec.policy);
      const gamma = formatNumber(spec.gamma ?? CYCLIC_DEFAULTS.gamma);
      const args: SchedulerArg[] = [
        { name: 'base_lr', value: formatNumber(spec.baseLr), comment: 'rate at the bottom of each cycle', explicit: true },
        { name: 'max_lr', value: formatNumber(spec.maxLr), comment: 'rate at the top', explicit: true },
        { name: 'step_size_up', value: up.expr, comment: epochsComment(up.epochs, 'steps in the rising half-cycle (Smith: 2-10 epochs)'), explicit: true },
        ...(down ? [{ name: 'step_size_down', value: down.expr, comment: epochsComment(down.epochs, 'steps in the falling half-cycle'), explicit: true }] : []),
        { name: 'mode', value: `"${spec.policy}"`, explicit: true },
        ...(spec.policy === 'exp_range' && !custom ? [{ name: 'gamma', value: gamma, comment: 'amplitude × gamma every step', explicit: true }] : []),
        ...(custom && spec.policy === 'exp_range'
          ? [
              { name: 'scale_fn', value: `lambda x: ${gamma} ** x`, comment: 'amplitude × gamma every cycle', explicit: true },
              { name: 'scale_mode', value: '"cycle"', explicit: true },
            ]
          : []),
        ...(custom && spec.policy === 'triangular'
          ? [
              { name: 'scale_fn', value: 'lambda x: 1.0', explicit: true },
              { name: 'scale_mode', value: '"iterations"', explicit: true },
            ]
          : []),
        { name: 'cycle_momentum', value: plan.cycle ? 'True' : 'False', comment: plan.note || undefined, explicit: true },
        ...(plan.cycle
          ? [
              { name: 'base_momentum', value: formatNumber(spec.baseMomentum ?? CYCLIC_DEFAULTS.baseMomentum), comment: 'momentum at the top of the rate', explicit: spec.baseMomentum !== undefined },
              { name: 'max_momentum', value: formatNumber(spec.maxMomentum ?? CYCLIC_DEFAULTS.maxMomentum), explicit: spec.maxMomentum !== undefined },
            ]
          : []),
      ];
      return { className: 'CyclicLR', imports: ['CyclicLR'], needsMath: false, before: [], args, stepCall: plain, schedule: { ...spec, cycleMomentum: plan.cycle } };
    }
    case 'one-cycle': {
      const d = ONE_CYCLE_DEFAULTS;
      const plan = momentumPlan('onecycle', spec.cycleMomentum ?? d.cycleMomentum, o.optimizer, o.torchVersion);
      const epochs = spec.totalSteps === undefined ? spec.epochs : undefined;
      const spe = spec.stepsPerEpoch ?? o.stepsPerEpoch;
      const length: SchedulerArg[] =
        epochs !== undefined && spe !== undefined
          ? [
              { name: 'epochs', value: String(epochs), explicit: true },
              { name: 'steps_per_epoch', value: o.stepsPerEpochExpr ?? String(spe), comment: 'optimizer steps per epoch', explicit: true },
            ]
          : [{ name: 'total_steps', value: String(spec.totalSteps), comment: 'optimizer steps in the whole run', explicit: true }];
      const args: SchedulerArg[] = [
        { name: 'max_lr', value: formatNumber(spec.maxLr), comment: 'peak rate', explicit: true },
        ...length,
        { name: 'pct_start', value: formatFloat(spec.pctStart ?? d.pctStart), comment: 'share of the steps spent warming up', explicit: spec.pctStart !== undefined },
        { name: 'anneal_strategy', value: `"${spec.annealStrategy ?? d.annealStrategy}"`, explicit: spec.annealStrategy !== undefined },
        { name: 'div_factor', value: formatNumber(spec.divFactor ?? d.divFactor), comment: 'starts at max_lr / div_factor', explicit: spec.divFactor !== undefined },
        { name: 'final_div_factor', value: formatNumber(spec.finalDivFactor ?? d.finalDivFactor), comment: 'ends at the start rate / final_div_factor', explicit: spec.finalDivFactor !== undefined },
        ...(spec.threePhase ? [{ name: 'three_phase', value: 'True', explicit: true }] : []),
        { name: 'cycle_momentum', value: plan.cycle ? 'True' : 'False', comment: plan.note || undefined, explicit: true },
      ];
      const schedule = { ...spec, cycleMomentum: plan.cycle };
      if (epochs !== undefined && spe !== undefined) schedule.stepsPerEpoch = spe;
      return { className: 'OneCycleLR', imports: ['OneCycleLR'], needsMath: false, before: [], args, stepCall: plain, schedule };
    }
    case 'sgdr': {
      const fractional = o.fractionalEpoch !== undefined && o.stepsPerEpoch !== undefined;
      const t0 = fractional ? { expr: String(spec.t0), epochs: undefined } : stepsExpr(o, spec.t0 * (o.stepsPerEpoch ?? 1));
      const args: SchedulerArg[] = [
        { name: 'T_0', value: t0.expr, comment: fractional ? 'epochs until the first restart' : epochsComment(t0.epochs, 'steps until the first restart'), explicit: true },
        { name: 'T_mult', value: String(spec.tMult ?? 1), comment: 'each period is T_mult times longer', explicit: true },
        { name: 'eta_min', value: formatNumber(spec.etaMin ?? 0), comment: 'floor rate', explicit: true },
      ];
      const f = o.fractionalEpoch;
      return {
        className: 'CosineAnnealingWarmRestarts',
        imports: ['CosineAnnealingWarmRestarts'],
        needsMath: false,
        before: setPeak(o, spec.maxLr, "SGDR restarts at the optimizer's own rate: make that the peak."),
        args,
        stepCall: f && fractional ? `${o.schedulerVar}.step(${f.epochVar} + (${f.batchVar} + 1) / ${o.stepsPerEpochExpr ?? o.stepsPerEpoch})` : plain,
        schedule: fractional
          ? { policy: 'sgdr', maxLr: spec.maxLr, t0: spec.t0, tMult: spec.tMult ?? 1, etaMin: spec.etaMin ?? 0, stepsPerEpoch: o.stepsPerEpoch }
          : { policy: 'sgdr', maxLr: spec.maxLr, t0: spec.t0 * (o.stepsPerEpoch ?? 1), tMult: spec.tMult ?? 1, etaMin: spec.etaMin ?? 0 },
      };
    }
    case 'cosine': {
      const tMax = stepsExpr(o, spec.tMax);
      return {
        className: 'CosineAnnealingLR',
        imports: ['CosineAnnealingLR'],
        needsMath: false,
        before: setPeak(o, spec.maxLr, 'The cosine starts at the optimizer\'s own rate: make that the peak.'),
        args: [
          { name: 'T_max', value: tMax.expr, comment: epochsComment(tMax.epochs, 'steps from the peak to eta_min'), explicit: true },
          { name: 'eta_min', value: formatNumber(spec.etaMin ?? 0), comment: 'floor rate', explicit: true },
        ],
        stepCall: plain,
        schedule: { ...spec },
      };
    }
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay':
      return warmupCode(o, spec, q);
  }
}

function warmupCode(o: TorchCodeOptions, spec: WarmupSpec, q: (name: TorchSchedulerClass) => string): TorchSchedulerCode {
  const phases = warmupPhases(spec);
  const opt = o.optimizerVar;
  const built: Array<{ className: TorchSchedulerClass; args: SchedulerArg[]; variable: string }> = phases.map((phase) => {
    const steps = stepsExpr(o, phase.steps);
    const arg = (name: string, value: string, comment?: string): SchedulerArg => ({ name, value, comment, explicit: true });
    switch (phase.kind) {
      case 'warmup':
        return {
          className: 'LinearLR',
          variable: `${o.schedulerVar}_warmup`,
          args: [
            arg('start_factor', formatNumber(spec.warmupStartFactor ?? WARMUP_DEFAULTS.warmupStartFactor), 'starts at this fraction of the peak'),
            arg('end_factor', '1.0'),
            arg('total_iters', steps.expr, epochsComment(steps.epochs, 'warm-up steps')),
          ],
        };
      case 'stable':
        return { className: 'ConstantLR', variable: `${o.schedulerVar}_stable`, args: [arg('factor', '1.0', 'hold the peak'), arg('total_iters', steps.expr, epochsComment(steps.epochs, 'stable steps'))] };
      case 'linear':
        return {
          className: 'LinearLR',
          variable: `${o.schedulerVar}_decay`,
          args: [arg('start_factor', '1.0'), arg('end_factor', '0.0', 'down to zero'), arg('total_iters', steps.expr, epochsComment(steps.epochs, 'decay steps'))],
        };
      case '1-sqrt':
        return {
          className: 'LambdaLR',
          variable: `${o.schedulerVar}_decay`,
          args: [arg('lr_lambda', `lambda k: 1 - math.sqrt(min(k, ${steps.expr}) / (${steps.expr}))`, `1-sqrt cool-down to zero over ${epochsComment(steps.epochs, 'steps').replace(/: steps$/, '')}`)],
        };
      case 'cosine':
        return {
          className: 'CosineAnnealingLR',
          variable: `${o.schedulerVar}_decay`,
          args: [arg('T_max', steps.expr, epochsComment(steps.epochs, 'cosine steps down to eta_min')), arg('eta_min', formatNumber(spec.etaMin ?? WARMUP_DEFAULTS.etaMin), 'floor rate')],
        };
    }
  });
  const before = setPeak(o, spec.maxLr, 'These schedulers scale the optimizer\'s own rate: make that the peak.');
  const imports = [...new Set(built.map((b) => b.className))];
  const needsMath = phases.some((p) => p.kind === '1-sqrt');
  const schedule: ScheduleSpec = { ...spec };
  if (built.length === 1) {
    return { className: built[0].className, imports, needsMath, before, args: built[0].args, stepCall: `${o.schedulerVar}.step()`, schedule };
  }
  for (const b of built) before.push(`${b.variable} = ${q(b.className)}(${opt}, ${b.args.map((a) => `${a.name}=${a.value}`).join(', ')})`);
  const milestones: string[] = [];
  let offset = 0;
  for (const phase of phases.slice(0, -1)) {
    offset += phase.steps;
    milestones.push(stepsExpr(o, offset).expr);
  }
  return {
    className: 'SequentialLR',
    imports: [...imports, 'SequentialLR'],
    needsMath,
    before,
    args: [
      { name: 'schedulers', value: `[${built.map((b) => b.variable).join(', ')}]`, explicit: true },
      { name: 'milestones', value: `[${milestones.join(', ')}]`, comment: 'steps where the next scheduler takes over', explicit: true },
    ],
    stepCall: `${o.schedulerVar}.step()`,
    schedule,
  };
}
