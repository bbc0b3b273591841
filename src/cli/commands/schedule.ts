// `clr schedule`: the learning rate (and momentum) of every optimizer step, exactly as PyTorch schedules it.

import { UserError } from '../../core/errors';
import { MAX_SCHEDULE_STEPS } from '../../core/limits';
import { groupThousands } from '../../core/displayFormat';
import { computeSchedule, defaultPreviewSteps, SCHEDULE_POLICIES, SchedulePolicy } from '../../core/schedules';
import { defineFlags, formatHelp, parseArgs } from '../args';
import { CliIO } from '../io';
import { nameFlagInError, scheduleFlagSpecs, scheduleSpecFromArgs } from '../scheduleFlags';

const USAGE = `clr schedule --policy ${SCHEDULE_POLICIES.join('|')} [--steps N] [--format json|csv] [schedule flags]`;

const FLAGS = defineFlags({
  ...scheduleFlagSpecs(SCHEDULE_POLICIES),
  steps: { kind: { type: 'int', min: 1, max: MAX_SCHEDULE_STEPS, capVerb: 'list' }, description: 'optimizer steps to list (default: two CLR cycles, the whole one-cycle, three SGDR periods, T_max+1)' },
  format: { kind: { type: 'enum', values: ['json', 'csv'] }, description: 'output format', default: 'json' },
  help: { kind: { type: 'boolean' }, description: 'show this help' },
});

export interface ScheduleOutput {
  policy: SchedulePolicy;
  lr: number[];
  momentum: number[] | null;
}

export async function runSchedule(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  if (args.flags.help === true) {
    io.stdout(formatHelp(USAGE, FLAGS) + HELP_NOTES);
    return 0;
  }
  if (args.positionals.length > 0) {
    throw new UserError(`unexpected argument '${args.positionals[0]}'`, { hint: `usage: ${USAGE}` });
  }
  const requestedSteps = args.flags.steps;
  const spec = scheduleSpecFromArgs(args.flags, { fallbackTotalSteps: requestedSteps });
  const steps = requestedSteps ?? defaultPreviewSteps(spec);
  if (steps > MAX_SCHEDULE_STEPS) {
    throw new UserError(`the schedule spans ${groupThousands(steps)} steps by default, more than the ${groupThousands(MAX_SCHEDULE_STEPS)} we list`, { hint: 'give --steps to list fewer' });
  }
  let values;
  try {
    values = computeSchedule(spec, steps);
  } catch (error) {
    throw nameFlagInError(error);
  }
  for (const warning of values.warnings) io.stderr(`warning: ${warning}\n`);
  const { lr, momentum } = values;
  if (args.flags.format === 'csv') {
    io.stdout(momentum ? 'step,lr,momentum\n' : 'step,lr\n');
    writeInChunks(io, lr.length, (t) => (momentum ? `${t},${lr[t]},${momentum[t]}\n` : `${t},${lr[t]}\n`));
  } else {
    // JSON.stringify of a ScheduleOutput, written a chunk at a time: millions of steps never make one string.
    const number = (v: number): string => (Number.isFinite(v) ? String(v) : 'null');
    io.stdout(`{"policy":${JSON.stringify(spec.policy)},"lr":[`);
    writeInChunks(io, lr.length, (t) => (t > 0 ? ',' : '') + number(lr[t]));
    io.stdout('],"momentum":');
    if (momentum) {
      io.stdout('[');
      writeInChunks(io, momentum.length, (t) => (t > 0 ? ',' : '') + number(momentum[t]));
      io.stdout(']');
    } else io.stdout('null');
    io.stdout('}\n');
  }
  return 0;
}

const CHUNK_STEPS = 65536;

function writeInChunks(io: CliIO, count: number, text: (t: number) => string): void {
  for (let start = 0; start < count; start += CHUNK_STEPS) {
    let chunk = '';
    for (let t = start; t < Math.min(count, start + CHUNK_STEPS); t++) chunk += text(t);
    io.stdout(chunk);
  }
}

const HELP_NOTES = `
lr[t] is the rate optimizer step t uses: optimizer.param_groups[0]["lr"] after constructing the scheduler and
calling scheduler.step() t times (momentum[t] likewise; beta1 for Adam). Numbers are printed with full precision.
sgdr with --steps-per-epoch S is stepped once per batch as scheduler.step(epoch + (i + 1) / S), so T_0 counts
epochs; without it, plain scheduler.step() and T_0 counts steps. one-cycle without --total-steps or --epochs
spans --steps. warmup-cosine, wsd and linear-decay multiply the optimizer's rate (--max-lr, the peak) as the
LinearLR warm-up, ConstantLR, CosineAnnealingLR, LinearLR or 1-sqrt LambdaLR chained by SequentialLR do in torch 1.13.
`;
