// `clr range-test --pytorch model.py [flags]`: the range test on the user's own PyTorch model through the
// Python bridge, with the same JSON as the built-in engine. `clr range-test` hands argv over here when it
// contains --pytorch.
import { resolve } from 'node:path';
import { UserError } from '../../core/errors';
import { MAX_ITERATIONS } from '../../core/limits';
import { DEFAULT_RANGE_TEST_CONFIG, OPTIMIZERS, RangeTestConfig, RangeTestResult, STEP_MODES, TORCH_DEVICES, WIDE_START_LR } from '../../core/types';
import { isRangeTestCancelled } from '../../worker/client';
import { killPythonRunsOnSignals, PyTorchUserError, startPyTorchRangeTest } from '../../worker/pytorchBridge';
import { defineFlags, formatHelp, parseArgs, ParsedArgs } from '../args';
import { writeFileAtomic } from '../../outputs/atomicWrite';
import { CliIO } from '../io';
import { checkOutputPaths } from '../../outputs/outputPaths';
import { rangeTestInputs } from '../../outputs/runInputs';
import { companionLabelFiles } from '../runInputs';
import { sweepFromArgs } from '../sweepFlags';

const d = DEFAULT_RANGE_TEST_CONFIG;

export const PYTORCH_RANGE_TEST_FLAGS = defineFlags({
  pytorch: { kind: { type: 'string' }, description: 'Python file defining model, train_loader, criterion (optionally optimizer, val_loader) or setup() returning them' },
  python: { kind: { type: 'string' }, description: 'Python interpreter with torch (default: the first of /usr/bin/python3, python3, python that has torch)' },
  device: { kind: { type: 'enum', values: TORCH_DEVICES }, description: 'where to train', default: 'auto' },
  accumulate: { kind: { type: 'int', min: 1 }, description: 'mini-batches accumulated per optimizer step', default: 1 },
  amp: { kind: { type: 'boolean' }, description: 'automatic mixed precision (CUDA)', default: false },
  optimizer: { kind: { type: 'enum', values: OPTIMIZERS }, description: "optimizer when the file defines none (the file's optimizer wins)", default: d.optimizer },
  momentum: { kind: { type: 'number', min: 0, max: 1, exclusiveMax: true }, description: 'momentum of that optimizer', default: d.momentum },
  'weight-decay': { kind: { type: 'number', min: 0 }, description: 'weight decay of that optimizer', default: d.weightDecay },
  'start-lr': { kind: { type: 'number', min: 0, exclusiveMin: true }, description: `learning rate at the first step (default ${WIDE_START_LR.toExponential()})` },
  'end-lr': { kind: { type: 'number', min: 0, exclusiveMin: true }, description: 'learning rate at the last step', default: d.endLr },
  iterations: { kind: { type: 'int', min: 2, max: MAX_ITERATIONS }, description: 'optimizer steps in the sweep', default: d.iterations },
  'step-mode': { kind: { type: 'enum', values: STEP_MODES }, description: 'how the learning rate grows', default: d.stepMode },
  smoothing: { kind: { type: 'number', min: 0, max: 1, exclusiveMax: true }, description: 'EMA β of the smoothed loss', default: d.smoothing },
  diverge: { kind: { type: 'number', min: 1, exclusiveMin: true }, description: 'stop when the smoothed loss exceeds this × its best', default: d.diverge },
  'val-every': { kind: { type: 'int', min: 0 }, description: 'validation loss every k steps on val_loader (0 = off)', default: 0 },
  json: { kind: { type: 'string' }, description: "write the result as JSON to this file ('-' for stdout)" },
  help: { kind: { type: 'boolean' }, description: 'show this help' },
});

/** Ctrl-C before the first points: the shell's convention for SIGINT. */
export const EXIT_CANCELLED = 130;

export const PYTORCH_RANGE_TEST_USAGE = 'clr range-test --pytorch model.py [options]';

