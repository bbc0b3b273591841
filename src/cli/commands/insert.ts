// `clr insert FILE`: puts a scheduler into a PyTorch (or Lightning) training script with the same planner as the
// editor's Insert Scheduler: import merged, scheduler after the optimizer, scheduler.step() in the loop, or an
// existing scheduler call updated in place. Prints the edited file; writes it only with --write.

import { readFileSync } from 'node:fs';
import { UserError } from '../../core/errors';
import { planInsertion } from '../../core/insertion/planner';
import { SNIPPET_POLICIES } from '../../core/snippets';
import { writeFileAtomic } from '../../outputs/atomicWrite';
import { defineFlags, formatHelp, parseArgs } from '../args';
import { CliIO } from '../io';
import { scheduleFlagSpecs } from '../scheduleFlags';
import { snippetSpecFromArgs } from './snippet';

const USAGE = `clr insert FILE --framework pytorch|lightning --policy ${SNIPPET_POLICIES.join('|')} [schedule flags] [--steps-per-epoch N] [--line N] [--write]`;

const scheduleFlags = scheduleFlagSpecs(SNIPPET_POLICIES);
const FLAGS = defineFlags({
  framework: { kind: { type: 'enum', values: ['pytorch', 'lightning'] }, description: 'the file trains with plain PyTorch or a LightningModule', default: 'pytorch' },
  ...scheduleFlags,
  'base-lr': { ...scheduleFlags['base-lr'], description: 'CLR lower bound (default 1e-4 until you run a range test)' },
  'max-lr': { ...scheduleFlags['max-lr'], description: 'CLR upper bound / peak rate (default 1e-2 until you run a range test)' },
  epochs: { kind: { type: 'int', min: 1 }, description: 'epochs to train (one-cycle and warm-up schedules: the run length)' },
  'epochs-per-half-cycle': { kind: { type: 'number', min: 0, exclusiveMin: true }, description: 'CLR step_size_up in epochs when --step-size-up is absent', default: 4 },
  rows: { kind: { type: 'int', min: 1 }, description: 'dataset rows, with --batch-size: steps per epoch = ceil(rows / batch size)' },
  'batch-size': { kind: { type: 'int', min: 1 }, description: 'batch size, with --rows' },
  line: { kind: { type: 'int', min: 1 }, description: 'cursor line (1-based): picks among several optimizers or scheduler calls' },
  'optimizer-var': { kind: { type: 'string' }, description: 'the optimizer the scheduler drives (default: found by name)' },
  'scheduler-var': { kind: { type: 'string' }, description: 'name of a new scheduler', default: 'scheduler' },
  'torch-version': { kind: { type: 'string' }, description: "installed torch version; CyclicLR cycles Adam's beta1 from 2.3 on" },
  'bounds-from': { kind: { type: 'string' }, description: 'where the numbers came from, for the comment (e.g. "range test on train.csv, 2026-12-02")' },
  exact: { kind: { type: 'boolean' }, description: 'write the rates exactly as given (default: 3 significant digits)' },
  write: { kind: { type: 'boolean' }, description: 'write the edited file in place (atomically) instead of printing it' },
  format: { kind: { type: 'enum', values: ['code', 'json'] }, description: 'the edited file, or JSON {source, schedule, edits, step, messages}', default: 'code' },
  help: { kind: { type: 'boolean' }, description: 'show this help' },
});

export async function runInsert(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  if (args.flags.help === true) {
    io.stdout(formatHelp(USAGE, FLAGS) + HELP_NOTES);
    return 0;
  }
  if (args.positionals.length !== 1) {
    throw new UserError(args.positionals.length ? `expected one file, got ${args.positionals.length}` : 'which file? give the training script', { hint: `usage: ${USAGE}` });
  }
  const file = args.positionals[0];
  const policy = args.flags.policy;
  if (!policy) throw new UserError('--policy is required', { hint: `expected one of ${SNIPPET_POLICIES.join(', ')}` });
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message}`, { hint: 'give the path of a Python training script' });
  }
  const { spec, spe } = snippetSpecFromArgs(args.flags, policy);
  const explicitNumbers = args.flags['base-lr'] !== undefined || args.flags['max-lr'] !== undefined;
  const plan = planInsertion({
    source,
    framework: args.flags.framework,
    spec,
    cursorLine: args.flags.line !== undefined ? args.flags.line - 1 : undefined,
    optimizerVar: args.flags['optimizer-var'],
    schedulerVar: args.flags['scheduler-var'],
    stepsPerEpoch: spe,
    torchVersion: args.flags['torch-version'],
    provenance: args.flags['bounds-from'] ?? (explicitNumbers ? 'values given to clr insert' : undefined),
    round: args.flags.exact !== true,
  });
  for (const message of plan.messages) io.stderr(`note: ${message}\n`);
  if (args.flags.write === true) {
    if (plan.result !== source) writeFileAtomic(file, plan.result);
    io.stderr(`note: ${plan.action} the scheduler in ${file} (line ${plan.schedulerLine + 1})\n`);
  }
  if (args.flags.format === 'json') {
    io.stdout(`${JSON.stringify({ file, action: plan.action, step: plan.step, schedule: plan.schedule, optimizer: plan.optimizer ?? null, schedulerLine: plan.schedulerLine + 1, messages: plan.messages, edits: plan.edits, source: plan.result })}\n`);
  } else if (args.flags.write !== true) {
    io.stdout(plan.result);
  }
  return 0;
}

const HELP_NOTES = `
The optimizer is found by name (optimizer, opt, self.optimizer, …; --optimizer-var or --line pick one of
several) and its class decides cycle_momentum (Adam, AdamW, RMSprop and SGD without momentum get False).
scheduler.step() goes right after optimizer.step() (or scaler.step(optimizer) and scaler.update()) in the
file's loop, inside an accumulation block where there is one. Step sizes are written as k * steps_per_epoch,
with steps_per_epoch = len(loader) where the loader is in the file. An existing CyclicLR, OneCycleLR or
CosineAnnealingWarmRestarts call is updated in place, keeping its other arguments. --format json gives the
schedule the edited file trains with, as \`clr schedule\` computes it.
`;
