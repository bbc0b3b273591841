// Learning-rate schedules, computed exactly as PyTorch computes them (torch.optim.lr_scheduler, checked against
// torch 1.13 by test/unit/core/schedules.oracle.test.ts). Each formula keeps PyTorch's order of floating-point
// operations, and the recursive schedulers (CosineAnnealingLR, per-epoch SGDR) are iterated the way PyTorch
// iterates them, so the values agree to the last bit or so, not just approximately.
//
// Convention: lr[t] is what `optimizer.param_groups[0]["lr"]` reads after constructing the scheduler and calling
// `scheduler.step()` t times, i.e. the rate optimizer step t trains with. momentum[t] likewise (beta1 for Adam).

import { UserError } from './errors';

export type SchedulePolicy = 'triangular' | 'triangular2' | 'exp_range' | 'one-cycle' | 'sgdr' | 'cosine' | 'warmup-cosine' | 'wsd' | 'linear-decay';
export const SCHEDULE_POLICIES: readonly SchedulePolicy[] = [
  'triangular',
  'triangular2',
  'exp_range',
  'one-cycle',
  'sgdr',
  'cosine',
  'warmup-cosine',
  'wsd',
  'linear-decay',
];
/** The warm-up-then-decay schedules, built from LinearLR, ConstantLR, CosineAnnealingLR, LambdaLR and SequentialLR. */
export type WarmupPolicy = 'warmup-cosine' | 'wsd' | 'linear-decay';
export const WARMUP_POLICIES: readonly WarmupPolicy[] = ['warmup-cosine', 'wsd', 'linear-decay'];
export type CooldownShape = 'linear' | '1-sqrt';
export const COOLDOWN_SHAPES: readonly CooldownShape[] = ['linear', '1-sqrt'];
export type CyclicMode = 'triangular' | 'triangular2' | 'exp_range';
export const CYCLIC_MODES: readonly CyclicMode[] = ['triangular', 'triangular2', 'exp_range'];
export type ScaleMode = 'cycle' | 'iterations';
export const SCALE_MODES: readonly ScaleMode[] = ['cycle', 'iterations'];
export type AnnealStrategy = 'cos' | 'linear';
export const ANNEAL_STRATEGIES: readonly AnnealStrategy[] = ['cos', 'linear'];

/** torch.optim.lr_scheduler.CyclicLR. Optional fields take PyTorch's defaults. */
export interface CyclicSpec {
  policy: CyclicMode;
  baseLr: number;
  maxLr: number;
  /** PyTorch default 2000. */
  stepSizeUp?: number;
  /** PyTorch default: stepSizeUp. */
  stepSizeDown?: number;
  /** exp_range only; PyTorch default 1. */
  gamma?: number;
  /**
   * What the amplitude scaling counts: cycles or iterations. PyTorch's built-in modes ignore its `scale_mode`
   * argument (triangular/triangular2 use 'cycle', exp_range uses 'iterations'); a different choice is reproduced
   * in PyTorch with an explicit `scale_fn` (the generated snippets do that).
   */
  scaleMode?: ScaleMode;
  /** PyTorch default true. */
  cycleMomentum?: boolean;
  /** PyTorch defaults 0.8 and 0.9. */
  baseMomentum?: number;
  maxMomentum?: number;
  /** Iterations per epoch, for warnings and generated code only. */
  stepsPerEpoch?: number;
}

/** torch.optim.lr_scheduler.OneCycleLR. */
export interface OneCycleSpec {
  policy: 'one-cycle';
  maxLr: number;
  /** Either totalSteps, or epochs × stepsPerEpoch (PyTorch's precedence). */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** PyTorch defaults: 0.3, 'cos', 25, 1e4, false, true, 0.85, 0.95. */
  pctStart?: number;
  annealStrategy?: AnnealStrategy;
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
}

/** torch.optim.lr_scheduler.CosineAnnealingWarmRestarts. */
export interface SgdrSpec {
  policy: 'sgdr';
  /** The optimizer's rate, i.e. PyTorch's `base_lr`: the peak of every cycle. */
  maxLr: number;
  /** Epochs (or steps, when stepsPerEpoch is absent) until the first restart. */
  t0: number;
  /** PyTorch default 1. */
  tMult?: number;
  /** PyTorch default 0. */
  etaMin?: number;
  /**
   * Present: stepped once per batch with a fractional epoch, the k-th call being
   * `scheduler.step(epoch + (i + 1) / stepsPerEpoch)` for batch i of `epoch`, so that T_0 counts epochs.
   * Absent: stepped with plain `scheduler.step()`, so that T_0 counts steps.
   */
  stepsPerEpoch?: number;
}

