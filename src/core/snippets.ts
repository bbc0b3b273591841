// Ready-to-paste scheduler code for PyTorch, PyTorch Lightning, Keras 3, TensorFlow.js and fastai, producing
// exactly the schedule `clr schedule` computes for the same parameters (verified by executing the PyTorch,
// Lightning-free, Keras-math, fastai-math and TF.js code in test/unit/core/snippets.exec.test.ts).
//
// Every snippet comes twice: plain code, and VS Code snippet syntax where each number is a tab stop
// (`${1:0.001}`, repeated numbers share a stop) and every other `$`, `}` and `\` is escaped.

import { OptimizerName, OPTIMIZERS, RangeTestResult } from './types';
import {
  CYCLIC_DEFAULTS,
  CyclicSpec,
  defaultWarmupSpec,
  nativeScaleMode,
  ONE_CYCLE_DEFAULTS,
  OneCycleSpec,
  ScheduleSpec,
  SgdrSpec,
  WARMUP_DEFAULTS,
  WARMUP_POLICIES,
  WarmupPolicy,
  WarmupSpec,
} from './schedules';
import { UserError } from './errors';
import { torchSchedulerCode } from './insertion/torchSchedulerCode';
import { MomentumPlan, momentumPlan } from './momentum';
import { formatFloat, formatNumber } from './pythonNumbers';

export { formatNumber } from './pythonNumbers';

export type SnippetFramework = 'pytorch' | 'lightning' | 'keras' | 'tfjs' | 'fastai';
export const SNIPPET_FRAMEWORKS: readonly SnippetFramework[] = ['pytorch', 'lightning', 'keras', 'tfjs', 'fastai'];
export type SnippetPolicy = 'triangular' | 'triangular2' | 'exp_range' | 'one-cycle' | 'sgdr' | WarmupPolicy;
export const SNIPPET_POLICIES: readonly SnippetPolicy[] = ['triangular', 'triangular2', 'exp_range', 'one-cycle', 'sgdr', ...WARMUP_POLICIES];

export const FRAMEWORK_LABELS: Record<SnippetFramework, string> = {
  pytorch: 'PyTorch',
  lightning: 'PyTorch Lightning',
  keras: 'Keras 3 / tf.keras',
  tfjs: 'TensorFlow.js',
  fastai: 'fastai',
};
export const POLICY_LABELS: Record<SnippetPolicy, string> = {
  triangular: 'CyclicLR triangular',
  triangular2: 'CyclicLR triangular2 (amplitude halves each cycle)',
  exp_range: 'CyclicLR exp_range (amplitude × gamma per step)',
  'one-cycle': 'One-cycle (OneCycleLR)',
  sgdr: 'SGDR (cosine annealing with warm restarts)',
  'warmup-cosine': 'Linear warm-up + cosine decay (LinearLR → CosineAnnealingLR)',
  wsd: 'Warmup-stable-decay (WSD)',
  'linear-decay': 'Linear decay to zero (LinearLR)',
};

export { TORCH_CYCLIC_BETA1_VERSION } from './momentum';

/** Smith's rule: a half-cycle of 2-10 epochs; 4 is the default here. */
export const DEFAULT_EPOCHS_PER_HALF_CYCLE = 4;
export const DEFAULT_BOUNDS = { baseLr: 1e-4, maxLr: 1e-2 } as const;
export const DEFAULT_EPOCHS = 10;
/** Default exp_range gamma: the amplitude falls to ~55% after 10,000 iterations (bckenstler/CLR's example). */
export const DEFAULT_GAMMA = 0.99994;
export const DEFAULT_SGDR = { t0: 10, tMult: 2 } as const;

export interface SnippetOptions {
  framework: SnippetFramework;
  /** The schedule; its policy must be one of SNIPPET_POLICIES. */
  spec: ScheduleSpec;
  /** Iterations per epoch = ceil(rows / batchSize); defaults to spec.stepsPerEpoch. */
  stepsPerEpoch?: number;
  /** Where iterations per epoch came from, for the comment. */
  rows?: number;
  batchSize?: number;
  /** Epochs to train (one-cycle length, fastai's fit, Keras's fit); default DEFAULT_EPOCHS. */
  epochs?: number;
  /** Where the bounds came from, e.g. "range test on data/train.csv"; absent means they are defaults. */
  boundsFrom?: string;
  /** The optimizer the user trains with; decides the momentum traps. Absent: unknown (comments say what to check). */
  optimizer?: OptimizerName;
  /** Installed torch version, e.g. "2.4.1"; CyclicLR cycles Adam's beta1 only from TORCH_CYCLIC_BETA1_VERSION. */
  torchVersion?: string;
  optimizerVar?: string;
  schedulerVar?: string;
  /** For tfjs: emit TypeScript (typed) instead of JavaScript. */
  typescript?: boolean;
}

export interface GeneratedSnippet {
  language: 'python' | 'javascript' | 'typescript';
  /** Plain code. */
  code: string;
  /** The same code in VS Code snippet syntax (for a SnippetString). */
  snippet: string;
  /** The schedule the code produces, as a `clr schedule` spec (after the traps are handled). */
  schedule: ScheduleSpec;
  /** How the code steps the scheduler, for `clr schedule` equivalence: 'per-batch' or 'per-batch-fractional-epoch'. */
  summary: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Placeholders: code is written with marker tokens for numbers, then rendered plain or as snippet syntax.

const OPEN = '\u0000';
const CLOSE = '\u0001';

class Numbers {
  private readonly values = new Map<string, string>();
  /** A number that becomes a tab stop; the same name twice is the same stop (VS Code mirrors it). */
  n(name: string, value: number | string): string {
    this.values.set(name, typeof value === 'number' ? formatNumber(value) : value);
    return `${OPEN}${name}${CLOSE}`;
  }
  render(template: string, asSnippet: boolean): string {
    const order: string[] = [];
    const parts = template.split(OPEN);
    let out = asSnippet ? escapeSnippet(parts[0]) : parts[0];
    for (const part of parts.slice(1)) {
      const end = part.indexOf(CLOSE);
      const name = part.slice(0, end);
      const rest = part.slice(end + 1);
      const value = this.values.get(name) ?? '';
      if (asSnippet) {
        if (!order.includes(name)) order.push(name);
        out += `\${${order.indexOf(name) + 1}:${escapeSnippet(value)}}` + escapeSnippet(rest);
      } else {
        out += value + rest;
      }
    }
    return out;
  }
}

/** Escapes text for VS Code snippet syntax: `$`, `}` and `\` are literal only when backslash-escaped. */
export function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, (c) => `\\${c}`);
}

function isIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

// ---------------------------------------------------------------------------------------------------------------
// Specs with sensible numbers when nothing better is known.

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

// ---------------------------------------------------------------------------------------------------------------
// Shared comment lines.

interface Context {
  opts: SnippetOptions;
  nums: Numbers;
  spe?: number;
  epochs: number;
  optimizerVar: string;
  schedulerVar: string;
  /** Code for iterations per epoch when the snippet computes it (fastai: len(learn.dls.train)). */
  speExpr?: string;
}

function boundsComment(ctx: Context, prefix: string): string {
  return ctx.opts.boundsFrom
    ? `${prefix} Bounds from ${ctx.opts.boundsFrom}.`
    : `${prefix} Bounds are defaults: run a range test (Cyclical LR: Run Range Test) to find yours.`;
}

function speComment(ctx: Context, prefix: string): string | undefined {
  if (ctx.spe === undefined) return undefined;
  const { rows, batchSize } = ctx.opts;
  return rows !== undefined && batchSize !== undefined
    ? `${prefix} Iterations per epoch: ceil(${rows} rows / ${batchSize} batch size) = ${ctx.spe}.`
    : `${prefix} Iterations per epoch: ${ctx.spe} (ceil(rows / batch size)).`;
}

/** `k * spe` when the step size is a whole number of epochs, so the reader sees (and can edit) both factors. */
function stepSizeExpr(ctx: Context, name: string, value: number): { expr: string; comment: string } {
  const spe = ctx.spe;
  if (spe !== undefined && Number.isInteger(value / spe) && value / spe >= 1) {
    const k = value / spe;
    return {
      expr: `${ctx.nums.n(`${name}Epochs`, k)} * ${ctx.speExpr ?? ctx.nums.n('spe', spe)}`,
      comment: `${k} epoch${k === 1 ? '' : 's'} × iterations per epoch${name === 'up' ? " (Smith: 2-10 epochs per half-cycle)" : ''}`,
    };
  }
  return { expr: ctx.nums.n(name, value), comment: name === 'up' ? 'iterations in the rising half-cycle' : 'iterations in the falling half-cycle' };
}

function lines(...items: Array<string | undefined | false>): string {
  return items.filter((l): l is string => typeof l === 'string').join('\n');
}

/**
 * A warm-up schedule as the one closed form its SequentialLR chain computes: a linear warm-up from
 * startFactor × peak over warmupSteps, the peak until the last decaySteps, which decay to etaMin (cosine) or 0.
 * Numbers are placeholders.
 */
interface WarmupForm {
  peak: string;
  totalSteps: string;
  warmupSteps: string;
  startFactor: string;
  decaySteps: string;
  decay: 'cosine' | 'linear' | '1-sqrt';
  etaMin: string;
  title: string;
}

