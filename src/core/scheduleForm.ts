// The panel's schedule form and the ScheduleSpec it describes, both ways. It lives in core, next to the
// schedules, so that the form starts from the same defaults as `clr snippet` and the generated code, and so that
// its mapping is unit-tested without a webview.

import {
  CYCLIC_DEFAULTS,
  DEFAULT_BOUNDS,
  DEFAULT_EPOCHS,
  DEFAULT_EPOCHS_PER_HALF_CYCLE,
  DEFAULT_GAMMA,
  DEFAULT_SGDR,
  defaultWarmupSpec,
  ONE_CYCLE_DEFAULTS,
  type SchedulePolicy,
  type ScheduleSpec,
  ScheduleSpecError,
  validateScheduleSpec,
  WARMUP_POLICIES,
} from './schedules';
import { UserError } from './errors';

/** The form's inputs, persisted with the webview state. */
export interface ScheduleForm {
  policy: SchedulePolicy;
  /** CyclicLR's base_lr; eta_min (the floor) for SGDR, cosine and warmup-cosine. */
  baseLr: number;
  maxLr: number;
  stepsPerEpoch: number;
  /** CyclicLR: iterations in the rising half-cycle. */
  stepSizeUp: number;
  /** exp_range's decay per iteration. */
  gamma: number;
  /** Training length for one-cycle, cosine and the warm-up schedules. */
  epochs: number;
  /** SGDR: epochs to the first restart, and the period's growth factor. */
  t0: number;
  tMult: number;
  cycleMomentum: boolean;
  /** A spec handed over by the CodeLens: its other parameters (pct_start, …) are kept while the policy is. */
  imported: ScheduleSpec | null;
}

/** The form's number inputs. */
export type ScheduleNumberField = 'baseLr' | 'maxLr' | 'stepsPerEpoch' | 'stepSizeUp' | 'gamma' | 'epochs' | 't0' | 'tMult';

/** Each input's label in the panel; messages about an input name it by this label. */
export const SCHEDULE_FIELD_LABELS: Record<ScheduleNumberField | 'cycleMomentum', string> = {
  baseLr: 'base_lr',
  maxLr: 'max_lr',
  stepsPerEpoch: 'Iterations per epoch',
  stepSizeUp: 'step_size_up (iterations)',
  gamma: 'gamma',
  epochs: 'Epochs',
  t0: 'T_0 (epochs to first restart)',
  tMult: 'T_mult',
  cycleMomentum: 'Cycle momentum (inverse to the rate)',
};

/** The label the base_lr input has under `policy`: every policy but CyclicLR calls the low rate eta_min. */
export function baseLrLabel(policy: SchedulePolicy): string {
  return isCyclic(policy) ? SCHEDULE_FIELD_LABELS.baseLr : 'eta_min (lowest rate)';
}

/** Iterations per epoch the form assumes until a range test tells it the dataset's. */
export const DEFAULT_FORM_STEPS_PER_EPOCH = 100;

export function defaultScheduleForm(stepsPerEpoch = DEFAULT_FORM_STEPS_PER_EPOCH): ScheduleForm {
  return {
    policy: 'triangular',
    baseLr: DEFAULT_BOUNDS.baseLr,
    maxLr: DEFAULT_BOUNDS.maxLr,
    stepsPerEpoch,
    stepSizeUp: DEFAULT_EPOCHS_PER_HALF_CYCLE * stepsPerEpoch,
    gamma: DEFAULT_GAMMA,
    epochs: DEFAULT_EPOCHS,
    t0: DEFAULT_SGDR.t0,
    tMult: DEFAULT_SGDR.tMult,
    cycleMomentum: CYCLIC_DEFAULTS.cycleMomentum,
    imported: null,
  };
}

function isCyclic(policy: SchedulePolicy): policy is 'triangular' | 'triangular2' | 'exp_range' {
  return policy === 'triangular' || policy === 'triangular2' || policy === 'exp_range';
}

/** The inputs `policy` reads; the panel hides the others. */
export function scheduleFieldsUsed(policy: SchedulePolicy): ReadonlySet<ScheduleNumberField | 'cycleMomentum'> {
  const used: Array<ScheduleNumberField | 'cycleMomentum'> = ['maxLr', 'stepsPerEpoch'];
  if (isCyclic(policy)) used.push('baseLr', 'stepSizeUp', 'cycleMomentum', ...(policy === 'exp_range' ? (['gamma'] as const) : []));
  else if (policy === 'one-cycle') used.push('epochs', 'cycleMomentum');
  else if (policy === 'sgdr') used.push('baseLr', 't0', 'tMult');
  else if (policy === 'cosine' || policy === 'warmup-cosine') used.push('baseLr', 'epochs');
  else used.push('epochs');
  return new Set(used);
}