/** torch.optim.lr_scheduler.CosineAnnealingLR (stepped with plain `scheduler.step()`). */
export interface CosineSpec {
  policy: 'cosine';
  /** The optimizer's rate, where the cosine starts. */
  maxLr: number;
  tMax: number;
  /** PyTorch default 0. */
  etaMin?: number;
  stepsPerEpoch?: number;
}

/**
 * The optimizer's rate (the peak) reached by a linear warm-up (LinearLR from warmupStartFactor × peak) and then
 * decayed, over totalSteps optimizer steps in all:
 * - warmup-cosine: CosineAnnealingLR down to etaMin at totalSteps;
 * - wsd (warmup-stable-decay): held at the peak (ConstantLR), then the last decaySteps cool down to 0, linearly
 *   (LinearLR) or as 1 - sqrt(progress) (LambdaLR; Hägele et al. 2024);
 * - linear-decay: LinearLR down to 0 at totalSteps.
 * The phases are chained with SequentialLR, whose torch 1.13 behaviour at a milestone (step(0) on the next
 * scheduler, i.e. its closed form at 0) this file reproduces.
 */
export interface WarmupSpec {
  policy: WarmupPolicy;
  maxLr: number;
  totalSteps: number;
  /** Steps of linear warm-up; default 0 (none). */
  warmupSteps?: number;
  /** The warm-up starts at this fraction of the peak (LinearLR's start_factor); default WARMUP_DEFAULTS. */
  warmupStartFactor?: number;
  /** wsd only: steps of the final cool-down (required). */
  decaySteps?: number;
  /** wsd only: default 'linear'. */
  cooldown?: CooldownShape;
  /** warmup-cosine only: floor rate, default 0. */
  etaMin?: number;
  stepsPerEpoch?: number;
}

export const WARMUP_DEFAULTS = { warmupSteps: 0, warmupStartFactor: 0.01, cooldown: 'linear' as CooldownShape, etaMin: 0 } as const;

export type ScheduleSpec = CyclicSpec | OneCycleSpec | SgdrSpec | CosineSpec | WarmupSpec;

export interface ScheduleValues {
  lr: number[];
  /** Momentum (or Adam's beta1) per step where the scheduler cycles it, else null. */
  momentum: number[] | null;
  /** Legal but suspicious choices, in words the user can act on. */
  warnings: string[];
}

/**
 * A configuration PyTorch would refuse (or crash on). `field` is the spec field at fault, so that callers can
 * name their own flag or control.
 */
export class ScheduleSpecError extends UserError {
  readonly field: string;
  constructor(field: string, message: string, hint?: string) {
    super(message, { hint });
    this.name = 'ScheduleSpecError';
    this.field = field;
  }
}

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

// A value as messages quote it.
function py(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function requireFinite(field: string, value: unknown, what: string, ok: (v: number) => boolean = () => true): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new ScheduleSpecError(field, `${field} must be ${what}, but got ${py(value)}`);
  }
}

function optional(field: string, value: unknown, what: string, ok?: (v: number) => boolean): void {
  if (value !== undefined) requireFinite(field, value, what, ok);
}

function optionalBoolean(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new ScheduleSpecError(field, `${field} must be true or false, but got ${py(value)}`);
  }
}

function optionalPositiveInt(field: string, value: unknown): void {
  if (value !== undefined && !isPositiveInt(value)) {
    throw new ScheduleSpecError(field, `${field} must be a positive integer, but got ${py(value)}`);
  }
}

/**
 * Checks a spec from anywhere (CLI, panel message, command argument) and returns it typed. Throws
 * ScheduleSpecError where PyTorch would refuse the configuration, quoting PyTorch's own message.
 */
