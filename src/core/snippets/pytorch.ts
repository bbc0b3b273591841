// PyTorch: the scheduler constructor (also Lightning's) and the plain training-loop snippet.

import {
  CYCLIC_DEFAULTS,
  nativeScaleMode,
  ONE_CYCLE_DEFAULTS,
  type CyclicSpec,
  type OneCycleSpec,
  type ScheduleSpec,
  type SgdrSpec,
} from '../schedules';
import { UserError } from '../errors';
import { torchSchedulerCode } from '../insertion/torchSchedulerCode';
import { type MomentumPlan, momentumPlan } from '../momentum';
import { formatFloat } from '../pythonNumbers';
import { FRAMEWORK_LABELS, SNIPPET_POLICIES } from './catalog';
import { boundsComment, type Context, lines, speComment, stepSizeExpr } from './context';
import type { Numbers } from './render';

interface TorchScheduler {
  /** Import line (plain PyTorch). */
  imports: string[];
  /** Statements before the constructor (e.g. setting the peak rate for SGDR), using `opt`. */
  before: string[];
  /** The constructor expression, given the optimizer expression. */
  construct: (opt: string) => string;
  /** The per-batch step call as a statement. */
  stepCall: string;
  /** Whether the step call needs `iters` (the fractional-epoch form). */
  needsIters: boolean;
  schedule: ScheduleSpec;
}

/** `cycle_momentum=…` and, when it cycles, the momentum range, as keyword arguments. */
function momentumArgs(N: Numbers, plan: MomentumPlan, baseMomentum: number, maxMomentum: number): string[] {
  const cycle = `cycle_momentum=${plan.cycle ? 'True' : 'False'},${plan.note ? `  # ${plan.note}` : ''}`;
  if (!plan.cycle) return [cycle];
  return [cycle, `base_momentum=${N.n('baseMomentum', baseMomentum)},  # momentum at the top of the rate`, `max_momentum=${N.n('maxMomentum', maxMomentum)},`];
}

/** `Scheduler(optimizer, …)` with one keyword argument a line; Lightning's module imports nothing of ours. */
function constructCall(lightning: boolean, className: string, optimizer: string, args: string[]): string {
  const lines = [`${optimizer},`, ...args].map((a) => `    ${a}`).join('\n');
  return `${lightning ? 'torch.optim.lr_scheduler.' : ''}${className}(\n${lines}\n)`;
}

