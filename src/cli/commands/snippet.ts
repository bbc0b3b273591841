// `clr snippet`: scheduler code for a framework, with the numbers of a schedule (or sensible defaults).

import { UserError } from '../../core/errors';
import { ScheduleSpec } from '../../core/schedules';
import {
  defaultSnippetSpec,
  generateSnippet,
  SNIPPET_FRAMEWORKS,
  SNIPPET_POLICIES,
  SnippetFramework,
  SnippetPolicy,
  DEFAULT_EPOCHS_PER_HALF_CYCLE,
} from '../../core/snippets';
import { OPTIMIZERS, OptimizerName } from '../../core/types';
import { FlagSpecs, formatHelp, parseArgs, ParsedArgs } from '../args';
import { CliIO } from '../io';
import { SCHEDULE_FLAG_FIELDS, scheduleFlagSpecs, scheduleSpecFromArgs } from '../scheduleFlags';

const USAGE = `clr snippet --framework pytorch|lightning|keras|tfjs|fastai --policy ${SNIPPET_POLICIES.join('|')} [schedule flags] [--steps-per-epoch N] [--optimizer NAME]`;

const scheduleFlags = scheduleFlagSpecs(SNIPPET_POLICIES);
const FLAGS: FlagSpecs = {
  framework: { kind: { type: 'enum', values: SNIPPET_FRAMEWORKS }, description: 'framework to write code for (required)' },
  ...scheduleFlags,
  'base-lr': { ...scheduleFlags['base-lr'], description: 'CLR lower bound (default 1e-4 until you run a range test)' },
  'max-lr': { ...scheduleFlags['max-lr'], description: 'CLR upper bound / one-cycle and sgdr peak (default 1e-2 until you run a range test)' },
  epochs: { kind: { type: 'int', min: 1 }, description: 'epochs to train (one-cycle length; fastai/Keras fit)', default: undefined },
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
};

export function stepsPerEpochFrom(args: ParsedArgs): number | undefined {
  const given = args.flags['steps-per-epoch'];
  const rows = args.flags.rows;
  const batch = args.flags['batch-size'];
  if ((rows === undefined) !== (batch === undefined)) throw new UserError('--rows and --batch-size go together', { hint: 'give both, or --steps-per-epoch' });
  const derived = typeof rows === 'number' && typeof batch === 'number' ? Math.ceil(rows / batch) : undefined;
  if (typeof given === 'number' && derived !== undefined && given !== derived) {
    throw new UserError(`--steps-per-epoch ${given} contradicts --rows/--batch-size (ceil(${rows} / ${batch}) = ${derived})`, { hint: 'give one or the other' });
  }
  return typeof given === 'number' ? given : derived;
}

/**
 * The schedule the flags describe, the flags left out filled with defaults (bounds, Smith's half-cycle, the
 * usual warm-up), validated as `clr schedule` validates it. Shared with `clr insert`.
 */
export function snippetSpecFromArgs(args: ParsedArgs, policy: SnippetPolicy): { spec: ScheduleSpec; spe?: number; epochs?: number } {
  const spe = stepsPerEpochFrom(args);
  const epochs = typeof args.flags.epochs === 'number' ? args.flags.epochs : undefined;
  // Fill the schedule flags the user left out with defaults, then validate everything as `clr schedule` does.
  const defaults = defaultSnippetSpec(policy, {
    baseLr: typeof args.flags['base-lr'] === 'number' ? args.flags['base-lr'] : undefined,
    maxLr: typeof args.flags['max-lr'] === 'number' ? args.flags['max-lr'] : undefined,
    stepsPerEpoch: spe,
    epochs,
    epochsPerHalfCycle: args.flags['epochs-per-half-cycle'] as number,
    totalSteps: typeof args.flags['total-steps'] === 'number' ? args.flags['total-steps'] : undefined,
  }) as unknown as Record<string, unknown>;
  const flags = { ...args.flags };
  if (policy !== 'one-cycle') delete flags.epochs;
  if (spe !== undefined) flags['steps-per-epoch'] = spe;
  const oneCycleLengthGiven = flags['total-steps'] !== undefined || flags.epochs !== undefined;
  for (const [flag, { field, policies }] of Object.entries(SCHEDULE_FLAG_FIELDS)) {
    if (flags[flag] !== undefined || defaults[field] === undefined || !policies.includes(policy)) continue;
    if (policy === 'one-cycle' && oneCycleLengthGiven && (field === 'totalSteps' || field === 'epochs')) continue;
    flags[flag] = defaults[field] as number;
  }
  return { spec: scheduleSpecFromArgs({ flags, positionals: [] }), spe, epochs };
}

export async function runSnippet(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  if (args.flags.help === true) {
    io.stdout(formatHelp(USAGE, FLAGS));
    return 0;
  }
  if (args.positionals.length > 0) throw new UserError(`unexpected argument '${args.positionals[0]}'`, { hint: `usage: ${USAGE}` });
  const framework = args.flags.framework as SnippetFramework | undefined;
  if (!framework) throw new UserError('--framework is required', { hint: `expected one of ${SNIPPET_FRAMEWORKS.join(', ')}` });
  const policy = args.flags.policy as SnippetPolicy | undefined;
  if (!policy) throw new UserError('--policy is required', { hint: `expected one of ${SNIPPET_POLICIES.join(', ')}` });

  const { spec, spe, epochs } = snippetSpecFromArgs(args, policy);

  const result = generateSnippet({
    framework,
    spec,
    stepsPerEpoch: spe,
    rows: args.flags.rows as number | undefined,
    batchSize: args.flags['batch-size'] as number | undefined,
    epochs,
    boundsFrom:
      (args.flags['bounds-from'] as string | undefined) ??
      (args.flags['base-lr'] !== undefined || args.flags['max-lr'] !== undefined ? 'the values given on the command line' : undefined),
    optimizer: args.flags.optimizer as OptimizerName | undefined,
    torchVersion: args.flags['torch-version'] as string | undefined,
    optimizerVar: args.flags['optimizer-var'] as string,
    schedulerVar: args.flags['scheduler-var'] as string | undefined,
    typescript: args.flags.typescript === true,
  });
  if (args.flags.format === 'json') {
    io.stdout(`${JSON.stringify({ framework, policy, language: result.language, code: result.code, snippet: result.snippet, schedule: result.schedule })}\n`);
  } else {
    io.stdout(args.flags.format === 'snippet' ? result.snippet : result.code);
  }
  return 0;
}
