// Random and hand-picked schedule configurations, shared by the PyTorch oracle test and the device check
// (bench/device), with the comparison both apply.

import { SCHEDULE_FLAG_FIELDS } from '../../src/cli/scheduleFlags';
import { computeSchedule, ScheduleSpec, ScheduleValues } from '../../src/core/schedules';
import { mulberry32 } from './seededRandom';

export const REL_TOL = 1e-9;

export interface Case {
  spec: ScheduleSpec;
  steps: number;
  optimizer: 'sgd' | 'adam';
}
export type OracleResult = { lr: number[]; momentum: number[] | null } | { error: string };

export function makeCases(seed: number): Case[] {
  const rand = mulberry32(seed);
  const uniform = (a: number, b: number) => a + (b - a) * rand();
  const int = (a: number, b: number) => Math.floor(uniform(a, b + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const logU = (a: number, b: number) => 10 ** uniform(a, b);
  const maybe = <T>(p: number, f: () => T): T | undefined => (rand() < p ? f() : undefined);
  const cases: Case[] = [];
  const add = (spec: Record<string, unknown>, steps: number, optimizer: 'sgd' | 'adam' = 'sgd') => {
    // Drop undefined fields so that both sides see PyTorch's defaults.
    const clean = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as unknown as ScheduleSpec;
    cases.push({ spec: clean, steps, optimizer });
  };

  for (const mode of ['triangular', 'triangular2', 'exp_range'] as const) {
    for (let k = 0; k < 32; k++) {
      const baseLr = logU(-6, -2);
      const fractional = rand() < 0.25;
      const stepSizeUp = fractional ? Math.round(uniform(1, 150) * 10) / 10 : int(1, 150);
      const stepSizeDown = pick([undefined, undefined, int(0, 150), Math.round(uniform(0.5, 150) * 4) / 4]);
      const scaleModes = mode === 'triangular2' ? [undefined, 'cycle'] : [undefined, 'cycle', 'iterations'];
      add(
        {
          policy: mode,
          baseLr,
          maxLr: rand() < 0.1 ? baseLr * uniform(0.2, 1) : baseLr * logU(0.2, 2.5),
          stepSizeUp: rand() < 0.1 ? undefined : stepSizeUp,
          stepSizeDown,
          gamma: mode === 'exp_range' ? pick([1 - logU(-5, -1), 1 - logU(-4, -2), 1.0002, undefined]) : maybe(0.1, () => 0.99),
          scaleMode: pick(scaleModes),
          cycleMomentum: pick([undefined, true, false]),
          baseMomentum: maybe(0.5, () => uniform(0.5, 0.85)),
          maxMomentum: maybe(0.5, () => uniform(0.85, 0.99)),
          stepsPerEpoch: maybe(0.3, () => int(1, 100)),
        },
        rand() < 0.1 ? int(1, 5) : int(2, 1500),
      );
    }
  }
  for (let k = 0; k < 56; k++) {
    const byEpochs = rand() < 0.3;
    const epochs = int(1, 20);
    const stepsPerEpoch = int(1, 80);
    const totalSteps = byEpochs ? epochs * stepsPerEpoch : int(1, 2000);
    const pctStart = pick([undefined, uniform(0.05, 0.95), uniform(0.05, 0.5), Math.round(uniform(0, 1) * 20) / 20]);
    add(
      {
        policy: 'one-cycle',
        maxLr: logU(-4, 0),
        totalSteps: byEpochs ? undefined : totalSteps,
        epochs: byEpochs ? epochs : undefined,
        stepsPerEpoch: byEpochs ? stepsPerEpoch : undefined,
        pctStart,
        annealStrategy: pick([undefined, 'cos', 'linear']),
        divFactor: maybe(0.5, () => logU(0, 3)),
        finalDivFactor: maybe(0.5, () => logU(0, 5)),
        threePhase: pick([undefined, true, false]),
        cycleMomentum: pick([undefined, true, false]),
        baseMomentum: maybe(0.5, () => uniform(0.5, 0.85)),
        maxMomentum: maybe(0.5, () => uniform(0.85, 0.99)),
      },
      pick([totalSteps, totalSteps + 1, int(1, totalSteps), totalSteps + 2]),
      pick(['sgd', 'adam'] as const),
    );
  }
  for (let k = 0; k < 44; k++) {
    const t0 = int(1, 20);
    const tMult = pick([undefined, 1, 2, 3]);
    const stepsPerEpoch = pick([undefined, 1, int(2, 50), int(2, 10)]);
    add(
      { policy: 'sgdr', maxLr: logU(-4, 0), t0, tMult, etaMin: pick([undefined, 0, logU(-7, -4)]), stepsPerEpoch },
      int(1, Math.min(3000, (stepsPerEpoch ?? 1) * t0 * 15)),
    );
  }
  for (let k = 0; k < 32; k++) {
    const tMax = pick([int(1, 10), int(10, 500)]);
    add({ policy: 'cosine', maxLr: logU(-4, 0), tMax, etaMin: pick([undefined, 0, logU(-7, -4)]) }, int(1, 3 * tMax + 3));
  }

  for (const policy of ['warmup-cosine', 'wsd', 'linear-decay'] as const) {
    for (let k = 0; k < 30; k++) {
      const totalSteps = pick([int(3, 40), int(40, 1500)]);
      const warmupSteps = pick([undefined, 0, int(1, Math.floor(totalSteps / 3)), int(1, Math.floor(totalSteps / 10) + 1)]);
      const warmup = warmupSteps ?? 0;
      const decaySteps = policy === 'wsd' ? int(1, Math.max(1, totalSteps - warmup - 1)) : undefined;
      add(
        {
          policy,
          maxLr: logU(-5, 0),
          totalSteps,
          warmupSteps,
          warmupStartFactor: maybe(0.5, () => pick([logU(-4, 0), 1, 0.1])),
          decaySteps,
          cooldown: policy === 'wsd' ? pick([undefined, 'linear', '1-sqrt', '1-sqrt']) : undefined,
          etaMin: policy === 'warmup-cosine' ? pick([undefined, 0, logU(-8, -5)]) : undefined,
          stepsPerEpoch: maybe(0.3, () => int(1, 100)),
        },
        pick([totalSteps, totalSteps + 1, int(1, totalSteps), totalSteps + int(2, 50)]),
        pick(['sgd', 'adam'] as const),
      );
    }
  }

  // Hand-picked edges: restarts landing exactly on powers of T_mult (log truncation), zero-length one-cycle
  // phases (PyTorch's ZeroDivisionError), stepping past total_steps, sawtooth CLR with no falling half.
  add({ policy: 'sgdr', maxLr: 0.1, t0: 1, tMult: 2, stepsPerEpoch: 1 }, 70);
  add({ policy: 'sgdr', maxLr: 0.1, t0: 1, tMult: 2, stepsPerEpoch: 4 }, 260);
  add({ policy: 'sgdr', maxLr: 0.1, t0: 3, tMult: 3, stepsPerEpoch: 3 }, 400);
  add({ policy: 'sgdr', maxLr: 0.1, t0: 2, tMult: 2, etaMin: 0.001 }, 100);
  add({ policy: 'one-cycle', maxLr: 0.1, totalSteps: 10, pctStart: 0.1 }, 10);
  add({ policy: 'one-cycle', maxLr: 0.1, totalSteps: 10, pctStart: 0.3 }, 12);
  add({ policy: 'one-cycle', maxLr: 0.1, totalSteps: 1 }, 2);
  add({ policy: 'one-cycle', maxLr: 0.1, totalSteps: 100, pctStart: 0, threePhase: true }, 101);
  add({ policy: 'one-cycle', maxLr: 0.1, totalSteps: 100, pctStart: 1 }, 101);
  add({ policy: 'triangular', baseLr: 0.001, maxLr: 0.01, stepSizeUp: 5, stepSizeDown: 0 }, 40);
  add({ policy: 'cosine', maxLr: 0.1, tMax: 1 }, 10);
  add({ policy: 'warmup-cosine', maxLr: 0.1, totalSteps: 2, warmupSteps: 1 }, 8);
  add({ policy: 'wsd', maxLr: 0.1, totalSteps: 3, warmupSteps: 1, decaySteps: 1, cooldown: '1-sqrt' }, 6);
  add({ policy: 'wsd', maxLr: 0.1, totalSteps: 3, decaySteps: 2 }, 6);
  add({ policy: 'linear-decay', maxLr: 0.1, totalSteps: 1 }, 4);
  return cases;
}

export function relErr(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

export function tryCompute(c: Case): ScheduleValues | Error {
  try {
    return computeSchedule(c.spec, c.steps);
  } catch (error) {
    return error as Error;
  }
}

/** Describes how `ours` differs from PyTorch's result, or returns undefined when they agree. */
export function mismatch(ours: { lr: number[]; momentum: number[] | null } | Error, theirs: OracleResult): string | undefined {
  if ('error' in theirs) return ours instanceof Error ? undefined : `PyTorch raised ${theirs.error} but we computed a schedule`;
  if (ours instanceof Error) return `we refused (${ours.message}) but PyTorch computed a schedule`;
  if (ours.lr.length !== theirs.lr.length) return `length ${ours.lr.length} vs ${theirs.lr.length}`;
  if ((ours.momentum === null) !== (theirs.momentum === null)) return `momentum ${ours.momentum === null ? 'null' : 'present'} vs PyTorch's`;
  const series: Array<[string, number[], number[]]> = [['lr', ours.lr, theirs.lr]];
  if (ours.momentum && theirs.momentum) series.push(['momentum', ours.momentum, theirs.momentum]);
  for (const [name, a, b] of series) {
    for (let t = 0; t < a.length; t++) {
      if (!(relErr(a[t], b[t]) <= REL_TOL)) return `${name}[${t}] = ${a[t]} vs PyTorch ${b[t]} (rel ${relErr(a[t], b[t]).toExponential(2)})`;
    }
  }
  return undefined;
}

/** `clr schedule` arguments for a spec and a number of steps. */
export function scheduleCliArgs(specValue: ScheduleSpec, steps: number): string[] {
  const args = ['schedule', '--policy', specValue.policy, '--steps', String(steps)];
  const spec = specValue as unknown as Record<string, unknown>;
  for (const [flag, { field, policies }] of Object.entries(SCHEDULE_FLAG_FIELDS)) {
    // The CLI refuses flags a policy ignores (PyTorch ignores gamma outside exp_range): leave those out.
    if (spec[field] !== undefined && policies.includes(specValue.policy)) args.push(`--${flag}=${String(spec[field])}`);
  }
  return args;
}