function warmupForm(N: Numbers, spec: WarmupSpec): WarmupForm {
  const warmup = spec.warmupSteps ?? WARMUP_DEFAULTS.warmupSteps;
  const decaySteps = spec.policy === 'wsd' ? (spec.decaySteps ?? 0) : spec.totalSteps - warmup;
  const decay = spec.policy === 'warmup-cosine' ? 'cosine' : spec.policy === 'wsd' ? (spec.cooldown ?? WARMUP_DEFAULTS.cooldown) : 'linear';
  return {
    peak: N.n('maxLr', spec.maxLr),
    totalSteps: N.n('totalSteps', spec.totalSteps),
    warmupSteps: N.n('warmupSteps', warmup),
    startFactor: N.n('warmupStartFactor', formatFloat(spec.warmupStartFactor ?? WARMUP_DEFAULTS.warmupStartFactor)),
    decaySteps: N.n('decaySteps', decaySteps),
    decay,
    etaMin: N.n('etaMin', formatFloat(spec.policy === 'warmup-cosine' ? (spec.etaMin ?? WARMUP_DEFAULTS.etaMin) : 0)),
    title: `PyTorch's ${POLICY_LABELS[spec.policy]} chain (SequentialLR)`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// PyTorch (plain and Lightning).

function torchOptimizerExpr(ctx: Context, optimizer: OptimizerName | undefined, params: string, lr: string): string {
  switch (optimizer ?? 'momentum') {
    case 'sgd':
      return `torch.optim.SGD(${params}, lr=${lr})`;
    case 'momentum':
      return `torch.optim.SGD(${params}, lr=${lr}, momentum=${ctx.nums.n('sgdMomentum', 0.9)})`;
    case 'nesterov':
      return `torch.optim.SGD(${params}, lr=${lr}, momentum=${ctx.nums.n('sgdMomentum', 0.9)}, nesterov=True)`;
    case 'adam':
      return `torch.optim.Adam(${params}, lr=${lr})`;
    case 'adamw':
      return `torch.optim.AdamW(${params}, lr=${lr})`;
    case 'rmsprop':
      return `torch.optim.RMSprop(${params}, lr=${lr})`;
  }
  throw new UserError(`unknown optimizer ${optimizer}`);
}

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

function torchScheduler(ctx: Context, lightning: boolean): TorchScheduler {
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


function pytorchSnippet(ctx: Context): { template: string; schedule: ScheduleSpec } {
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

function lightningSnippet(ctx: Context): { template: string; schedule: ScheduleSpec } {
  const t = torchScheduler(ctx, true);
  const opt = ctx.optimizerVar;
  const lr = ctx.nums.n('maxLr', 'maxLr' in ctx.opts.spec ? ctx.opts.spec.maxLr : DEFAULT_BOUNDS.maxLr);
  const body = lines(
    boundsComment(ctx, '#'),
    speComment(ctx, '#'),
    `${opt} = ${torchOptimizerExpr(ctx, ctx.opts.optimizer, 'self.parameters()', lr)}`,
    ...t.before,
    `${ctx.schedulerVar} = ${t.construct(opt)}`,
    '# "interval": "step" makes Lightning call scheduler.step() after every batch, not once per epoch.',
    `return {"optimizer": ${opt}, "lr_scheduler": {"scheduler": ${ctx.schedulerVar}, "interval": "step", "frequency": 1}}`,
  );
  const indented = body
    .split('\n')
    .map((l) => (l ? `    ${l}` : l))
    .join('\n');
  return { template: `def configure_optimizers(self):\n${indented}\n`, schedule: t.schedule };
}

// ---------------------------------------------------------------------------------------------------------------
// Keras 3: a per-step LearningRateSchedule (Keras evaluates it at optimizer.iterations, i.e. every batch).

function kerasOptimizerExpr(ctx: Context, rate: string): string {
  switch (ctx.opts.optimizer ?? 'momentum') {
    case 'sgd':
      return `keras.optimizers.SGD(learning_rate=${rate})`;
    case 'momentum':
      return `keras.optimizers.SGD(learning_rate=${rate}, momentum=${ctx.nums.n('sgdMomentum', 0.9)})`;
    case 'nesterov':
      return `keras.optimizers.SGD(learning_rate=${rate}, momentum=${ctx.nums.n('sgdMomentum', 0.9)}, nesterov=True)`;
    case 'adam':
      return `keras.optimizers.Adam(learning_rate=${rate})`;
    case 'adamw':
      return `keras.optimizers.AdamW(learning_rate=${rate})`;
    case 'rmsprop':
      return `keras.optimizers.RMSprop(learning_rate=${rate})`;
  }
}

const KERAS_CYCLIC_CLASS = `@keras.saving.register_keras_serializable()
class CyclicalLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """PyTorch CyclicLR's formula, evaluated at every optimizer step (batch)."""

    def __init__(self, base_lr, max_lr, step_size_up, step_size_down=None, mode="triangular", gamma=1.0, scale_mode=None):
        self.base_lr = base_lr
        self.max_lr = max_lr
        self.step_size_up = step_size_up
        self.step_size_down = step_size_up if step_size_down is None else step_size_down
        self.mode = mode
        self.gamma = gamma
        self.scale_mode = scale_mode or ("iterations" if mode == "exp_range" else "cycle")

    def __call__(self, step):
        step = ops.cast(step, "float32")
        total = float(self.step_size_up + self.step_size_down)
        ratio = self.step_size_up / total
        cycle = ops.floor(1.0 + step / total)
        x = 1.0 + step / total - cycle
        if ratio < 1.0:
            scale_factor = ops.where(x <= ratio, x / ratio, (x - 1.0) / (ratio - 1.0))
        else:
            scale_factor = x / ratio
        scale_by = cycle if self.scale_mode == "cycle" else step
        if self.mode == "triangular":
            scale = 1.0
        elif self.mode == "triangular2":
            scale = 1.0 / ops.power(2.0, scale_by - 1.0)
        else:
            scale = ops.power(self.gamma, scale_by)
        return self.base_lr + (self.max_lr - self.base_lr) * scale_factor * scale

    def get_config(self):
        return {
            "base_lr": self.base_lr,
            "max_lr": self.max_lr,
            "step_size_up": self.step_size_up,
            "step_size_down": self.step_size_down,
            "mode": self.mode,
            "gamma": self.gamma,
            "scale_mode": self.scale_mode,
        }`;

const KERAS_ONE_CYCLE_CLASS = `@keras.saving.register_keras_serializable()
class OneCycleLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """PyTorch OneCycleLR's formula, evaluated at every optimizer step (batch)."""

    def __init__(self, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos", div_factor=25.0, final_div_factor=1e4, three_phase=False):
        self.max_lr = max_lr
        self.total_steps = total_steps
        self.pct_start = pct_start
        self.anneal_strategy = anneal_strategy
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        self.three_phase = three_phase

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (ops.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def __call__(self, step):
        step = ops.cast(step, "float32")
        initial_lr = self.max_lr / self.div_factor
        min_lr = initial_lr / self.final_div_factor
        warm_end = float(self.pct_start * self.total_steps) - 1
        if self.three_phase:
            phases = [(warm_end, initial_lr, self.max_lr),
                      (float(2 * self.pct_start * self.total_steps) - 2, self.max_lr, initial_lr),
                      (self.total_steps - 1, initial_lr, min_lr)]
        else:
            phases = [(warm_end, initial_lr, self.max_lr), (self.total_steps - 1, self.max_lr, min_lr)]
        starts = [0.0] + [end for end, _, _ in phases[:-1]]
        values = [self._anneal(lo, hi, (step - start) / (end - start)) for (end, lo, hi), start in zip(phases, starts)]
        lr = values[-1]
        for (end, _, _), value in reversed(list(zip(phases[:-1], values[:-1]))):
            lr = ops.where(step <= end, value, lr)
        return lr

    def get_config(self):
        return {
            "max_lr": self.max_lr,
            "total_steps": self.total_steps,
            "pct_start": self.pct_start,
            "anneal_strategy": self.anneal_strategy,
            "div_factor": self.div_factor,
            "final_div_factor": self.final_div_factor,
            "three_phase": self.three_phase,
        }`;

const KERAS_SGDR_CLASS = `@keras.saving.register_keras_serializable()
class WarmRestartsLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """PyTorch CosineAnnealingWarmRestarts at the fractional epoch step / steps_per_epoch, every batch."""

    def __init__(self, max_lr, t_0, steps_per_epoch, t_mult=1, eta_min=0.0):
        self.max_lr = max_lr
        self.t_0 = t_0
        self.steps_per_epoch = steps_per_epoch
        self.t_mult = t_mult
        self.eta_min = eta_min

    def __call__(self, step):
        epoch = ops.cast(step, "float32") / self.steps_per_epoch
        if self.t_mult == 1:
            t_cur = ops.mod(epoch, float(self.t_0))
            t_i = float(self.t_0)
        else:
            n = ops.floor(ops.log(epoch / self.t_0 * (self.t_mult - 1) + 1) / math.log(self.t_mult))
            t_cur = epoch - self.t_0 * (ops.power(float(self.t_mult), n) - 1) / (self.t_mult - 1)
            t_i = self.t_0 * ops.power(float(self.t_mult), n)
        return self.eta_min + (self.max_lr - self.eta_min) * (1 + ops.cos(math.pi * t_cur / t_i)) / 2

    def get_config(self):
        return {
            "max_lr": self.max_lr,
            "t_0": self.t_0,
            "steps_per_epoch": self.steps_per_epoch,
            "t_mult": self.t_mult,
            "eta_min": self.eta_min,
        }`;

const KERAS_WARMUP_CLASS = `@keras.saving.register_keras_serializable()
class WarmupDecayLearningRate(keras.optimizers.schedules.LearningRateSchedule):
    """PyTorch's LinearLR warm-up, ConstantLR peak and final decay (SequentialLR), at every optimizer step (batch)."""

    def __init__(self, max_lr, total_steps, warmup_steps, start_factor, decay_steps, decay="linear", eta_min=0.0):
        self.max_lr = max_lr
        self.total_steps = total_steps
        self.warmup_steps = warmup_steps
        self.start_factor = start_factor
        self.decay_steps = decay_steps
        self.decay = decay
        self.eta_min = eta_min

    def __call__(self, step):
        step = ops.cast(step, "float32")
        warm = self.max_lr * (self.start_factor + (1.0 - self.start_factor) * step / max(self.warmup_steps, 1))
        k = ops.maximum(step - (self.total_steps - self.decay_steps), 0.0)
        if self.decay == "cosine":
            decayed = self.eta_min + (self.max_lr - self.eta_min) * (1 + ops.cos(math.pi * k / self.decay_steps)) / 2
        elif self.decay == "1-sqrt":
            decayed = self.max_lr * (1 - ops.sqrt(ops.minimum(k, self.decay_steps) / self.decay_steps))
        else:
            decayed = self.max_lr * (1 - ops.minimum(k, self.decay_steps) / self.decay_steps)
        stable = ops.where(step < self.total_steps - self.decay_steps, self.max_lr, decayed)
        return ops.where(step < self.warmup_steps, warm, stable)

    def get_config(self):
        return {
            "max_lr": self.max_lr,
            "total_steps": self.total_steps,
            "warmup_steps": self.warmup_steps,
            "start_factor": self.start_factor,
            "decay_steps": self.decay_steps,
            "decay": self.decay,
            "eta_min": self.eta_min,
        }`;

function kerasSnippet(ctx: Context): { template: string; schedule: ScheduleSpec } {
  const { nums: N, opts } = ctx;
  const spec = opts.spec;
  let cls: string;
  let build: string;
  let schedule: ScheduleSpec;
  const spe = ctx.spe;
  switch (spec.policy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range': {
      const up = stepSizeExpr(ctx, 'up', spec.stepSizeUp ?? CYCLIC_DEFAULTS.stepSizeUp);
      const down = spec.stepSizeDown !== undefined ? stepSizeExpr(ctx, 'down', spec.stepSizeDown) : undefined;
      cls = KERAS_CYCLIC_CLASS;
      build = lines(
        'schedule = CyclicalLearningRate(',
        `    base_lr=${N.n('baseLr', spec.baseLr)},`,
        `    max_lr=${N.n('maxLr', spec.maxLr)},`,
        `    step_size_up=${up.expr},  # ${up.comment}`,
        down && `    step_size_down=${down.expr},  # ${down.comment}`,
        `    mode="${spec.policy}",`,
        spec.policy === 'exp_range' && `    gamma=${N.n('gamma', spec.gamma ?? CYCLIC_DEFAULTS.gamma)},`,
        spec.scaleMode !== undefined && spec.scaleMode !== nativeScaleMode(spec.policy) && `    scale_mode="${spec.scaleMode}",`,
        ')',
      );
      schedule = { ...spec, cycleMomentum: false };
      break;
    }
    case 'one-cycle': {
      const d = ONE_CYCLE_DEFAULTS;
      const total =
        spec.totalSteps !== undefined
          ? N.n('totalSteps', spec.totalSteps)
          : `${N.n('epochs', spec.epochs ?? ctx.epochs)} * ${N.n('spe', spec.stepsPerEpoch ?? spe ?? 1)}`;
      cls = KERAS_ONE_CYCLE_CLASS;
      build = lines(
        'schedule = OneCycleLearningRate(',
        `    max_lr=${N.n('maxLr', spec.maxLr)},`,
        `    total_steps=${total},  # ${spec.totalSteps !== undefined ? 'optimizer steps in the whole run' : 'epochs × iterations per epoch'}`,
        `    pct_start=${N.n('pctStart', formatFloat(spec.pctStart ?? d.pctStart))},`,
        `    anneal_strategy="${spec.annealStrategy ?? d.annealStrategy}",`,
        `    div_factor=${N.n('divFactor', spec.divFactor ?? d.divFactor)},`,
        `    final_div_factor=${N.n('finalDivFactor', spec.finalDivFactor ?? d.finalDivFactor)},`,
        spec.threePhase && '    three_phase=True,',
        ')',
      );
      schedule = { ...spec, cycleMomentum: false };
      if (spec.totalSteps === undefined) schedule = { ...schedule, epochs: spec.epochs ?? ctx.epochs, stepsPerEpoch: spec.stepsPerEpoch ?? spe ?? 1 };
      break;
    }
    case 'sgdr': {
      cls = KERAS_SGDR_CLASS;
      build = lines(
        'schedule = WarmRestartsLearningRate(',
        `    max_lr=${N.n('maxLr', spec.maxLr)},  # peak of every cosine`,
        `    t_0=${N.n('t0', spec.t0)},  # epochs until the first restart`,
        `    steps_per_epoch=${N.n('spe', spe ?? 1)},  # iterations per epoch`,
        `    t_mult=${N.n('tMult', spec.tMult ?? 1)},`,
        `    eta_min=${N.n('etaMin', spec.etaMin ?? 0)},`,
        ')',
      );
      schedule = { policy: 'sgdr', maxLr: spec.maxLr, t0: spec.t0, tMult: spec.tMult ?? 1, etaMin: spec.etaMin ?? 0, stepsPerEpoch: spe ?? 1 };
      break;
    }
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay': {
      const f = warmupForm(N, spec);
      cls = KERAS_WARMUP_CLASS;
      build = lines(
        'schedule = WarmupDecayLearningRate(',
        `    max_lr=${f.peak},  # peak rate`,
        `    total_steps=${f.totalSteps},  # optimizer steps in the whole run`,
        `    warmup_steps=${f.warmupSteps},`,
        `    start_factor=${f.startFactor},  # the warm-up starts at this fraction of the peak`,
        `    decay_steps=${f.decaySteps},  # the last steps, decaying ${f.decay === 'cosine' ? 'to eta_min' : 'to 0'}`,
        `    decay="${f.decay}",`,
        f.decay === 'cosine' && `    eta_min=${f.etaMin},`,
        ')',
      );
      schedule = { ...spec };
      break;
    }
    default:
      throw new UserError(`no Keras snippet for policy '${spec.policy}'`, { hint: `expected one of ${SNIPPET_POLICIES.join(', ')}` });
  }
  const template = lines(
    '# Keras 3 (TensorFlow >= 2.16 ships it as tf.keras); any backend: the schedule uses keras.ops only.',
    'import math',
    '',
    'import keras',
    'from keras import ops',
    '',
    '',
    cls,
    '',
    '',
    boundsComment(ctx, '#'),
    speComment(ctx, '#'),
    build,
    `${ctx.optimizerVar} = ${kerasOptimizerExpr(ctx, 'schedule')}`,
    '# Keras evaluates the schedule at every optimizer step, so the rate changes per batch; momentum stays fixed.',
    '# An optimizer built with a schedule cannot have its rate set afterwards: do not also use',
    '# LearningRateScheduler or ReduceLROnPlateau with it.',
    `# model.compile(optimizer=${ctx.optimizerVar}, loss=...)`,
    '#',
    '# Per-epoch alternative, only if you must: keras.callbacks.LearningRateScheduler changes the rate ONCE PER EPOCH,',
    '# which samples the cycle at epoch boundaries only. It needs an optimizer built with a float learning_rate:',
    `#     callback = keras.callbacks.LearningRateScheduler(lambda epoch: float(schedule(epoch * ${spe ?? 'steps_per_epoch'})))`,
  );
  return { template: template + '\n', schedule };
}

// ---------------------------------------------------------------------------------------------------------------
// Plain-math rate functions (fastai's ParamScheduler and TF.js), written in PyTorch's order of operations.

/** Python function `name(step)` → the rate at optimizer step `step`. */
function pythonRateFunction(ctx: Context, name: string): { code: string; schedule: ScheduleSpec } {
  const { nums: N, opts } = ctx;
  const spec = opts.spec;
  switch (spec.policy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range': {
      const up = stepSizeExpr(ctx, 'up', spec.stepSizeUp ?? CYCLIC_DEFAULTS.stepSizeUp);
      const down = spec.stepSizeDown !== undefined ? stepSizeExpr(ctx, 'down', spec.stepSizeDown) : up;
      const scaleBy = (spec.scaleMode ?? nativeScaleMode(spec.policy)) === 'cycle' ? 'cycle' : 'step';
      const scale =
        spec.policy === 'triangular' ? '1.0' : spec.policy === 'triangular2' ? `1 / (2.0 ** (${scaleBy} - 1))` : `${N.n('gamma', spec.gamma ?? CYCLIC_DEFAULTS.gamma)} ** ${scaleBy}`;
      return {
        code: lines(
          `def ${name}(step):`,
          `    """PyTorch CyclicLR (${spec.policy}) at optimizer step \`step\`."""`,
          `    base_lr, max_lr = ${N.n('baseLr', spec.baseLr)}, ${N.n('maxLr', spec.maxLr)}`,
          `    step_size_up = float(${up.expr})  # ${up.comment}`,
          `    step_size_down = float(${down.expr})`,
          '    total = step_size_up + step_size_down',
          '    ratio = step_size_up / total',
          '    cycle = math.floor(1 + step / total)',
          '    x = 1.0 + step / total - cycle',
          '    scale_factor = x / ratio if x <= ratio else (x - 1) / (ratio - 1)',
          `    return base_lr + (max_lr - base_lr) * scale_factor * ${scale}`,
        ),
        schedule: { ...spec, cycleMomentum: false },
      };
    }
    case 'one-cycle': {
      const d = ONE_CYCLE_DEFAULTS;
      const total = spec.totalSteps ?? (spec.epochs ?? ctx.epochs) * (spec.stepsPerEpoch ?? ctx.spe ?? 1);
      const three = spec.threePhase ?? d.threePhase;
      const cos = (spec.annealStrategy ?? d.annealStrategy) === 'cos';
      return {
        code: lines(
          `def ${name}(step):`,
          '    """PyTorch OneCycleLR at optimizer step `step`."""',
          `    max_lr, total_steps, pct_start = ${N.n('maxLr', spec.maxLr)}, ${N.n('totalSteps', total)}, ${N.n('pctStart', formatFloat(spec.pctStart ?? d.pctStart))}`,
          `    initial_lr = max_lr / ${N.n('divFactor', spec.divFactor ?? d.divFactor)}`,
          `    min_lr = initial_lr / ${N.n('finalDivFactor', spec.finalDivFactor ?? d.finalDivFactor)}`,
          three
            ? '    phases = [(float(pct_start * total_steps) - 1, initial_lr, max_lr), (float(2 * pct_start * total_steps) - 2, max_lr, initial_lr), (total_steps - 1, initial_lr, min_lr)]'
            : '    phases = [(float(pct_start * total_steps) - 1, initial_lr, max_lr), (total_steps - 1, max_lr, min_lr)]',
          '    start_step = 0',
          '    for i, (end_step, start, end) in enumerate(phases):',
          '        if step <= end_step or i == len(phases) - 1:',
          '            pct = (step - start_step) / (end_step - start_step)',
          cos ? '            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)' : '            return (end - start) * pct + start',
          '        start_step = end_step',
        ),
        schedule: { ...spec, cycleMomentum: false },
      };
    }
    case 'sgdr': {
      const spe = ctx.spe ?? 1;
      return {
        code: lines(
          `def ${name}(step):`,
          '    """PyTorch CosineAnnealingWarmRestarts at the fractional epoch step / iterations per epoch."""',
          `    max_lr, eta_min, t_0, t_mult = ${N.n('maxLr', spec.maxLr)}, ${N.n('etaMin', spec.etaMin ?? 0)}, ${N.n('t0', spec.t0)}, ${N.n('tMult', spec.tMult ?? 1)}`,
          `    epoch = step / ${ctx.speExpr ?? N.n('spe', spe)}  # iterations per epoch`,
          '    t_i = t_0',
          '    if epoch < t_0:',
          '        t_cur = epoch',
          '    elif t_mult == 1:',
          '        t_cur = epoch % t_0',
          '    else:',
          '        n = int(math.log(epoch / t_0 * (t_mult - 1) + 1, t_mult))',
          '        t_cur = epoch - t_0 * (t_mult ** n - 1) / (t_mult - 1)',
          '        t_i = t_0 * t_mult ** n',
          '    return eta_min + (max_lr - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2',
        ),
        schedule: { policy: 'sgdr', maxLr: spec.maxLr, t0: spec.t0, tMult: spec.tMult ?? 1, etaMin: spec.etaMin ?? 0, stepsPerEpoch: spe },
      };
    }
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay': {
      const f = warmupForm(N, spec);
      return {
        code: lines(
          `def ${name}(step):`,
          `    """${f.title} at optimizer step \`step\`."""`,
          `    max_lr, total_steps = ${f.peak}, ${f.totalSteps}`,
          `    warmup_steps, start_factor = ${f.warmupSteps}, ${f.startFactor}`,
          `    decay_steps = ${f.decaySteps}  # the last steps, decaying ${f.decay === 'cosine' ? 'to eta_min' : 'to 0'}`,
          '    if step < warmup_steps:',
          '        return max_lr * (start_factor + (1.0 - start_factor) * step / warmup_steps)',
          '    if step < total_steps - decay_steps:',
          '        return max_lr',
          '    k = step - (total_steps - decay_steps)',
          f.decay === 'cosine'
            ? lines(`    eta_min = ${f.etaMin}`, '    return eta_min + (max_lr - eta_min) * (1 + math.cos(math.pi * k / decay_steps)) / 2')
            : f.decay === '1-sqrt'
              ? '    return max_lr * (1 - math.sqrt(min(k, decay_steps) / decay_steps))'
              : '    return max_lr * (1 - min(k, decay_steps) / decay_steps)',
        ),
        schedule: { ...spec },
      };
    }
    default:
      throw new UserError(`no snippet for policy '${spec.policy}'`, { hint: `expected one of ${SNIPPET_POLICIES.join(', ')}` });
  }
}

