// What a schedule is: the policies, one spec type per PyTorch scheduler, and the error naming a spec's bad field.
// The formulas that turn a spec into rates live next to this file, one scheduler family per file.

import { UserError } from '../errors';

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
