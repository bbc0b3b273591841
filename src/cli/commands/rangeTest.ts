// `clr range-test <dataset> [flags]`: the learning-rate range test with the built-in TF.js engine, run in
// this process (the same engine the extension runs in its worker, so the curves are identical).
import { resolve } from 'node:path';
import { UserError } from '../../core/errors';
import { MAX_BATCH_SIZE, MAX_ITERATIONS, MAX_RUNS } from '../../core/limits';
import { BACKENDS, DEFAULT_RANGE_TEST_CONFIG, defaultStartLr, isPreset, MODEL_PRESETS, OPTIMIZERS, RangeTestConfig, RangeTestResult, SGD_START_LR, STEP_MODES, WIDE_START_LR } from '../../core/types';
import { CurvePoint } from '../../core/types';
import { preprocessingNote } from '../../core/preprocessingNote';
import { runRangeTest } from '../../engine/runRangeTest';
import { defineFlags, formatHelp, parseArgs, ParsedArgs } from '../args';
import { writeFileAtomic } from '../../outputs/atomicWrite';
import { CliIO } from '../io';
import { checkOutputPaths } from '../../outputs/outputPaths';
import { writeReport } from '../report';
import { rangeTestInputs } from '../../outputs/runInputs';
import { companionLabelFiles } from '../runInputs';
import { sweepFromArgs } from '../sweepFlags';
import { runRangeTestPyTorch } from './rangeTestPyTorch';
import { suggestionLines } from './suggest';

const d = DEFAULT_RANGE_TEST_CONFIG;

export const RANGE_TEST_FLAGS = defineFlags({
  target: { kind: { type: 'string' }, description: 'target column (default: inferred)' },
  model: { kind: { type: 'string' }, description: `${MODEL_PRESETS.join(', ')}, or the path of a TF.js Layers model.json`, default: d.model },
  hidden: { kind: { type: 'numberList' }, description: `hidden layer sizes of the mlp model (default ${d.hidden.join(',')})` },
  optimizer: { kind: { type: 'enum', values: OPTIMIZERS }, description: 'optimizer', default: d.optimizer },
  momentum: { kind: { type: 'number', min: 0, max: 1, exclusiveMax: true }, description: 'momentum of momentum and nesterov (default 0.9)' },
  'weight-decay': { kind: { type: 'number', min: 0 }, description: 'weight decay (L2; decoupled for adamw)', default: d.weightDecay },
  'start-lr': {
    kind: { type: 'number', min: 0, exclusiveMin: true },
    description: `learning rate at the first step (default: ${SGD_START_LR.toExponential()} for sgd, momentum and nesterov; ${WIDE_START_LR.toExponential()} for adam, adamw and rmsprop, and with --raw)`,
  },
  'end-lr': { kind: { type: 'number', min: 0, exclusiveMin: true }, description: 'learning rate at the last step', default: d.endLr },
  iterations: { kind: { type: 'int', min: 2, max: MAX_ITERATIONS }, description: 'optimizer steps in the sweep (default: from the dataset, 20 epochs within 100..200)' },
  'step-mode': { kind: { type: 'enum', values: STEP_MODES }, description: 'how the learning rate grows', default: d.stepMode },
  'batch-size': { kind: { type: 'int', min: 1, max: MAX_BATCH_SIZE }, description: 'rows per step', default: d.batchSize },
  smoothing: { kind: { type: 'number', min: 0, max: 1, exclusiveMax: true }, description: 'EMA β of the smoothed loss', default: d.smoothing },
  diverge: { kind: { type: 'number', min: 1, exclusiveMin: true }, description: 'stop when the smoothed loss exceeds this × its best', default: d.diverge },
  runs: { kind: { type: 'int', min: 1, max: MAX_RUNS }, description: 'runs with different seeds, averaged', default: d.runs },
  seed: { kind: { type: 'int' }, description: 'seed of the initial weights and the batch order', default: d.seed },
  'val-every': { kind: { type: 'int', min: 0 }, description: 'validation loss every k steps on 10% held out (0 = off)', default: d.valEvery },
  backend: { kind: { type: 'enum', values: BACKENDS }, description: 'TF.js backend (auto: native TensorFlow, else WASM, else CPU)', default: d.backend },
  raw: { kind: { type: 'boolean' }, description: 'train on the values as the file holds them, unstandardised (when your own training reads them raw)' },
  json: { kind: { type: 'string' }, description: "write the result as JSON to this file ('-' for stdout)" },
  report: { kind: { type: 'string' }, description: 'write a self-contained HTML report with the plot to this file' },
  help: { kind: { type: 'boolean' }, description: 'show this help' },
});

const USAGE = 'clr range-test <dataset> [options]   (or: clr range-test --pytorch model.py [options])';