const WHOLE_NUMBER_FIELDS: ReadonlySet<ScheduleNumberField> = new Set(['stepsPerEpoch', 'stepSizeUp', 'epochs', 't0', 'tMult']);

/**
 * What the user typed into a number input: the value, or the message to show next to it. base_lr (eta_min)
 * may be 0; every other input is a positive number, and iterations, epochs, T_0 and T_mult whole numbers.
 */
export function readScheduleField(field: ScheduleNumberField, text: string): { value: number } | { error: string } {
  const label = SCHEDULE_FIELD_LABELS[field];
  const trimmed = text.trim();
  const whole = WHOLE_NUMBER_FIELDS.has(field);
  const expected = whole ? 'a whole number ≥ 1' : field === 'baseLr' ? 'a number ≥ 0, e.g. 1e-4' : 'a number > 0, e.g. 0.01';
  if (trimmed === '') return { error: `${label} is empty: enter ${expected}` };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { error: `${label}: '${trimmed}' is not a number; enter ${expected}` };
  const ok = whole ? Number.isInteger(value) && value >= 1 : field === 'baseLr' ? value >= 0 : value > 0;
  return ok ? { value } : { error: `${label} must be ${expected}, but got ${trimmed}` };
}

/** The form input that sets each spec field (the training length stands for every length field). */
const SPEC_FIELD_TO_FORM: Record<string, ScheduleNumberField> = {
  baseLr: 'baseLr',
  etaMin: 'baseLr',
  maxLr: 'maxLr',
  stepsPerEpoch: 'stepsPerEpoch',
  stepSizeUp: 'stepSizeUp',
  gamma: 'gamma',
  epochs: 'epochs',
  totalSteps: 'epochs',
  tMax: 'epochs',
  warmupSteps: 'epochs',
  decaySteps: 'epochs',
  t0: 't0',
  tMult: 'tMult',
};

/**
 * The ScheduleSpec the form describes, validated. A spec PyTorch would refuse throws a UserError that names
 * the form's input at fault (or the imported parameter, when the form has no input for it).
 */
export function specFromForm(form: ScheduleForm): ScheduleSpec {
  try {
    return validateScheduleSpec(mapForm(form));
  } catch (error) {
    if (!(error instanceof ScheduleSpecError)) throw error;
    const input = SPEC_FIELD_TO_FORM[error.field];
    const where = input === undefined ? `${error.field} (from the imported scheduler call)` : input === 'baseLr' ? baseLrLabel(form.policy) : SCHEDULE_FIELD_LABELS[input];
    throw new UserError(`${where}: ${error.message}`, { hint: error.hint });
  }
}

function mapForm(form: ScheduleForm): ScheduleSpec {
  const kept: Partial<ScheduleSpec> = form.imported && form.imported.policy === form.policy ? form.imported : {};
  const policy = form.policy;
  if (isCyclic(policy)) {
    return {
      ...kept,
      policy,
      baseLr: form.baseLr,
      maxLr: form.maxLr,
      stepSizeUp: form.stepSizeUp,
      ...(policy === 'exp_range' ? { gamma: form.gamma } : {}),
      cycleMomentum: form.cycleMomentum,
      stepsPerEpoch: form.stepsPerEpoch,
    };
  }
  switch (policy) {
    case 'one-cycle': {
      // An imported total_steps stands until the user edits the training length.
      const length = 'totalSteps' in kept && kept.totalSteps !== undefined ? {} : { epochs: form.epochs, stepsPerEpoch: form.stepsPerEpoch };
      return { ...kept, ...length, policy, maxLr: form.maxLr, cycleMomentum: form.cycleMomentum };
    }
    case 'sgdr':
      return { ...kept, policy, maxLr: form.maxLr, t0: form.t0, tMult: form.tMult, etaMin: form.baseLr, stepsPerEpoch: form.stepsPerEpoch };
    case 'cosine': {
      const tMax = ('tMax' in kept ? kept.tMax : undefined) ?? form.epochs * form.stepsPerEpoch;
      return { ...kept, policy, maxLr: form.maxLr, tMax, etaMin: form.baseLr, stepsPerEpoch: form.stepsPerEpoch };
    }
    default: {
      // An imported length and phases stand until the user edits the training length.
      const imported = 'totalSteps' in kept && kept.totalSteps !== undefined;
      const spec = imported ? kept : defaultWarmupSpec(policy, form.maxLr, form.epochs * form.stepsPerEpoch);
      return { ...spec, policy, maxLr: form.maxLr, stepsPerEpoch: form.stepsPerEpoch, ...(policy === 'warmup-cosine' ? { etaMin: form.baseLr } : {}) } as ScheduleSpec;
    }
  }
}

