// `clr snippet`: scheduler code for a framework, with the numbers of a schedule (or sensible defaults).

import { UserError } from '../../core/errors';
import { ScheduleSpec } from '../../core/schedules';
import {
  defaultSnippetSpec,
  generateSnippet,
  SNIPPET_FRAMEWORKS,
  SNIPPET_POLICIES,
  SnippetPolicy,
  DEFAULT_EPOCHS_PER_HALF_CYCLE,
} from '../../core/snippets';
import { OPTIMIZERS } from '../../core/types';
import { defineFlags, formatHelp, parseArgs } from '../args';
import { CliIO } from '../io';
import { type ScheduleFlagValues, scheduleFlagSpecs, scheduleSpecFromArgs } from '../scheduleFlags';

const USAGE = `clr snippet --framework pytorch|lightning|keras|tfjs|fastai --policy ${SNIPPET_POLICIES.join('|')} [schedule flags] [--steps-per-epoch N] [--optimizer NAME]`;

const scheduleFlags = scheduleFlagSpecs(SNIPPET_POLICIES);
const FLAGS = defineFlags({
  framework: { kind: { type: 'enum', values: SNIPPET_FRAMEWORKS }, description: 'framework to write code for (required)' },
  ...scheduleFlags,
  'base-lr': { ...scheduleFlags['base-lr'], description: 'CLR lower bound (default 1e-4 until you run a range test)' },
  'max-lr': { ...scheduleFlags['max-lr'], description: 'CLR upper bound / one-cycle and sgdr peak (default 1e-2 until you run a range test)' },
  epochs: { kind: { type: 'int', min: 1 }, description: 'epochs to train (one-cycle length; fastai/Keras fit)' },
  rows: { kind: { type: 'int', min: 1 }, description: 'dataset rows, with --batch-size: iterations per epoch = ceil(rows / batch size)' },
  'batch-size': { kind: { type: 'int', min: 1 }, description: 'batch size, with --rows' },
  'epochs-per-half-cycle': {
    kind: { type: 'number', min: 0, exclusiveMin: true },
    description: `CLR step_size_up in epochs when --step-size-up is absent (Smith: 2-10)`,
    default: DEFAULT_EPOCHS_PER_HALF_CYCLE,
  },
  optimizer: { kind: { type: 'enum', values: OPTIMIZERS }, description: 'the optimizer you train with (decides cycle_momentum); sgd means momentum 0' },
  'torch-version': { kind: { type: 'string' }, description: `installed torch version; CyclicLR cycles Adam's beta1 from 2.3 on` },
  'optimizer-var': { kind: { type: 'string' }, description: 'name of your optimizer variable', default: 'optimizer' },
  'scheduler-var': { kind: { type: 'string' }, description: 'name of the scheduler (tfjs: callback) variable to define' },
  typescript: { kind: { type: 'boolean' }, description: 'tfjs: write TypeScript' },
  'bounds-from': { kind: { type: 'string' }, description: 'where the bounds came from, for the comment (e.g. "range test on train.csv")' },
  format: { kind: { type: 'enum', values: ['code', 'snippet', 'json'] }, description: 'plain code, VS Code snippet syntax, or JSON with both', default: 'code' },
  help: { kind: { type: 'boolean' }, description: 'show this help' },
});

/** The flags `clr snippet` and `clr insert` describe a schedule with: the schedule flags and the dataset size. */
export type SnippetScheduleFlags = ScheduleFlagValues & {
  rows: number | undefined;
  'batch-size': number | undefined;
  'epochs-per-half-cycle': number;
};

export function stepsPerEpochFrom(flags: Pick<SnippetScheduleFlags, 'steps-per-epoch' | 'rows' | 'batch-size'>): number | undefined {
  const given = flags['steps-per-epoch'];
  const { rows, 'batch-size': batch } = flags;
  if ((rows === undefined) !== (batch === undefined)) throw new UserError('--rows and --batch-size go together', { hint: 'give both, or --steps-per-epoch' });
  const derived = rows !== undefined && batch !== undefined ? Math.ceil(rows / batch) : undefined;
  if (given !== undefined && derived !== undefined && given !== derived) {
    throw new UserError(`--steps-per-epoch ${given} contradicts --rows/--batch-size (ceil(${rows} / ${batch}) = ${derived})`, { hint: 'give one or the other' });
  }
  return given ?? derived;
}

/**
 * The schedule the flags describe, the flags left out filled with defaults (bounds, Smith's half-cycle, the
 * usual warm-up), validated as `clr schedule` validates it. Shared with `clr insert`.
 */
export function snippetSpecFromArgs(flags: SnippetScheduleFlags, policy: SnippetPolicy): { spec: ScheduleSpec; spe?: number; epochs?: number } {
  const spe = stepsPerEpochFrom(flags);
  const epochs = flags.epochs;
  const defaults = defaultSnippetSpec(policy, {
    baseLr: flags['base-lr'],
    maxLr: flags['max-lr'],
    stepsPerEpoch: spe,
    epochs,
    epochsPerHalfCycle: flags['epochs-per-half-cycle'],
    totalSteps: flags['total-steps'],
  });
  // --epochs is the training length here; only one-cycle's spec has an epochs field.
  const scheduleFlags: ScheduleFlagValues = { ...flags, policy, epochs: policy === 'one-cycle' ? epochs : undefined, 'steps-per-epoch': spe };
  return { spec: scheduleSpecFromArgs(scheduleFlags, { defaults }), spe, epochs };
}

export async function runSnippet(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  if (args.flags.help === true) {
    io.stdout(formatHelp(USAGE, FLAGS));
    return 0;
  }
  if (args.positionals.length > 0) throw new UserError(`unexpected argument '${args.positionals[0]}'`, { hint: `usage: ${USAGE}` });
  const framework = args.flags.framework;
  if (!framework) throw new UserError('--framework is required', { hint: `expected one of ${SNIPPET_FRAMEWORKS.join(', ')}` });
  const policy = args.flags.policy;
  if (!policy) throw new UserError('--policy is required', { hint: `expected one of ${SNIPPET_POLICIES.join(', ')}` });

  const { spec, spe, epochs } = snippetSpecFromArgs(args.flags, policy);

  const result = generateSnippet({
    framework,
    spec,
    stepsPerEpoch: spe,
    rows: args.flags.rows,
    batchSize: args.flags['batch-size'],
    epochs,
    boundsFrom:
      args.flags['bounds-from'] ??
      (args.flags['base-lr'] !== undefined || args.flags['max-lr'] !== undefined ? 'the values given on the command line' : undefined),
    optimizer: args.flags.optimizer,
    torchVersion: args.flags['torch-version'],
    optimizerVar: args.flags['optimizer-var'],
    schedulerVar: args.flags['scheduler-var'],
    typescript: args.flags.typescript === true,
  });
  if (args.flags.format === 'json') {
    io.stdout(`${JSON.stringify({ framework, policy, language: result.language, code: result.code, snippet: result.snippet, schedule: result.schedule })}\n`);
  } else {
    io.stdout(args.flags.format === 'snippet' ? result.snippet : result.code);
  }
  return 0;
}
