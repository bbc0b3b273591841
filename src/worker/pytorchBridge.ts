// The Python bridge: runs python/clr_torch_runner.py on the user's own PyTorch model and turns its JSON
// lines into the same events and result as the built-in engine's worker, so that the panel and the CLI
// treat both alike. Loads no TensorFlow.js and never blocks: the extension host imports this file.
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors';
import { rangeTestLrs } from '../core/schedules';
import { MIN_POINTS, suggest } from '../core/suggest';
import { CurvePoint, DatasetSummary, PyTorchSettings, RangeTestConfig, RangeTestResult, StopReason } from '../core/types';
import { JsonLineDecoder, WORKER_PROTOCOL_VERSION, WorkerEvent } from '../core/workerProtocol';
import { RangeTestCancelledError, RangeTestHandle } from './client';
import { findTorchPythonAsync } from './pythonInterpreter';

export const RUNNER_FILE_NAME = 'clr_torch_runner.py';

/** After SIGTERM, the runner gets this long before SIGKILL (the caller is promised an end within 1 s). */
export const TERMINATE_GRACE_MS = 400;

export const DEFAULT_PYTORCH_SETTINGS: PyTorchSettings = { device: 'auto', accumulate: 1, amp: false };

export interface StartPyTorchOptions {
  /** The user's Python file (absolute, or relative to cwd). */
  file: string;
  /** Interpreter chosen by the user (setting, flag, Python extension); else the first candidate with torch. */
  python?: string;
  /** The sweep (startLr, endLr, iterations, stepMode, smoothing, diverge, valEvery, optimizer, momentum, weightDecay, pytorch). */
  config: RangeTestConfig;
  /** Every event, in order, before `result` settles: the same events as the TF.js worker's. */
  onEvent?: (event: WorkerEvent) => void;
  /** Lines the user's code wrote (its prints, warnings), as they come. */
  onOutput?: (line: string) => void;
  /** Working directory of the user's code (the workspace folder; the CLI's cwd). Default: the file's folder. */
  cwd?: string;
  /** The runner script; found beside the bundle by default. */
  runnerPath?: string;
  env?: NodeJS.ProcessEnv;
}

/** A problem in the user's code or setup, with their traceback (trimmed to their frames) when there is one. */
export class PyTorchUserError extends UserError {
  constructor(
    message: string,
    readonly kind: string,
    options: { hint?: string; file?: string; line?: number; traceback?: string },
  ) {
    super(message, { hint: options.hint, file: options.file, line: options.line });
    this.traceback = options.traceback;
  }

  readonly traceback?: string;
}

/** The runner script: python/ beside the bundle (dist/..), or beside the compiled sources (out/src/worker/../../..). */
export function findRunnerScript(from: string = __dirname): string {
  let dir = resolve(from);
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'python', RUNNER_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`the PyTorch runner (python/${RUNNER_FILE_NAME}) is missing from the installation`);
}

// ---- the runner's lines ------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface RunnerState {
  python?: string;
  torch?: string;
  device?: string;
  dataset?: DatasetSummary;
  /** train_loader.batch_size, when it has one. */
  batchSize?: number;
  points: CurvePoint[];
  /** Date.now() when the sweep started (for the rate of a cancelled run). */
  startedAt?: number;
}

function toPoint(v: unknown): CurvePoint | undefined {
  if (!isObject(v) || typeof v.step !== 'number' || typeof v.lr !== 'number' || typeof v.loss !== 'number' || typeof v.smoothed !== 'number') {
    return undefined;
  }
  const point: CurvePoint = { step: v.step, lr: v.lr, loss: v.loss, smoothed: v.smoothed };
  if (typeof v.valLoss === 'number') point.valLoss = v.valLoss;
  return point;
}

const USER_ERROR_KINDS = new Set(['torch-missing', 'missing-name', 'bad-object', 'bad-config', 'user-code', 'cuda-oom', 'non-finite-start']);

function errorFromRunner(line: Obj): Error {
  const message = typeof line.message === 'string' ? line.message : 'unknown error';
  const kind = typeof line.kind === 'string' ? line.kind : 'internal';
  if (!USER_ERROR_KINDS.has(kind)) {
    const trace = typeof line.traceback === 'string' ? `\n${line.traceback}` : '';
    return new Error(`the PyTorch runner failed: ${message}${trace}`);
  }
  return new PyTorchUserError(message, kind, {
    hint: typeof line.hint === 'string' ? line.hint : undefined,
    file: typeof line.file === 'string' ? line.file : undefined,
    line: typeof line.line === 'number' ? line.line : undefined,
    traceback: typeof line.traceback === 'string' ? line.traceback : undefined,
  });
}

