import { resolve } from 'node:path';
import { UserError } from '../../core/errors';
import { DatasetSummary } from '../../core/types';
import { inspectDataset } from '../../data/index';
import { defineFlags, formatHelp, parseArgs } from '../args';
import { CliIO } from '../io';

const USAGE = 'clr inspect <path> [--target NAME] [--json]';

const FLAGS = defineFlags({
  target: { kind: { type: 'string' }, description: 'target column (name, or column index for NPY); inferred when absent' },
  task: { kind: { type: 'enum', values: ['classification', 'regression'] }, description: 'override the inferred task' },
  'image-size': { kind: { type: 'int', min: 4, max: 512 }, description: 'side images are resized to', default: 28 },
  json: { kind: { type: 'boolean' }, description: 'print the summary as JSON', default: false },
  help: { kind: { type: 'boolean' }, description: 'show this help', default: false },
});

const MAX_LISTED = 12;

function list(values: string[]): string {
  return values.length > MAX_LISTED ? `${values.slice(0, MAX_LISTED).join(', ')}, … (${values.length - MAX_LISTED} more)` : values.join(', ');
}

export function formatSummary(summary: DatasetSummary): string {
  const target =
    summary.task === 'classification'
      ? `${summary.target} (classification, ${summary.classes.length} classes: ${list(summary.classes)})`
      : `${summary.target} (regression)`;
  const lines = [
    summary.path,
    `  format    ${summary.format}`,
    `  rows      ${summary.rows}`,
    `  features  ${summary.features}${summary.inputShape.length > 1 ? ` (input shape ${summary.inputShape.join('×')})` : ''}: ${list(summary.featureNames)}`,
    `  target    ${target}`,
  ];
  if (summary.warnings.length > 0) {
    lines.push('warnings:');
    for (const w of summary.warnings) lines.push(`  - ${w}`);
  }
  return lines.join('\n') + '\n';
}

/** `clr inspect`: what a dataset looks like to the range test (format, rows, features, target, warnings). */
export async function runInspect(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  if (args.flags.help) {
    io.stdout(formatHelp(USAGE, FLAGS));
    return 0;
  }
  if (args.positionals.length !== 1) {
    throw new UserError(args.positionals.length === 0 ? 'missing the dataset path' : `expected one dataset path, got ${args.positionals.length}`, { hint: `usage: ${USAGE}` });
  }
  const summary = await inspectDataset(resolve(io.cwd, args.positionals[0]), {
    target: args.flags.target,
    task: args.flags.task,
    imageSize: args.flags['image-size'],
  });
  io.stdout(args.flags.json ? JSON.stringify(summary, null, 2) + '\n' : formatSummary(summary));
  return 0;
}