export function validateScheduleSpec(value: unknown): ScheduleSpec {
  if (typeof value !== 'object' || value === null) {
    throw new ScheduleSpecError('policy', 'a schedule must be an object with a policy');
  }
  const spec = value as Record<string, unknown>;
  const policy = spec.policy;
  if (typeof policy !== 'string' || !(SCHEDULE_POLICIES as readonly string[]).includes(policy)) {
    throw new ScheduleSpecError('policy', `unknown schedule policy ${py(policy)}`, `expected one of ${SCHEDULE_POLICIES.join(', ')}`);
  }
  const positive = (v: number) => v > 0;
  const probability = (v: number) => v >= 0 && v <= 1;
  switch (policy as SchedulePolicy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range': {
      requireFinite('baseLr', spec.baseLr, 'a number ≥ 0', (v) => v >= 0);
      requireFinite('maxLr', spec.maxLr, 'a number ≥ 0', (v) => v >= 0);
      optional('stepSizeUp', spec.stepSizeUp, 'a number > 0 (iterations in the rising half of a cycle)', positive);
      optional('stepSizeDown', spec.stepSizeDown, 'a number ≥ 0 (iterations in the falling half of a cycle)', (v) => v >= 0);
      optional('gamma', spec.gamma, 'a number > 0', positive);
      if (spec.scaleMode !== undefined && !(SCALE_MODES as readonly unknown[]).includes(spec.scaleMode)) {
        throw new ScheduleSpecError('scaleMode', `scale_mode must be one of ${SCALE_MODES.join(', ')}, but got ${py(spec.scaleMode)}`);
      }
      if (policy === 'triangular2' && spec.scaleMode === 'iterations') {
        // 1/2^(iteration-1) halves the amplitude every step: the rate is base_lr after a few steps and the
        // power overflows (PyTorch raises OverflowError) after 1024.
        throw new ScheduleSpecError('scaleMode', "triangular2 halves the amplitude once per cycle: scale_mode must be 'cycle'", "use scale_mode 'cycle' (or exp_range for a per-iteration decay)");
      }
      optionalBoolean('cycleMomentum', spec.cycleMomentum);
      optional('baseMomentum', spec.baseMomentum, 'a number between 0 and 1', probability);
      optional('maxMomentum', spec.maxMomentum, 'a number between 0 and 1', probability);
      optionalPositiveInt('stepsPerEpoch', spec.stepsPerEpoch);
      break;
    }
    case 'one-cycle': {
      requireFinite('maxLr', spec.maxLr, 'a number > 0', positive);
      if (spec.totalSteps === undefined && spec.epochs === undefined && spec.stepsPerEpoch === undefined) {
        throw new ScheduleSpecError('totalSteps', 'You must define either total_steps OR (epochs AND steps_per_epoch)');
      }
      if (spec.totalSteps !== undefined) {
        if (!isPositiveInt(spec.totalSteps)) {
          throw new ScheduleSpecError('totalSteps', `Expected positive integer total_steps, but got ${py(spec.totalSteps)}`);
        }
        optionalPositiveInt('stepsPerEpoch', spec.stepsPerEpoch);
        optionalPositiveInt('epochs', spec.epochs);
      } else {
        if (!isPositiveInt(spec.epochs)) throw new ScheduleSpecError('epochs', `Expected positive integer epochs, but got ${py(spec.epochs ?? null)}`);
        if (!isPositiveInt(spec.stepsPerEpoch)) {
          throw new ScheduleSpecError('stepsPerEpoch', `Expected positive integer steps_per_epoch, but got ${py(spec.stepsPerEpoch ?? null)}`);
        }
      }
      if (spec.pctStart !== undefined && (typeof spec.pctStart !== 'number' || !(spec.pctStart >= 0 && spec.pctStart <= 1))) {
        throw new ScheduleSpecError('pctStart', `Expected float between 0 and 1 pct_start, but got ${py(spec.pctStart)}`);
      }
      if (spec.annealStrategy !== undefined && !(ANNEAL_STRATEGIES as readonly unknown[]).includes(spec.annealStrategy)) {
        throw new ScheduleSpecError('annealStrategy', `anneal_strategy must by one of 'cos' or 'linear', instead got ${py(spec.annealStrategy)}`);
      }
      optional('divFactor', spec.divFactor, 'a number > 0', positive);
      optional('finalDivFactor', spec.finalDivFactor, 'a number > 0', positive);
      optionalBoolean('threePhase', spec.threePhase);
      optionalBoolean('cycleMomentum', spec.cycleMomentum);
      optional('baseMomentum', spec.baseMomentum, 'a number between 0 and 1', probability);
      optional('maxMomentum', spec.maxMomentum, 'a number between 0 and 1', probability);
      break;
    }
    case 'sgdr': {
      requireFinite('maxLr', spec.maxLr, 'a number > 0', positive);
      if (!isPositiveInt(spec.t0)) throw new ScheduleSpecError('t0', `Expected positive integer T_0, but got ${py(spec.t0 ?? null)}`);
      if (spec.tMult !== undefined && !(typeof spec.tMult === 'number' && Number.isInteger(spec.tMult) && spec.tMult >= 1)) {
        throw new ScheduleSpecError('tMult', `Expected integer T_mult >= 1, but got ${py(spec.tMult)}`);
      }
      optional('etaMin', spec.etaMin, 'a number ≥ 0', (v) => v >= 0);
      optionalPositiveInt('stepsPerEpoch', spec.stepsPerEpoch);
      break;
    }
    case 'cosine': {
      requireFinite('maxLr', spec.maxLr, 'a number > 0', positive);
      if (!isPositiveInt(spec.tMax)) throw new ScheduleSpecError('tMax', `T_max must be a positive integer, but got ${py(spec.tMax ?? null)}`);
      optional('etaMin', spec.etaMin, 'a number ≥ 0', (v) => v >= 0);
      optionalPositiveInt('stepsPerEpoch', spec.stepsPerEpoch);
      break;
    }
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay':
      validateWarmupSpec(policy as WarmupPolicy, spec);
      break;
  }
  return value as ScheduleSpec;
}

