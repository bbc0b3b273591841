// The schedule flags shared by `clr schedule` and `clr snippet`, and their translation into a ScheduleSpec.

import { UserError } from '../core/errors';
import {
  ANNEAL_STRATEGIES,
  COOLDOWN_SHAPES,
  WARMUP_POLICIES,
  SCALE_MODES,
  SCHEDULE_POLICIES,
  ScheduleSpec,
  ScheduleSpecError,
  SchedulePolicy,
  validateScheduleSpec,
} from '../core/schedules';
import { defineFlags, FlagValues } from './args';

const CLR: readonly SchedulePolicy[] = ['triangular', 'triangular2', 'exp_range'];
const ALL = SCHEDULE_POLICIES;
const WARMUP = WARMUP_POLICIES;

/** Every field of every ScheduleSpec variant but the policy. */
export type ScheduleField = Exclude<ScheduleSpec extends infer T ? (T extends unknown ? keyof T : never) : never, 'policy'>;
/** Spec fields by name, as the flags fill them before validation. */
export type ScheduleFields = Partial<Record<ScheduleField, unknown>>;

interface ScheduleFlag {
  /** The ScheduleSpec field it sets. */
  field: ScheduleField;
  /** Policies that use it; giving it with another policy is an error rather than silently ignored. */
  policies: readonly SchedulePolicy[];
}

/** Flag name → spec field and the policies it applies to. */
export const SCHEDULE_FLAG_FIELDS: Readonly<Record<ScheduleFlagName, ScheduleFlag>> = {
  'base-lr': { field: 'baseLr', policies: CLR },
  'max-lr': { field: 'maxLr', policies: ALL },
  'step-size-up': { field: 'stepSizeUp', policies: CLR },
  'step-size-down': { field: 'stepSizeDown', policies: CLR },
  gamma: { field: 'gamma', policies: ['exp_range'] },
  'scale-mode': { field: 'scaleMode', policies: CLR },
  'cycle-momentum': { field: 'cycleMomentum', policies: [...CLR, 'one-cycle'] },
  'base-momentum': { field: 'baseMomentum', policies: [...CLR, 'one-cycle'] },
  'max-momentum': { field: 'maxMomentum', policies: [...CLR, 'one-cycle'] },
  'total-steps': { field: 'totalSteps', policies: ['one-cycle', ...WARMUP] },
  'warmup-steps': { field: 'warmupSteps', policies: WARMUP },
  'warmup-start-factor': { field: 'warmupStartFactor', policies: WARMUP },
  'decay-steps': { field: 'decaySteps', policies: ['wsd'] },
  cooldown: { field: 'cooldown', policies: ['wsd'] },
  epochs: { field: 'epochs', policies: ['one-cycle'] },
  'pct-start': { field: 'pctStart', policies: ['one-cycle'] },
  'anneal-strategy': { field: 'annealStrategy', policies: ['one-cycle'] },
  'div-factor': { field: 'divFactor', policies: ['one-cycle'] },
  'final-div-factor': { field: 'finalDivFactor', policies: ['one-cycle'] },
  'three-phase': { field: 'threePhase', policies: ['one-cycle'] },
  t0: { field: 't0', policies: ['sgdr'] },
  't-mult': { field: 'tMult', policies: ['sgdr'] },
  'eta-min': { field: 'etaMin', policies: ['sgdr', 'cosine', 'warmup-cosine'] },
  't-max': { field: 'tMax', policies: ['cosine'] },
  'steps-per-epoch': { field: 'stepsPerEpoch', policies: ALL },
};