function fastaiSnippet(ctx: Context): { template: string; schedule: ScheduleSpec } {
  const { nums: N, opts } = ctx;
  const spec = opts.spec;
  if (spec.policy === 'one-cycle') {
    const d = ONE_CYCLE_DEFAULTS;
    const div = spec.divFactor ?? d.divFactor;
    const finalDiv = spec.finalDivFactor ?? d.finalDivFactor;
    const epochs = spec.epochs ?? ctx.epochs;
    const plan = momentumPlan('onecycle', spec.cycleMomentum ?? d.cycleMomentum, opts.optimizer, opts.torchVersion);
    const template = lines(
      boundsComment(ctx, '#'),
      "# fastai's defaults differ from PyTorch's (pct_start 0.25, div_final 1e5): these match OneCycleLR's.",
      '# div_final is relative to lr_max, so it is div_factor × final_div_factor.',
      spec.annealStrategy === 'linear' && '# fastai anneals with cosine only; PyTorch\'s anneal_strategy="linear" has no equivalent here.',
      spec.threePhase && "# fastai's fit_one_cycle has two phases; three_phase has no equivalent here.",
      `learn.fit_one_cycle(`,
      `    ${N.n('epochs', epochs)},  # epochs`,
      `    lr_max=${N.n('maxLr', spec.maxLr)},`,
      `    div=${N.n('divFactor', div)},`,
      `    div_final=${N.n('divFinal', div * finalDiv)},`,
      `    pct_start=${N.n('pctStart', formatFloat(spec.pctStart ?? d.pctStart))},`,
      plan.cycle
        ? `    moms=(${N.n('maxMomentum', spec.maxMomentum ?? d.maxMomentum)}, ${N.n('baseMomentum', spec.baseMomentum ?? d.baseMomentum)}, ${N.n('maxMomentum', spec.maxMomentum ?? d.maxMomentum)}),`
        : `    moms=None,  # ${plan.note || 'momentum not cycled'}: fastai then uses its default moms`,
      ')',
    );
    return { template: template + '\n', schedule: { ...spec, cycleMomentum: false } };
  }
  const name = spec.policy === 'sgdr' ? 'sgdr_lr' : (WARMUP_POLICIES as readonly string[]).includes(spec.policy) ? 'warmup_lr' : 'cyclical_lr';
  const fn = pythonRateFunction({ ...ctx, speExpr: 'ITERS_PER_EPOCH' }, name);
  const template = lines(
    'import math',
    '',
    'from fastai.callback.schedule import ParamScheduler',
    '',
    boundsComment(ctx, '#'),
    speComment(ctx, '#'),
    `EPOCHS = ${N.n('epochs', ctx.epochs)}`,
    'ITERS_PER_EPOCH = len(learn.dls.train)  # batches per epoch, from your DataLoaders',
    '',
    '',
    fn.code,
    '',
    '',
    "# fastai's ParamScheduler calls the schedule with pos = (batches done) / (total batches), once per batch.",
    name === 'warmup_lr' && '# total_steps should equal EPOCHS × ITERS_PER_EPOCH, so that the decay ends where training does.',
    `learn.fit(EPOCHS, cbs=ParamScheduler({"lr": lambda pos: ${name}(round(pos * EPOCHS * ITERS_PER_EPOCH))}))`,
  );
  return { template: template + '\n', schedule: fn.schedule };
}