/** The RangeTestResult of a PyTorch run, shaped like the engine's so that the panel and the CLI need not care. */
export function pytorchResult(
  config: RangeTestConfig,
  state: RunnerState,
  stopReason: StopReason,
  stepsPerSecond: number,
  cpuSeconds?: number,
): RangeTestResult {
  const points = state.points;
  if (points.length < MIN_POINTS && (stopReason === 'diverged' || stopReason === 'non-finite')) {
    throw new UserError(`the loss diverged after ${points.length} steps, too few to suggest bounds (at least ${MIN_POINTS} are needed)`, {
      file: config.dataset,
      hint: 'lower start_lr (--start-lr, cyclicalLr.startLr), or check the model and the loss',
    });
  }
  const lrs = points.map((p) => p.lr);
  const losses = points.map((p) => p.loss);
  const smoothed = points.map((p) => p.smoothed);
  const valLosses = points.filter((p) => p.valLoss !== undefined).map((p): [number, number] => [p.step, p.valLoss as number]);
  const dataset = state.dataset ?? emptyDataset(config.dataset);
  const batchSize = state.batchSize || config.batchSize;
  const result: RangeTestResult = {
    backend: 'pytorch',
    config: { ...config, model: config.dataset, hidden: [], runs: 1, batchSize },
    dataset,
    lrs,
    losses,
    smoothed,
    stopReason,
    stoppedAt: points.length - 1,
    stepsPerSecond,
    suggestion: suggest(lrs, losses, { beta: config.smoothing, diverged: stopReason === 'diverged' || stopReason === 'non-finite' }),
  };
  if (valLosses.length > 0) result.valLosses = valLosses;
  if (state.python && state.torch) {
    result.pytorchRuntime = { python: state.python, torch: state.torch, device: state.device ?? 'unknown' };
    if (cpuSeconds !== undefined) result.pytorchRuntime.cpuSeconds = cpuSeconds;
  }
  return result;
}

function emptyDataset(path: string): DatasetSummary {
  return { path, format: 'pytorch', rows: 0, features: 0, featureNames: [], inputShape: [], target: 'targets', task: 'classification', classes: [], warnings: [] };
}

// ---- running it --------------------------------------------------------------------------------------

/** What the runner reads: the sweep's learning rates come from the same function as the engine's. */
export function runnerConfig(file: string, config: RangeTestConfig): Obj {
  const settings = { ...DEFAULT_PYTORCH_SETTINGS, ...config.pytorch };
  return {
    file,
    lrs: rangeTestLrs(config.startLr, config.endLr, config.iterations, config.stepMode),
    smoothing: config.smoothing,
    diverge: config.diverge,
    valEvery: config.valEvery,
    optimizer: config.optimizer,
    momentum: config.momentum,
    weightDecay: config.weightDecay,
    device: settings.device,
    accumulate: settings.accumulate,
    amp: settings.amp,
  };
}

/**
 * Starts a range test on the user's PyTorch model. Same handle as the TF.js worker's `startRangeTest`:
 * `result` resolves with the result (stopReason 'cancelled' and the partial curve after cancel() when there
 * is one), rejects with a UserError (PyTorchUserError for the user's code) for anything the user can fix,
 * with RangeTestCancelledError when cancelled before the first point, and with an Error for a crash.
 */