/** The schedule flags, `--policy` offering `policies`. */
export function scheduleFlagSpecs<P extends SchedulePolicy>(policies: readonly P[]) {
  return defineFlags({
    policy: { kind: { type: 'enum', values: policies }, description: 'schedule policy (required)' },
    'base-lr': { kind: { type: 'number', min: 0 }, description: 'CLR lower bound (PyTorch base_lr; required for CLR)' },
    'max-lr': {
      kind: { type: 'number', min: 0 },
      description: "CLR upper bound; one-cycle's peak; sgdr/cosine/warmup-cosine/wsd/linear-decay: the optimizer's rate, the peak (required)",
    },
    'step-size-up': { kind: { type: 'number', min: 0, exclusiveMin: true }, description: 'CLR iterations in the rising half-cycle (PyTorch default 2000)' },
    'step-size-down': { kind: { type: 'number', min: 0 }, description: 'CLR iterations in the falling half-cycle (default: step size up)' },
    gamma: { kind: { type: 'number', min: 0, exclusiveMin: true }, description: 'exp_range amplitude decay per iteration (PyTorch default 1)' },
    'scale-mode': {
      kind: { type: 'enum', values: SCALE_MODES },
      description: "CLR amplitude scaling counted per cycle or per iteration (default: triangular* 'cycle', exp_range 'iterations')",
    },
    'cycle-momentum': { kind: { type: 'boolean' }, description: 'cycle momentum (beta1 for Adam) inversely to the rate (PyTorch default true)' },
    'base-momentum': { kind: { type: 'number', min: 0, max: 1 }, description: 'momentum at the peak rate (default CLR 0.8, one-cycle 0.85)' },
    'max-momentum': { kind: { type: 'number', min: 0, max: 1 }, description: 'momentum at the lowest rate (default CLR 0.9, one-cycle 0.95)' },
    'total-steps': {
      kind: { type: 'int', min: 1 },
      description: 'one-cycle length in steps (default: --epochs × --steps-per-epoch, else --steps); warmup-cosine/wsd/linear-decay: steps to decay over (required)',
    },
    'warmup-steps': { kind: { type: 'int', min: 0 }, description: 'warmup-cosine/wsd/linear-decay: steps of linear warm-up (LinearLR; default 0)' },
    'warmup-start-factor': {
      kind: { type: 'number', min: 0, exclusiveMin: true, max: 1 },
      description: 'warm-up starts at this fraction of the peak (LinearLR start_factor; default 0.01)',
    },
    'decay-steps': { kind: { type: 'int', min: 1 }, description: 'wsd: steps of the final cool-down to 0 (required for wsd)' },
    cooldown: { kind: { type: 'enum', values: COOLDOWN_SHAPES }, description: "wsd cool-down shape: linear (LinearLR) or 1-sqrt (LambdaLR) (default linear)" },
    epochs: { kind: { type: 'int', min: 1 }, description: 'one-cycle epochs, with --steps-per-epoch, when --total-steps is not given' },
    'pct-start': { kind: { type: 'number', min: 0, max: 1 }, description: 'one-cycle fraction of steps spent warming up (default 0.3)' },
    'anneal-strategy': { kind: { type: 'enum', values: ANNEAL_STRATEGIES }, description: 'one-cycle annealing shape (default cos)' },
    'div-factor': { kind: { type: 'number', min: 0, exclusiveMin: true }, description: 'one-cycle initial rate = max-lr / div-factor (default 25)' },
    'final-div-factor': { kind: { type: 'number', min: 0, exclusiveMin: true }, description: 'one-cycle final rate = initial / final-div-factor (default 1e4)' },
    'three-phase': { kind: { type: 'boolean' }, description: "one-cycle: the paper's three phases instead of fastai's two (default false)" },
    t0: { kind: { type: 'int', min: 1 }, description: 'sgdr epochs until the first restart (PyTorch T_0; required for sgdr)' },
    't-mult': { kind: { type: 'int', min: 1 }, description: 'sgdr period growth factor after each restart (PyTorch T_mult, default 1)' },
    'eta-min': { kind: { type: 'number', min: 0 }, description: 'sgdr/cosine/warmup-cosine floor rate (default 0)' },
    't-max': { kind: { type: 'int', min: 1 }, description: 'cosine half-period in steps (PyTorch T_max; required for cosine)' },
    'steps-per-epoch': {
      kind: { type: 'int', min: 1 },
      description: 'iterations per epoch = ceil(rows / batch); sgdr then steps per batch with fractional epochs',
    },
  });
}

type ScheduleFlagSpecs = ReturnType<typeof scheduleFlagSpecs<SchedulePolicy>>;
export type ScheduleFlagName = Exclude<keyof ScheduleFlagSpecs, 'policy'>;
/** The schedule flags' values, as any command that declares them parses them. */
export type ScheduleFlagValues = FlagValues<ScheduleFlagSpecs>;
/** SCHEDULE_FLAG_FIELDS' keys, typed (Object.keys gives strings). */
const SCHEDULE_FLAG_NAMES = Object.keys(SCHEDULE_FLAG_FIELDS) as ScheduleFlagName[];