// ---------------------------------------------------------------------------------------------------------------
// TensorFlow.js: a callback that sets the rate before every batch.

function jsRateFunction(ctx: Context, ts: boolean): { code: string; schedule: ScheduleSpec } {
  const { nums: N, opts } = ctx;
  const spec = opts.spec;
  const sig = ts ? '(step: number): number' : '(step)';
  switch (spec.policy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range': {
      const up = stepSizeExpr(ctx, 'up', spec.stepSizeUp ?? CYCLIC_DEFAULTS.stepSizeUp);
      const down = spec.stepSizeDown !== undefined ? stepSizeExpr(ctx, 'down', spec.stepSizeDown) : up;
      const scaleBy = (spec.scaleMode ?? nativeScaleMode(spec.policy)) === 'cycle' ? 'cycle' : 'step';
      const scale =
        spec.policy === 'triangular' ? '1' : spec.policy === 'triangular2' ? `1 / 2 ** (${scaleBy} - 1)` : `${N.n('gamma', spec.gamma ?? CYCLIC_DEFAULTS.gamma)} ** ${scaleBy}`;
      return {
        code: lines(
          `// PyTorch CyclicLR (${spec.policy}) at optimizer step \`step\`.`,
          `function learningRateAt${sig} {`,
          `  const baseLr = ${N.n('baseLr', spec.baseLr)};`,
          `  const maxLr = ${N.n('maxLr', spec.maxLr)};`,
          `  const stepSizeUp = ${up.expr}; // ${up.comment}`,
          `  const stepSizeDown = ${down.expr};`,
          '  const total = stepSizeUp + stepSizeDown;',
          '  const ratio = stepSizeUp / total;',
          '  const cycle = Math.floor(1 + step / total);',
          '  const x = 1 + step / total - cycle;',
          '  const scaleFactor = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);',
          `  return baseLr + (maxLr - baseLr) * scaleFactor * (${scale});`,
          '}',
        ),
        schedule: { ...spec, cycleMomentum: false },
      };
    }
    case 'one-cycle': {
      const d = ONE_CYCLE_DEFAULTS;
      const total = spec.totalSteps ?? (spec.epochs ?? ctx.epochs) * (spec.stepsPerEpoch ?? ctx.spe ?? 1);
      const three = spec.threePhase ?? d.threePhase;
      const cos = (spec.annealStrategy ?? d.annealStrategy) === 'cos';
      const phaseType = ts ? ': Array<[number, number, number]>' : '';
      return {
        code: lines(
          '// PyTorch OneCycleLR at optimizer step `step`.',
          `function learningRateAt${sig} {`,
          `  const maxLr = ${N.n('maxLr', spec.maxLr)};`,
          `  const totalSteps = ${N.n('totalSteps', total)};`,
          `  const pctStart = ${N.n('pctStart', spec.pctStart ?? d.pctStart)};`,
          `  const initialLr = maxLr / ${N.n('divFactor', spec.divFactor ?? d.divFactor)};`,
          `  const minLr = initialLr / ${N.n('finalDivFactor', spec.finalDivFactor ?? d.finalDivFactor)};`,
          three
            ? `  const phases${phaseType} = [[pctStart * totalSteps - 1, initialLr, maxLr], [2 * pctStart * totalSteps - 2, maxLr, initialLr], [totalSteps - 1, initialLr, minLr]];`
            : `  const phases${phaseType} = [[pctStart * totalSteps - 1, initialLr, maxLr], [totalSteps - 1, maxLr, minLr]];`,
          '  let startStep = 0;',
          '  for (let i = 0; i < phases.length; i++) {',
          '    const [endStep, start, end] = phases[i];',
          '    if (step <= endStep || i === phases.length - 1) {',
          '      const pct = (step - startStep) / (endStep - startStep);',
          cos ? '      return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);' : '      return (end - start) * pct + start;',
          '    }',
          '    startStep = endStep;',
          '  }',
          '  return minLr;',
          '}',
        ),
        schedule: { ...spec, cycleMomentum: false },
      };
    }
    case 'sgdr': {
      const spe = ctx.spe ?? 1;
      return {
        code: lines(
          '// PyTorch CosineAnnealingWarmRestarts at the fractional epoch step / iterations per epoch.',
          `function learningRateAt${sig} {`,
          `  const maxLr = ${N.n('maxLr', spec.maxLr)};`,
          `  const etaMin = ${N.n('etaMin', spec.etaMin ?? 0)};`,
          `  const t0 = ${N.n('t0', spec.t0)}; // epochs until the first restart`,
          `  const tMult = ${N.n('tMult', spec.tMult ?? 1)};`,
          `  const epoch = step / ${N.n('spe', spe)}; // iterations per epoch`,
          '  let tCur = epoch;',
          '  let tI = t0;',
          '  if (epoch >= t0) {',
          '    if (tMult === 1) {',
          '      tCur = epoch % t0;',
          '    } else {',
          '      const n = Math.trunc(Math.log((epoch / t0) * (tMult - 1) + 1) / Math.log(tMult));',
          '      tCur = epoch - (t0 * (tMult ** n - 1)) / (tMult - 1);',
          '      tI = t0 * tMult ** n;',
          '    }',
          '  }',
          '  return etaMin + ((maxLr - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;',
          '}',
        ),
        schedule: { policy: 'sgdr', maxLr: spec.maxLr, t0: spec.t0, tMult: spec.tMult ?? 1, etaMin: spec.etaMin ?? 0, stepsPerEpoch: spe },
      };
    }
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay': {
      const f = warmupForm(N, spec);
      return {
        code: lines(
          `// ${f.title} at optimizer step \`step\`.`,
          `function learningRateAt${sig} {`,
          `  const maxLr = ${f.peak};`,
          `  const totalSteps = ${f.totalSteps}; // optimizer steps in the whole run`,
          `  const warmupSteps = ${f.warmupSteps};`,
          `  const startFactor = ${f.startFactor}; // the warm-up starts at this fraction of the peak`,
          `  const decaySteps = ${f.decaySteps}; // the last steps, decaying ${f.decay === 'cosine' ? 'to etaMin' : 'to 0'}`,
          '  if (step < warmupSteps) return maxLr * (startFactor + ((1 - startFactor) * step) / warmupSteps);',
          '  if (step < totalSteps - decaySteps) return maxLr;',
          '  const k = step - (totalSteps - decaySteps);',
          f.decay === 'cosine'
            ? lines(`  const etaMin = ${f.etaMin};`, '  return etaMin + ((maxLr - etaMin) * (1 + Math.cos((Math.PI * k) / decaySteps))) / 2;')
            : f.decay === '1-sqrt'
              ? '  return maxLr * (1 - Math.sqrt(Math.min(k, decaySteps) / decaySteps));'
              : '  return maxLr * (1 - Math.min(k, decaySteps) / decaySteps);',
          '}',
        ),
        schedule: { ...spec },
      };
    }
    default:
      throw new UserError(`no TensorFlow.js snippet for policy '${spec.policy}'`, { hint: `expected one of ${SNIPPET_POLICIES.join(', ')}` });
  }
}