function validateWarmupSpec(policy: WarmupPolicy, spec: Record<string, unknown>): void {
  requireFinite('maxLr', spec.maxLr, 'a number > 0', (v) => v > 0);
  if (!isPositiveInt(spec.totalSteps)) throw new ScheduleSpecError('totalSteps', `total_steps must be a positive integer, but got ${py(spec.totalSteps ?? null)}`);
  const total = spec.totalSteps;
  if (spec.warmupSteps !== undefined && !(typeof spec.warmupSteps === 'number' && Number.isInteger(spec.warmupSteps) && spec.warmupSteps >= 0)) {
    throw new ScheduleSpecError('warmupSteps', `warmup steps must be an integer ≥ 0, but got ${py(spec.warmupSteps)}`);
  }
  const warmup = (spec.warmupSteps as number | undefined) ?? 0;
  // LinearLR accepts start_factor 0 but then divides by zero on its second step.
  optional('warmupStartFactor', spec.warmupStartFactor, 'a number in (0, 1] (LinearLR start_factor)', (v) => v > 0 && v <= 1);
  if (policy !== 'wsd') {
    for (const field of ['decaySteps', 'cooldown']) {
      if (spec[field] !== undefined) throw new ScheduleSpecError(field, `${field} applies to wsd only, not ${policy}`);
    }
  }
  if (policy !== 'warmup-cosine' && spec.etaMin !== undefined) throw new ScheduleSpecError('etaMin', `eta_min applies to warmup-cosine only; ${policy} decays to 0`);
  optional('etaMin', spec.etaMin, 'a number ≥ 0', (v) => v >= 0);
  optionalPositiveInt('stepsPerEpoch', spec.stepsPerEpoch);
  if (policy === 'wsd') {
    if (!isPositiveInt(spec.decaySteps)) throw new ScheduleSpecError('decaySteps', `wsd needs decay steps, a positive integer, but got ${py(spec.decaySteps ?? null)}`);
    if (spec.cooldown !== undefined && !(COOLDOWN_SHAPES as readonly unknown[]).includes(spec.cooldown)) {
      throw new ScheduleSpecError('cooldown', `cooldown must be one of ${COOLDOWN_SHAPES.join(', ')}, but got ${py(spec.cooldown)}`);
    }
    if (warmup + spec.decaySteps >= total) {
      throw new ScheduleSpecError('decaySteps', `warm-up (${warmup}) + decay (${spec.decaySteps}) steps leave no stable phase in ${total} total steps`, 'lower them, or use linear-decay');
    }
  } else if (warmup >= total) {
    throw new ScheduleSpecError('warmupSteps', `warm-up (${warmup} steps) must be shorter than the ${total} total steps`);
  }
}

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

/** OneCycleLR's cycle length: total_steps, else epochs × steps_per_epoch. */
export function oneCycleTotalSteps(spec: OneCycleSpec): number {
  return spec.totalSteps ?? (spec.epochs ?? 0) * (spec.stepsPerEpoch ?? 0);
}

/** The scale mode PyTorch's built-in mode uses. */
export function nativeScaleMode(mode: CyclicMode): ScaleMode {
  return mode === 'exp_range' ? 'iterations' : 'cycle';
}

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