export function startPyTorchRangeTest(options: StartPyTorchOptions): RangeTestHandle {
  const file = resolve(options.cwd ?? process.cwd(), options.file);
  const config: RangeTestConfig = { ...options.config, dataset: file, pytorch: { ...DEFAULT_PYTORCH_SETTINGS, ...options.config.pytorch } };
  const state: RunnerState = { points: [] };
  let child: ChildProcess | undefined;
  let cancelled = false;
  let settled = false;
  let lrs: number[] = [];

  const emit = (event: WorkerEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A listener's bug must not leave the runner unsupervised.
    }
  };

  let settle: (outcome: { result: RangeTestResult } | { error: Error }) => void = () => undefined;
  const result = new Promise<RangeTestResult>((resolvePromise, rejectPromise) => {
    settle = (outcome) => {
      if (settled) return;
      settled = true;
      if ('result' in outcome) {
        emit({ v: WORKER_PROTOCOL_VERSION, type: 'result', result: outcome.result });
        resolvePromise(outcome.result);
      } else {
        const e = outcome.error;
        if (!(e instanceof RangeTestCancelledError)) {
          const where = e instanceof UserError ? e.location : {};
          emit({ v: WORKER_PROTOCOL_VERSION, type: 'error', userError: e instanceof UserError, message: e.message, hint: e instanceof UserError ? e.hint : undefined, ...where });
        }
        rejectPromise(e);
      }
    };
  });

  const cancelledOutcome = (): { result: RangeTestResult } | { error: Error } => {
    if (state.points.length === 0) return { error: new RangeTestCancelledError() };
    try {
      const seconds = state.startedAt === undefined ? 0 : (Date.now() - state.startedAt) / 1000;
      return { result: pytorchResult(config, state, 'cancelled', seconds > 0 ? state.points.length / seconds : 0) };
    } catch {
      // Too few points for a suggestion: nothing worth showing.
      return { error: new RangeTestCancelledError() };
    }
  };

  const run = async () => {
    let python: string;
    let input: Obj;
    try {
      input = runnerConfig(file, config);
      lrs = input.lrs as number[];
      python = options.python ?? (await findTorchPythonAsync()).executable;
    } catch (error) {
      settle({ error: error instanceof Error ? error : new Error(String(error)) });
      return;
    }
    if (cancelled) {
      settle({ error: new RangeTestCancelledError() });
      return;
    }
    const runner = options.runnerPath ?? findRunnerScript();
    const spawned = spawn(python, ['-B', runner], {
      cwd: options.cwd ?? dirname(file),
      env: { ...process.env, ...options.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child = spawned;
    spawned.stdin.on('error', () => undefined);
    spawned.stdin.end(JSON.stringify(input) + '\n');

    let stderrTail = '';
    let stderrPartial = '';
    spawned.stderr.setEncoding('utf8');
    spawned.stderr.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-4000);
      const lines = (stderrPartial + chunk).split('\n');
      stderrPartial = lines.pop() ?? '';
      for (const line of lines) options.onOutput?.(line);
    });

    const decoder = new JsonLineDecoder();
    let runnerResult: Obj | undefined;
    let runnerError: Error | undefined;
    const handle = (line: unknown) => {
      if (!isObject(line)) {
        // Output from C extensions that bypass sys.stdout: pass it on as the user's output.
        if (typeof line === 'string') options.onOutput?.(line);
        return;
      }
      switch (line.type) {
        case 'hello':
          state.python = typeof line.python === 'string' ? line.python : python;
          state.torch = typeof line.torch === 'string' ? line.torch : undefined;
          break;
        case 'started':
          state.startedAt = Date.now();
          state.device = typeof line.device === 'string' ? line.device : undefined;
          if (isObject(line.dataset)) {
            const { batchSize, ...summary } = line.dataset;
            state.dataset = summary as unknown as DatasetSummary;
            state.batchSize = typeof batchSize === 'number' ? batchSize : undefined;
          }
          emit({ v: WORKER_PROTOCOL_VERSION, type: 'started', backend: 'pytorch', dataset: state.dataset ?? emptyDataset(file), lrs, runs: 1 });
          emit({ v: WORKER_PROTOCOL_VERSION, type: 'log', message: `PyTorch ${state.torch ?? '?'} on ${state.device ?? '?'} (${state.python ?? python})` });
          break;
        case 'progress':
          for (const raw of Array.isArray(line.points) ? line.points : []) {
            const point = toPoint(raw);
            if (!point) continue;
            state.points.push(point);
            emit({ v: WORKER_PROTOCOL_VERSION, type: 'progress', run: 0, point });
          }
          break;
        case 'result':
          runnerResult = line;
          break;
        case 'error':
          runnerError = errorFromRunner(line);
          break;
      }
    };
    spawned.stdout.setEncoding('utf8');
    spawned.stdout.on('data', (chunk: string) => decoder.push(chunk).forEach(handle));

    spawned.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'EACCES') {
        settle({
          error: new UserError(`Python not found: ${python}`, {
            hint: 'set cyclicalLr.pythonPath (or --python) to a working interpreter, or install Python 3',
          }),
        });
      } else {
        settle({ error: new Error(`could not start ${python}: ${error.message}`) });
      }
    });

    spawned.on('close', (code, signal) => {
      decoder.end().forEach(handle);
      if (stderrPartial) options.onOutput?.(stderrPartial);
      if (cancelled) {
        settle(cancelledOutcome());
      } else if (runnerError) {
        settle({ error: runnerError });
      } else if (runnerResult) {
        const reason = runnerResult.stopReason as StopReason;
        const sps = typeof runnerResult.stepsPerSecond === 'number' ? runnerResult.stepsPerSecond : 0;
        const cpu = typeof runnerResult.cpuSeconds === 'number' ? runnerResult.cpuSeconds : undefined;
        try {
          settle({ result: pytorchResult(config, state, reason, sps, cpu) });
        } catch (error) {
          settle({ error: error instanceof Error ? error : new Error(String(error)) });
        }
      } else {
        const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
        const tail = stderrTail.trim().split('\n').slice(-8).join('\n');
        settle({ error: new Error(`the PyTorch runner ${how} before finishing${tail ? `:\n${tail}` : ''}`) });
      }
    });
  };
  void run();

  const cancel = () => {
    if (settled || cancelled) return;
    cancelled = true;
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    running.kill('SIGTERM');
    const killTimer = setTimeout(() => running.kill('SIGKILL'), TERMINATE_GRACE_MS);
    killTimer.unref();
    running.once('exit', () => clearTimeout(killTimer));
  };

  return {
    result,
    cancel,
    get pid() {
      return child?.pid;
    },
  };
}