/** The RangeTestConfig of a `--pytorch` run. */
export function pytorchConfigFromArgs(args: ParsedArgs<typeof PYTORCH_RANGE_TEST_FLAGS>, cwd: string): RangeTestConfig {
  const file = args.flags.pytorch;
  if (!file) throw new UserError('--pytorch needs the path of a Python file', { hint: 'e.g. clr range-test --pytorch examples/pytorch/model.py' });
  if (args.positionals.length > 0) {
    throw new UserError(`unexpected argument '${args.positionals[0]}' with --pytorch`, { hint: 'the data comes from the file\'s train_loader; pass no dataset' });
  }
  return {
    ...d,
    ...sweepFromArgs(args.flags, WIDE_START_LR),
    dataset: resolve(cwd, file),
    optimizer: args.flags.optimizer,
    momentum: args.flags.momentum,
    pytorch: {
      device: args.flags.device,
      accumulate: args.flags.accumulate,
      amp: args.flags.amp,
    },
  };
}

function summary(result: RangeTestResult): string {
  const s = result.suggestion;
  const fmt = (x: number | null) => (x === null ? '—' : x.toPrecision(3));
  const runtime = result.pytorchRuntime ? ` on ${result.pytorchRuntime.device} (torch ${result.pytorchRuntime.torch})` : '';
  return [
    `range test on ${result.dataset.path}${runtime}: ${result.lrs.length} steps, ${result.stopReason}, ${result.stepsPerSecond.toFixed(1)} steps/s`,
    `CyclicLR bounds: base_lr ${fmt(s.clr.baseLr)}, max_lr ${fmt(s.clr.maxLr)} (confidence ${s.confidence.toFixed(2)})`,
    `1cycle max_lr: ${fmt(s.oneCycle.maxLr)}`,
    ...s.diagnostics.map((line) => `note: ${line}`),
    '',
  ].join('\n');
}

export async function runRangeTestPyTorch(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, PYTORCH_RANGE_TEST_FLAGS);
  if (args.flags.help) {
    io.stdout(formatHelp(PYTORCH_RANGE_TEST_USAGE, PYTORCH_RANGE_TEST_FLAGS));
    return 0;
  }
  const config = pytorchConfigFromArgs(args, io.cwd);
  const json = args.flags.json;
  const jsonPath = json && json !== '-' ? resolve(io.cwd, json) : undefined;
  if (jsonPath) checkOutputPaths([{ flag: 'json', path: jsonPath }], rangeTestInputs(config, companionLabelFiles(config.dataset)));
  // Ctrl-C cancels (below); a terminal closed (SIGHUP) or a `kill` (SIGTERM) must not leave Python training.
  killPythonRunsOnSignals();
  const total = config.iterations;
  let drawn = false;
  const handle = startPyTorchRangeTest({
    file: config.dataset,
    python: args.flags.python,
    config,
    cwd: io.cwd,
    onOutput: (line) => io.stderr(`${drawn ? '\n' : ''}${line}\n`),
    onEvent: (event) => {
      if (!io.stderrIsTTY || event.type !== 'progress') return;
      const p = event.point;
      io.stderr(`\rstep ${p.step + 1}/${total}  lr ${p.lr.toExponential(2)}  loss ${p.loss.toPrecision(4)}   `);
      drawn = true;
    },
  });
  // Ctrl-C ends the Python process too instead of leaving it to train on.
  const onSignal = () => handle.cancel();
  process.once('SIGINT', onSignal);
  let result: RangeTestResult;
  try {
    result = await handle.result;
  } catch (error) {
    if (drawn) io.stderr('\n');
    if (isRangeTestCancelled(error)) {
      io.stderr('range test cancelled before it had a curve to show\n');
      return EXIT_CANCELLED;
    }
    if (error instanceof PyTorchUserError && error.traceback) io.stderr(`${error.traceback}\n`);
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
  if (drawn) io.stderr('\n');
  const text = JSON.stringify(result, null, 2) + '\n';
  if (json === '-') io.stdout(text);
  else {
    if (jsonPath) writeFileAtomic(jsonPath, text);
    io.stdout(summary(result));
  }
  return 0;
}