export function torchScheduler(ctx: Context, lightning: boolean): TorchScheduler {
  const { nums: N, opts } = ctx;
  const spec = opts.spec;
  const sched = ctx.schedulerVar;
  switch (spec.policy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range': {
      const s = spec;
      const plan = momentumPlan('cyclic', s.cycleMomentum ?? CYCLIC_DEFAULTS.cycleMomentum, opts.optimizer, opts.torchVersion);
      const up = stepSizeExpr(ctx, 'up', s.stepSizeUp ?? CYCLIC_DEFAULTS.stepSizeUp);
      const down = s.stepSizeDown !== undefined ? stepSizeExpr(ctx, 'down', s.stepSizeDown) : undefined;
      const scaleMode = s.scaleMode ?? nativeScaleMode(s.policy);
      const custom = scaleMode !== nativeScaleMode(s.policy);
      const gamma = s.gamma ?? CYCLIC_DEFAULTS.gamma;
      const args: string[] = [
        `base_lr=${N.n('baseLr', s.baseLr)},  # rate at the bottom of each cycle`,
        `max_lr=${N.n('maxLr', s.maxLr)},  # rate at the top`,
        `step_size_up=${up.expr},  # ${up.comment}`,
        ...(down ? [`step_size_down=${down.expr},  # ${down.comment}`] : []),
        `mode="${s.policy}",`,
        ...(s.policy === 'exp_range' && !custom ? [`gamma=${N.n('gamma', gamma)},  # amplitude × gamma every iteration`] : []),
        ...(custom && s.policy === 'exp_range'
          ? [`scale_fn=lambda x: ${N.n('gamma', gamma)} ** x,  # amplitude × gamma every cycle`, 'scale_mode="cycle",']
          : []),
        ...(custom && s.policy === 'triangular' ? ['scale_fn=lambda x: 1.0,', 'scale_mode="iterations",'] : []),
        ...momentumArgs(N, plan, s.baseMomentum ?? CYCLIC_DEFAULTS.baseMomentum, s.maxMomentum ?? CYCLIC_DEFAULTS.maxMomentum),
      ];
      const schedule: CyclicSpec = { ...s, cycleMomentum: plan.cycle };
      return {
        imports: ['from torch.optim.lr_scheduler import CyclicLR'],
        before: [],
        construct: (opt) => constructCall(lightning, 'CyclicLR', opt, args),
        stepCall: `${sched}.step()`,
        needsIters: false,
        schedule,
      };
    }
    case 'one-cycle': {
      const s = spec;
      const d = ONE_CYCLE_DEFAULTS;
      const plan = momentumPlan('onecycle', s.cycleMomentum ?? d.cycleMomentum, opts.optimizer, opts.torchVersion);
      const length =
        s.totalSteps !== undefined
          ? [`total_steps=${N.n('totalSteps', s.totalSteps)},  # optimizer steps in the whole run`]
          : [`epochs=${N.n('epochs', s.epochs ?? ctx.epochs)},`, `steps_per_epoch=${N.n('spe', s.stepsPerEpoch ?? ctx.spe ?? 1)},  # iterations per epoch`];
      const args = [
        `max_lr=${N.n('maxLr', s.maxLr)},  # peak rate`,
        ...length,
        `pct_start=${N.n('pctStart', formatFloat(s.pctStart ?? d.pctStart))},  # share of steps spent warming up`,
        `anneal_strategy="${s.annealStrategy ?? d.annealStrategy}",`,
        `div_factor=${N.n('divFactor', s.divFactor ?? d.divFactor)},  # starts at max_lr / div_factor`,
        `final_div_factor=${N.n('finalDivFactor', s.finalDivFactor ?? d.finalDivFactor)},  # ends at the start rate / final_div_factor`,
        ...(s.threePhase ? ['three_phase=True,'] : []),
        ...momentumArgs(N, plan, s.baseMomentum ?? d.baseMomentum, s.maxMomentum ?? d.maxMomentum),
      ];
      const schedule: OneCycleSpec = { ...s, cycleMomentum: plan.cycle };
      if (s.totalSteps === undefined) {
        schedule.epochs = s.epochs ?? ctx.epochs;
        schedule.stepsPerEpoch = s.stepsPerEpoch ?? ctx.spe ?? 1;
      }
      return {
        imports: ['from torch.optim.lr_scheduler import OneCycleLR'],
        before: [],
        construct: (opt) => constructCall(lightning, 'OneCycleLR', opt, args),
        stepCall: `${sched}.step()`,
        needsIters: false,
        schedule,
      };
    }
    case 'sgdr': {
      const s = spec;
      // Lightning steps with plain step() after every batch, so T_0 must be counted in batches there.
      const fractional = !lightning && ctx.spe !== undefined;
      const t0Expr = lightning && ctx.spe !== undefined ? `${N.n('t0', s.t0)} * ${N.n('spe', ctx.spe)}` : N.n('t0', s.t0);
      const t0Comment = fractional ? 'epochs until the first restart' : lightning && ctx.spe !== undefined ? 'epochs × iterations per epoch: restarts counted in batches' : 'scheduler steps until the first restart';
      const args = [`T_0=${t0Expr},  # ${t0Comment}`, `T_mult=${N.n('tMult', s.tMult ?? 1)},  # each period is T_mult times longer`, `eta_min=${N.n('etaMin', s.etaMin ?? 0)},  # floor rate`];
      const schedule: SgdrSpec = lightning
        ? { policy: 'sgdr', maxLr: s.maxLr, t0: ctx.spe !== undefined ? s.t0 * ctx.spe : s.t0, tMult: s.tMult, etaMin: s.etaMin }
        : { policy: 'sgdr', maxLr: s.maxLr, t0: s.t0, tMult: s.tMult, etaMin: s.etaMin, stepsPerEpoch: ctx.spe };
      for (const key of Object.keys(schedule) as Array<keyof SgdrSpec>) if (schedule[key] === undefined) delete schedule[key];
      return {
        imports: ['from torch.optim.lr_scheduler import CosineAnnealingWarmRestarts'],
        before: lightning
          ? []
          : [
              "# SGDR restarts at the optimizer's own rate: make that the peak.",
              `for group in ${ctx.optimizerVar}.param_groups:`,
              `    group["lr"] = ${N.n('maxLr', s.maxLr)}`,
            ],
        construct: (opt) => constructCall(lightning, 'CosineAnnealingWarmRestarts', opt, args),
        stepCall: fractional ? `${sched}.step(epoch + (i + 1) / iters)` : `${sched}.step()`,
        needsIters: fractional,
        schedule,
      };
    }
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay': {
      const code = torchSchedulerCode({ spec, optimizerVar: ctx.optimizerVar, schedulerVar: sched, stepsPerEpoch: ctx.spe, qualified: lightning });
      const math = code.needsMath ? ['import math'] : [];
      return {
        imports: lightning ? math : [...math, `from torch.optim.lr_scheduler import ${code.imports.join(', ')}`],
        before: lightning ? [...math, ...code.before.slice(3)] : code.before,
        construct: (opt) => constructCall(lightning, code.className, opt, code.args.map((a) => `${a.name}=${a.value},${a.comment ? `  # ${a.comment}` : ''}`)),
        stepCall: code.stepCall,
        needsIters: false,
        schedule: code.schedule,
      };
    }
    default:
      throw new UserError(`no ${FRAMEWORK_LABELS[opts.framework]} snippet for policy '${spec.policy}'`, { hint: `expected one of ${SNIPPET_POLICIES.join(', ')}` });
  }
}

export function pytorchSnippet(ctx: Context): { template: string; schedule: ScheduleSpec } {
  const t = torchScheduler(ctx, false);
  const opt = ctx.optimizerVar;
  const template = lines(
    ...t.imports,
    '',
    boundsComment(ctx, '#'),
    speComment(ctx, '#'),
    ...t.before,
    `${ctx.schedulerVar} = ${t.construct(opt)}`,
    '# Step the scheduler once per batch, after optimizer.step():',
    t.needsIters ? '#     iters = len(train_loader)' : undefined,
    '#     for epoch in range(epochs):',
    '#         for i, batch in enumerate(train_loader):',
    '#             ...  # forward pass, loss.backward()',
    `#             ${opt}.step()`,
    `#             ${t.stepCall}`,
  );
  return { template: template + '\n', schedule: t.schedule };
}