function cyclic(spec: CyclicSpec, steps: number): ScheduleValues {
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

function oneCycle(spec: OneCycleSpec, steps: number): ScheduleValues {
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

function sgdr(spec: SgdrSpec, steps: number): ScheduleValues {
  const warnings: string[] = [];
  const t0 = spec.t0;
  const tMult = spec.tMult ?? 1;
  const etaMin = spec.etaMin ?? 0;
  const baseLr = spec.maxLr;
  if (etaMin >= baseLr) warnings.push(`eta_min (${etaMin}) is not below the peak rate (${baseLr})`);
  const at = (tCur: number, tI: number) => etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;

  const lr = new Array<number>(steps);
  // Construction calls step() once with epoch 0: T_cur = 0, T_i = T_0.
  let tCur = 0;
  let tI = t0;
  lr[0] = at(tCur, tI);
  const perBatch = spec.stepsPerEpoch;
  for (let t = 1; t < steps; t++) {
    if (perBatch === undefined) {
      // step() with no epoch: the recursive form.
      tCur = tCur + 1;
      if (tCur >= tI) {
        tCur = tCur - tI;
        tI = tI * tMult;
      }
    } else {
      // The t-th call is scheduler.step(epoch + (i + 1) / iters) for batch i of epoch: the closed form.
      const e = Math.floor((t - 1) / perBatch);
      const i = (t - 1) % perBatch;
      const epoch = e + (i + 1) / perBatch;
      if (epoch >= t0) {
        if (tMult === 1) {
          tCur = pyMod(epoch, t0);
        } else {
          // int(math.log(x, base)) is log(x) / log(base) truncated, as in CPython.
          const n = Math.trunc(Math.log((epoch / t0) * (tMult - 1) + 1) / Math.log(tMult));
          tCur = epoch - (t0 * (tMult ** n - 1)) / (tMult - 1);
          tI = t0 * tMult ** n;
        }
      } else {
        tI = t0;
        tCur = epoch;
      }
    }
    lr[t] = at(tCur, tI);
  }
  return { lr, momentum: null, warnings };
}

// Python's float % (result has the divisor's sign); for non-negative operands it equals JS %, kept for clarity.
function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

function cosine(spec: CosineSpec, steps: number): ScheduleValues {
  const warnings: string[] = [];
  const etaMin = spec.etaMin ?? 0;
  const baseLr = spec.maxLr;
  const tMax = spec.tMax;
  if (etaMin >= baseLr) warnings.push(`eta_min (${etaMin}) is not below the starting rate (${baseLr})`);
  if (steps > tMax + 1) warnings.push(`past T_max (${tMax}) CosineAnnealingLR rises again: it is periodic with period ${2 * tMax}`);
  const lr = new Array<number>(steps);
  lr[0] = baseLr;
  // PyTorch's chainable (recursive) form; each value is computed from the previous one.
  for (let t = 1; t < steps; t++) {
    const prev = lr[t - 1];
    if ((t - 1 - tMax) % (2 * tMax) === 0) {
      lr[t] = prev + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
    } else {
      lr[t] = ((1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax))) * (prev - etaMin) + etaMin;
    }
  }
  return { lr, momentum: null, warnings };
}

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

function warmupSchedule(spec: WarmupSpec, steps: number): ScheduleValues {
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

/**
 * The range test's sweep over `steps` steps, from startLr at step 0 to endLr at step steps-1 inclusive:
 * exp: lr[t] = start · (end/start)^(t/(N-1)) (evenly spaced in log space, as in Smith 2017 and torch-lr-finder);
 * linear: lr[t] = start + (end - start) · t/(N-1). A single step uses startLr.
 */
export function rangeTestLrs(startLr: number, endLr: number, steps: number, mode: 'exp' | 'linear'): number[] {
  if (!(startLr > 0) || !Number.isFinite(startLr)) throw new UserError(`start_lr must be a number > 0, but got ${startLr}`);
  if (!(endLr > startLr) || !Number.isFinite(endLr)) throw new UserError(`end_lr must be a number above start_lr (${startLr}), but got ${endLr}`);
  if (!Number.isInteger(steps) || steps < 1) throw new UserError(`the range test needs a positive integer number of steps, but got ${steps}`);
  const lrs = new Array<number>(steps);
  const last = steps - 1;
  const ratio = endLr / startLr;
  for (let t = 0; t < steps; t++) {
    const r = last === 0 ? 0 : t / last;
    lrs[t] = mode === 'exp' ? startLr * ratio ** r : startLr + (endLr - startLr) * r;
  }
  return lrs;
}