function tfjsSnippet(ctx: Context): { template: string; schedule: ScheduleSpec } {
  const ts = ctx.opts.typescript === true;
  const fn = jsRateFunction(ctx, ts);
  const model = 'model';
  const setter = ts
    ? lines(
        'function setLearningRate(optimizer: tf.Optimizer, lr: number): void {',
        '  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };',
        "  // SGD and momentum optimizers cache the rate as a tensor: setLearningRate() rebuilds it.",
        '  // Adam, RMSProp, Adagrad, Adadelta and Adamax read optimizer.learningRate on every step.',
        "  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);",
        '  else o.learningRate = lr;',
        '}',
      )
    : lines(
        'function setLearningRate(optimizer, lr) {',
        "  // SGD and momentum optimizers cache the rate as a tensor: setLearningRate() rebuilds it.",
        '  // Adam, RMSProp, Adagrad, Adadelta and Adamax read optimizer.learningRate on every step.',
        "  if (typeof optimizer.setLearningRate === 'function') optimizer.setLearningRate(lr);",
        '  else optimizer.learningRate = lr;',
        '}',
      );
  const template = lines(
    boundsComment(ctx, '//'),
    speComment(ctx, '//'),
    fn.code,
    '',
    setter,
    '',
    '// Sets the rate before every batch. Momentum stays fixed: tf.js MomentumOptimizer ignores setMomentum().',
    'let clrStep = 0;',
    `const ${ctx.schedulerVar} = new tf.CustomCallback({`,
    '  onBatchBegin: async () => {',
    `    setLearningRate(${model}.optimizer, learningRateAt(clrStep));`,
    '    clrStep += 1;',
    '  },',
    '});',
    `// await ${model}.fit(xs, ys, { epochs: ${ctx.epochs}, batchSize: ${ctx.opts.batchSize ?? 32}, callbacks: [${ctx.schedulerVar}] });`,
  );
  return { template: template + '\n', schedule: fn.schedule };
}