/** The form that shows `spec` (from the CodeLens), starting from the current one for what it leaves out. */
export function formFromSpec(spec: ScheduleSpec, current: ScheduleForm): ScheduleForm {
  const form: ScheduleForm = { ...current, policy: spec.policy, imported: spec };
  const spe = spec.stepsPerEpoch ?? current.stepsPerEpoch;
  form.stepsPerEpoch = spe;
  switch (spec.policy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range':
      form.baseLr = spec.baseLr;
      form.maxLr = spec.maxLr;
      form.stepSizeUp = spec.stepSizeUp ?? CYCLIC_DEFAULTS.stepSizeUp;
      if (spec.gamma !== undefined) form.gamma = spec.gamma;
      form.cycleMomentum = spec.cycleMomentum ?? CYCLIC_DEFAULTS.cycleMomentum;
      break;
    case 'one-cycle':
      form.maxLr = spec.maxLr;
      form.baseLr = spec.maxLr / (spec.divFactor ?? ONE_CYCLE_DEFAULTS.divFactor);
      if (spec.totalSteps !== undefined) {
        form.epochs = Math.max(1, Math.round(spec.totalSteps / spe));
        if (spec.stepsPerEpoch === undefined) form.stepsPerEpoch = Math.max(1, Math.round(spec.totalSteps / form.epochs));
      } else if (spec.epochs !== undefined) form.epochs = spec.epochs;
      form.cycleMomentum = spec.cycleMomentum ?? ONE_CYCLE_DEFAULTS.cycleMomentum;
      break;
    case 'sgdr':
      form.maxLr = spec.maxLr;
      form.baseLr = spec.etaMin ?? 0;
      form.t0 = spec.t0;
      form.tMult = spec.tMult ?? 1;
      if (spec.stepsPerEpoch === undefined) form.stepsPerEpoch = 1;
      break;
    case 'cosine':
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay': {
      const totalSteps = spec.policy === 'cosine' ? spec.tMax : spec.totalSteps;
      form.maxLr = spec.maxLr;
      form.baseLr = spec.etaMin ?? 0;
      form.epochs = Math.max(1, Math.round(totalSteps / spe));
      if (spec.stepsPerEpoch === undefined) {
        form.stepsPerEpoch = 1;
        form.epochs = totalSteps;
      }
      break;
    }
  }
  return form;
}

/** The form with the training length from its epochs × iterations per epoch again, not the imported spec's. */
export function withoutImportedLength(form: ScheduleForm): ScheduleForm {
  if (!form.imported) return form;
  const { totalSteps: _t, tMax: _m, epochs: _e, ...rest } = form.imported as ScheduleSpec & { totalSteps?: number; tMax?: number; epochs?: number };
  return { ...form, imported: rest as ScheduleSpec };
}

/** A new dataset size: its iterations per epoch, and a half-cycle of DEFAULT_EPOCHS_PER_HALF_CYCLE epochs. */
export function withStepsPerEpoch(form: ScheduleForm, stepsPerEpoch: number): ScheduleForm {
  return { ...withoutImportedLength(form), stepsPerEpoch, stepSizeUp: DEFAULT_EPOCHS_PER_HALF_CYCLE * stepsPerEpoch };
}

/**
 * The schedule for the range test's peak (its one-cycle max_lr): the warm-up schedule shown, peaking there,
 * else a one-cycle schedule peaking there over the form's training length.
 */
export function peakSpec(form: ScheduleForm, peak: number): ScheduleSpec {
  return (WARMUP_POLICIES as readonly string[]).includes(form.policy)
    ? specFromForm({ ...form, maxLr: peak })
    : { policy: 'one-cycle', maxLr: peak, epochs: form.epochs, stepsPerEpoch: form.stepsPerEpoch };
}