const FIELD_TO_FLAG: Record<string, string> = Object.fromEntries([
  ...Object.entries(SCHEDULE_FLAG_FIELDS).map(([flag, f]) => [f.field, flag]),
  ['policy', 'policy'],
  ['steps', 'steps'],
]);

/** A ScheduleSpecError re-worded to name the flag at fault; other errors pass through. */
export function nameFlagInError(error: unknown): unknown {
  if (error instanceof ScheduleSpecError) {
    const flag = FIELD_TO_FLAG[error.field] ?? error.field;
    return new UserError(`--${flag}: ${error.message}`, { hint: error.hint });
  }
  return error;
}

export interface ScheduleSpecOptions {
  /** One-cycle's total_steps when neither --total-steps nor --epochs is given (the preview length). */
  fallbackTotalSteps?: number;
  /** Values for the fields whose flags were not given (`clr snippet`'s defaults); a given flag wins. */
  defaults?: ScheduleFields;
}

/** Builds and validates the ScheduleSpec the flags describe. */
export function scheduleSpecFromArgs(flags: ScheduleFlagValues, options: ScheduleSpecOptions = {}): ScheduleSpec {
  const p = flags.policy;
  if (p === undefined) {
    throw new UserError('--policy is required', { hint: `expected one of ${SCHEDULE_POLICIES.join(', ')}` });
  }
  const defaults = options.defaults ?? {};
  // A one-cycle length given one way (total steps, or epochs) is not completed the other way by a default.
  const lengthGiven = flags['total-steps'] !== undefined || flags.epochs !== undefined;
  const fields: ScheduleFields = {};
  for (const flag of SCHEDULE_FLAG_NAMES) {
    const { field, policies } = SCHEDULE_FLAG_FIELDS[flag];
    const value = flags[flag];
    if (value !== undefined) {
      if (!policies.includes(p)) {
        throw new UserError(`--${flag} is not used by --policy ${p}`, { hint: `it applies to --policy ${policies.join(', ')}` });
      }
      fields[field] = value;
    } else if (defaults[field] !== undefined && policies.includes(p) && !(p === 'one-cycle' && lengthGiven && (field === 'totalSteps' || field === 'epochs'))) {
      fields[field] = defaults[field];
    }
  }
  const need = (field: ScheduleField, what: string): void => {
    if (typeof fields[field] !== 'number') throw new UserError(`--policy ${p} needs --${FIELD_TO_FLAG[field]}`, { hint: `expected ${what}` });
  };
  switch (p) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range':
      need('baseLr', 'a number ≥ 0, the lower bound (PyTorch base_lr)');
      need('maxLr', 'a number ≥ 0, the upper bound (PyTorch max_lr)');
      break;
    case 'one-cycle':
      need('maxLr', 'a number > 0, the peak rate');
      if (fields.totalSteps === undefined && fields.epochs === undefined) {
        if (options.fallbackTotalSteps === undefined) {
          throw new UserError('--policy one-cycle needs --total-steps (or --epochs with --steps-per-epoch)', { hint: 'expected an integer ≥ 1' });
        }
        fields.totalSteps = options.fallbackTotalSteps;
      }
      break;
    case 'sgdr':
      need('maxLr', "a number > 0, the peak rate (the optimizer's lr, PyTorch's base_lr)");
      need('t0', 'an integer ≥ 1 (PyTorch T_0)');
      break;
    case 'cosine':
      need('maxLr', "a number > 0, the starting rate (the optimizer's lr)");
      need('tMax', 'an integer ≥ 1 (PyTorch T_max)');
      break;
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay':
      need('maxLr', "a number > 0, the peak rate (the optimizer's lr)");
      need('totalSteps', 'an integer ≥ 1, the optimizer steps of the whole run');
      if (p === 'wsd') need('decaySteps', 'an integer ≥ 1, the steps of the final cool-down');
      break;
  }
  try {
    return validateScheduleSpec({ policy: p, ...fields });
  } catch (error) {
    throw nameFlagInError(error);
  }
}