// ---------------------------------------------------------------------------------------------------------------

/** Generates the code; throws UserError for combinations it cannot express. */
export function generateSnippet(opts: SnippetOptions): GeneratedSnippet {
  if (!(SNIPPET_FRAMEWORKS as readonly string[]).includes(opts.framework)) {
    throw new UserError(`unknown framework '${opts.framework}'`, { hint: `expected one of ${SNIPPET_FRAMEWORKS.join(', ')}` });
  }
  if (!(SNIPPET_POLICIES as readonly string[]).includes(opts.spec.policy)) {
    throw new UserError(`no snippet for policy '${opts.spec.policy}'`, { hint: `expected one of ${SNIPPET_POLICIES.join(', ')}` });
  }
  if (opts.optimizer !== undefined && !OPTIMIZERS.includes(opts.optimizer)) {
    throw new UserError(`unknown optimizer '${opts.optimizer}'`, { hint: `expected one of ${OPTIMIZERS.join(', ')}` });
  }
  const optimizerVar = opts.optimizerVar ?? 'optimizer';
  const schedulerVar = opts.schedulerVar ?? (opts.framework === 'tfjs' ? 'cyclicalLr' : 'scheduler');
  for (const [what, name] of [['optimizer variable', optimizerVar], ['scheduler variable', schedulerVar]]) {
    if (!isIdentifier(name)) throw new UserError(`${what} '${name}' is not a valid identifier`, { hint: 'use letters, digits and _, not starting with a digit' });
  }
  const spe = opts.stepsPerEpoch ?? opts.spec.stepsPerEpoch;
  if (spe !== undefined && !(Number.isInteger(spe) && spe >= 1)) throw new UserError(`iterations per epoch must be a positive integer, but got ${spe}`);
  // Lightning and Keras snippets build the optimizer themselves: SGD with momentum unless told otherwise.
  const builds = opts.framework === 'lightning' || opts.framework === 'keras';
  const effective: SnippetOptions = { ...opts, optimizer: opts.optimizer ?? (builds ? 'momentum' : undefined) };
  const ctx: Context = { opts: effective, nums: new Numbers(), spe, epochs: opts.epochs ?? DEFAULT_EPOCHS, optimizerVar, schedulerVar };
  const generators = { pytorch: pytorchSnippet, lightning: lightningSnippet, keras: kerasSnippet, tfjs: tfjsSnippet, fastai: fastaiSnippet };
  const { template, schedule } = generators[opts.framework](ctx);
  const language = opts.framework === 'tfjs' ? (opts.typescript ? 'typescript' : 'javascript') : 'python';
  const fractional = schedule.policy === 'sgdr' && schedule.stepsPerEpoch !== undefined;
  return {
    language,
    code: ctx.nums.render(template, false),
    snippet: ctx.nums.render(template, true),
    schedule,
    summary: `${FRAMEWORK_LABELS[opts.framework]} ${POLICY_LABELS[opts.spec.policy as SnippetPolicy]}, stepped per batch${fractional ? ' (fractional epochs)' : ''}`,
  };
}