/** The configuration the flags describe; flag combinations that make no sense are UserErrors. */
export function configFromArgs(args: ParsedArgs<typeof RANGE_TEST_FLAGS>, cwd: string): RangeTestConfig {
  if (args.positionals.length === 0) throw new UserError('range-test needs a dataset', { hint: 'e.g. clr range-test data.csv --target label' });
  if (args.positionals.length > 1) throw new UserError(`range-test takes one dataset, got ${args.positionals.length}: ${args.positionals.join(' ')}`);
  const { model, optimizer, hidden, momentum } = args.flags;
  if (hidden !== undefined && model !== 'mlp') {
    throw new UserError(`--hidden has no effect with --model ${model}`, { hint: 'use --model mlp, or drop --hidden' });
  }
  if (momentum !== undefined && optimizer !== 'momentum' && optimizer !== 'nesterov') {
    throw new UserError(`--momentum has no effect with --optimizer ${optimizer}`, { hint: 'use --optimizer momentum or nesterov, or drop --momentum' });
  }
  // Without --iterations the engine sizes the sweep to the dataset (sweepBudget).
  const autoIterations = args.flags.iterations === undefined;
  return {
    ...sweepFromArgs(args.flags, defaultStartLr(optimizer, args.flags.raw === true)),
    ...(autoIterations ? { iterations: d.iterations, autoIterations } : {}),
    dataset: resolve(cwd, args.positionals[0]),
    target: args.flags.target,
    model: isPreset(model) ? model : resolve(cwd, model),
    hidden: hidden ?? d.hidden,
    optimizer,
    momentum: momentum ?? d.momentum,
    batchSize: args.flags['batch-size'],
    runs: args.flags.runs,
    seed: args.flags.seed,
    backend: args.flags.backend,
    ...(args.flags.raw ? { raw: true } : {}),
  };
}

export function summaryText(result: RangeTestResult): string {
  const s = result.suggestion;
  const runs = result.config.runs > 1 ? ` × ${result.config.runs} runs (seeds ${result.config.seed}..${result.config.seed + result.config.runs - 1})` : '';
  return [
    `range test on ${result.dataset.path}: ${result.lrs.length} steps${runs}, ${result.stopReason}, ${result.backend} backend, ${result.stepsPerSecond.toFixed(1)} steps/s`,
    ...suggestionLines(s),
    ...s.diagnostics.map((line) => `note: ${line}`),
    ...[preprocessingNote(result.preprocessing)].filter((line) => line !== undefined).map((line) => `scaling: ${line}`),
    '',
  ].join('\n');
}

/** A one-line progress bar, redrawn in place: `done` steps of `total` over all runs (they run in parallel). */
export function progressLine(point: CurvePoint, done: number, total: number, runs: number): string {
  const width = 24;
  const filled = Math.min(width, Math.round((done / total) * width));
  const runText = runs > 1 ? ` (${runs} runs)` : '';
  return `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}${runText}  lr ${point.lr.toExponential(2)}  loss ${point.smoothed.toPrecision(4)}  `;
}

/** Runs the test with a progress bar and Ctrl-C as cancel; shared with `clr demo`. */
export async function runWithProgress(config: RangeTestConfig, io: CliIO): Promise<RangeTestResult> {
  let drawn = false;
  let cancelled = false;
  let total = config.iterations * config.runs;
  let done = 0;
  const onSignal = () => {
    cancelled = true;
  };
  process.once('SIGINT', onSignal);
  try {
    return await runRangeTest(config, {
      isCancelled: () => cancelled,
      onEvent: (event) => {
        // The sweep's length is the engine's to choose (it sizes it to the dataset without --iterations).
        if (event.type === 'started') total = event.lrs.length * event.runs;
        if (!io.stderrIsTTY) return;
        // After the bar is full: what the wait is for (a long sweep takes seconds to read).
        if (event.type === 'suggesting' && drawn) io.stderr('computing the suggestion…');
        if (event.type !== 'progress') return;
        io.stderr(progressLine(event.point, ++done, total, config.runs));
        drawn = true;
      },
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
    if (drawn) io.stderr('\n');
  }
}

export async function runRangeTestCommand(argv: string[], io: CliIO): Promise<number> {
  if (argv.some((a) => a === '--pytorch' || a.startsWith('--pytorch='))) return runRangeTestPyTorch(argv, io);
  const args = parseArgs(argv, RANGE_TEST_FLAGS);
  if (args.flags.help) {
    io.stdout(formatHelp(USAGE, RANGE_TEST_FLAGS));
    return 0;
  }
  const config = configFromArgs(args, io.cwd);
  const { json, report } = args.flags;
  const jsonPath = json && json !== '-' ? resolve(io.cwd, json) : undefined;
  const reportPath = report ? resolve(io.cwd, report) : undefined;
  checkOutputPaths(
    [
      ...(jsonPath ? [{ flag: 'json', path: jsonPath }] : []),
      ...(reportPath ? [{ flag: 'report', path: reportPath }] : []),
    ],
    rangeTestInputs(config, companionLabelFiles(config.dataset)),
  );
  const result = await runWithProgress(config, io);
  const text = JSON.stringify(result, null, 2) + '\n';
  if (jsonPath) writeFileAtomic(jsonPath, text);
  if (reportPath) writeReport(reportPath, result);
  if (json === '-') io.stdout(text);
  else {
    io.stdout(summaryText(result));
    if (reportPath) io.stdout(`report: ${reportPath}\n`);
  }
  return 0;
}
