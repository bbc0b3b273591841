// Checks a spec from outside (CLI flags, a panel message, a command argument, a parsed scheduler call) the way
// PyTorch's constructors check their arguments, with PyTorch's own messages where it has one.

import {
  ANNEAL_STRATEGIES,
  COOLDOWN_SHAPES,
  SCALE_MODES,
  SCHEDULE_POLICIES,
  ScheduleSpecError,
  type SchedulePolicy,
  type ScheduleSpec,
  type WarmupPolicy,
} from './spec';

// A value as messages quote it.
export function py(value: unknown): string {
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