/** What to insert: the extension command's argument, or the QuickPick answers. */
export interface SnippetRequest {
  framework: SnippetFramework;
  policy: SnippetPolicy;
  /** The exact schedule (from the panel); absent: bounds from the last range test, or defaults. */
  spec?: ScheduleSpec;
  stepsPerEpoch?: number;
  optimizer?: OptimizerName;
}

/** Iterations per epoch of a range test's dataset: ceil(rows / batch size). */
export function stepsPerEpochOf(result: RangeTestResult | undefined): number | undefined {
  return result && result.dataset.rows > 0 && result.config.batchSize > 0 ? Math.ceil(result.dataset.rows / result.config.batchSize) : undefined;
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/**
 * The code for a request, with the numbers of `last` (the latest range test) where the request leaves them
 * open: CLR bounds from its suggestion, one-cycle's peak from its one-cycle suggestion, iterations per epoch from
 * its dataset and batch size.
 */
export function snippetForRequest(request: SnippetRequest, last: RangeTestResult | undefined, languageId: string): GeneratedSnippet {
  const stepsPerEpoch = request.stepsPerEpoch ?? request.spec?.stepsPerEpoch ?? stepsPerEpochOf(last);
  const fromLast = last !== undefined && request.stepsPerEpoch === undefined && request.spec?.stepsPerEpoch === undefined && stepsPerEpoch !== undefined;
  const spec =
    request.spec ??
    defaultSnippetSpec(request.policy, {
      baseLr: last?.suggestion.clr.baseLr,
      // Warm-up schedules peak like one-cycle: at the range test's one-cycle peak.
      maxLr: request.policy === 'one-cycle' || (WARMUP_POLICIES as readonly string[]).includes(request.policy) ? last?.suggestion.oneCycle.maxLr : last?.suggestion.clr.maxLr,
      stepsPerEpoch,
    });
  return generateSnippet({
    framework: request.framework,
    spec,
    stepsPerEpoch,
    rows: fromLast ? last?.dataset.rows : undefined,
    batchSize: fromLast ? last?.config.batchSize : undefined,
    boundsFrom: request.spec ? 'the Cyclical LR panel' : last ? `the range test on ${basename(last.dataset.path)}` : undefined,
    optimizer: request.optimizer,
    typescript: languageId === 'typescript' || languageId === 'typescriptreact',
  });
}
