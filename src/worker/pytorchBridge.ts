// The Python bridge: runs python/clr_torch_runner.py (python/cyclical_lr/bridge.py) on the user's own
// PyTorch model and turns its JSON lines into the same events and result as the built-in engine's worker,
// so that the panel and the CLI treat both alike. Loads no TensorFlow.js and never blocks: the extension
// host imports this file.
//
// The runner is kept on a short leash: it runs in a process group of its own (its DataLoader workers with
// it), which is killed when the run is cancelled, when this process exits, and (through
// killPythonRunsOnSignals) on SIGTERM/SIGHUP; its stdin stays open for the whole run, and the runner ends
// its group when it sees that pipe close (this process died, however). The protocol comes on a private
// pipe (fd 3), so nothing the user's code prints can corrupt it, and no line of either may grow unbounded.
import { ChildProcess, spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors';
import { rangeTestLrs } from '../core/schedules';
import { MIN_POINTS, suggest } from '../core/suggest';
import { CurvePoint, DatasetSummary, PyTorchSettings, RangeTestConfig, RangeTestResult, StopReason } from '../core/types';
import { fromPythonRunner, type RunnerEvent } from '../core/wire/pythonRunnerChannel';
import { WORKER_PROTOCOL_VERSION, WorkerEvent } from '../core/wire/workerChannel';
import { RangeTestCancelledError, RangeTestHandle } from './client';
import { LineSplitter } from './lineSplitter';
import { findTorchPythonAsync } from './pythonInterpreter';

export const RUNNER_FILE_NAME = 'clr_torch_runner.py';

/** After SIGTERM, the runner gets this long before SIGKILL (the caller is promised an end within 1 s). */
export const TERMINATE_GRACE_MS = 400;

/** The file descriptor of the protocol pipe in the runner (0-2 are stdin, stdout, stderr). */
export const PROTOCOL_FD = 3;

/** The longest protocol line accepted (a progress batch of 64 points is a few kB); longer ends the run. */
export const MAX_PROTOCOL_LINE = 1 << 20;

/** The user's output is passed on in lines of at most this many characters. */
export const MAX_OUTPUT_LINE = 64 * 1024;

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
  /** Protocol lines longer than this end the run with an error (default MAX_PROTOCOL_LINE). */
  maxProtocolLine?: number;
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

// ---- the runner's process group ---------------------------------------------------------------------

const liveRunners = new Set<ChildProcess>();

/** Signals the runner's whole process group (it is its leader); the runner alone where groups do not exist. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

function killLiveRunners(): void {
  for (const child of liveRunners) signalGroup(child, 'SIGKILL');
  liveRunners.clear();
}

let exitHookInstalled = false;

function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    // 'exit' handlers may only do synchronous work: process.kill is.
    process.once('exit', killLiveRunners);
    exitHookInstalled = true;
  }
  liveRunners.add(child);
  child.once('exit', () => liveRunners.delete(child));
}

/**
 * For a process that owns its signals (the CLI): SIGTERM and SIGHUP kill every running Python runner's
 * process group first, then end this process the way the signal would have.
 */
export function killPythonRunsOnSignals(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP']): void {
  for (const signal of signals) {
    const handler = () => {
      killLiveRunners();
      process.removeListener(signal, handler);
      process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

// ---- the runner's lines ------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

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

const USER_ERROR_KINDS = new Set(['torch-missing', 'missing-name', 'bad-object', 'bad-config', 'user-code', 'cuda-oom', 'non-finite-start']);

function errorFromRunner(event: Extract<RunnerEvent, { type: 'error' }>): Error {
  if (!USER_ERROR_KINDS.has(event.kind)) {
    const trace = event.traceback !== undefined ? `\n${event.traceback}` : '';
    return new Error(`the PyTorch runner failed: ${event.message}${trace}`);
  }
  return new PyTorchUserError(event.message, event.kind, { hint: event.hint, file: event.file, line: event.line, traceback: event.traceback });
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
      hint: 'lower start_lr (--start-lr, cyclicalLr.startLearningRate), or check the model and the loss',
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
    // The finders' trims depend on the requested iterations (fastai's num_it), also when the run stopped early.
    suggestion: suggest(lrs, losses, {
      beta: config.smoothing,
      diverged: stopReason === 'diverged' || stopReason === 'non-finite',
      finderSweep: { lrs, losses, iterations: Math.max(config.iterations, losses.length) },
    }),
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

/**
 * The runner ended without a result or an error line: the user's code (or a library it called) ended the
 * process, e.g. os._exit() in a loader, a crashed C extension, or the kernel's out-of-memory killer.
 */
function prematureExit(file: string, phase: 'loading' | 'first batch' | 'sweep', code: number | null, signal: NodeJS.Signals | null, stderrTail: string): UserError {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const when = phase === 'loading' ? 'while loading the file' : phase === 'first batch' ? 'while taking the first batch of train_loader' : 'during the range test';
  const last = stderrTail.trim().split('\n').slice(-1)[0];
  const hint =
    signal === 'SIGKILL'
      ? 'the out-of-memory killer ends processes this way: lower the batch size, or free memory'
      : "something in the file's code (or a library it calls) ended the process: os._exit(), exit() in a thread or a worker, or a crash" +
        (last ? `; its last output: ${last.slice(0, 300)}` : '');
  return new UserError(`the Python process ${how} ${when}, before the range test finished`, { file, hint });
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
      env: {
        ...process.env,
        ...options.env,
        PYTHONDONTWRITEBYTECODE: '1',
        PYTHONUNBUFFERED: '1',
        PYTHONIOENCODING: 'utf-8',
        CLR_PROTOCOL_FD: String(PROTOCOL_FD),
      },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      // A process group of its own: cancel and our exit reach its DataLoader workers too, and the
      // terminal's Ctrl-C reaches only us (the CLI then cancels it). (On Windows, detached means a console
      // window of its own instead: there the runner alone is signalled.)
      detached: process.platform !== 'win32',
    });
    child = spawned;
    track(spawned);
    spawned.stdin.on('error', () => undefined);
    // Kept open: the runner ends itself when this pipe closes (this process died).
    spawned.stdin.write(JSON.stringify(input) + '\n');

    let stderrTail = '';
    const output = new LineSplitter(MAX_OUTPUT_LINE, (line) => options.onOutput?.(line), (piece) => options.onOutput?.(piece));
    const errors = new LineSplitter(MAX_OUTPUT_LINE, (line) => options.onOutput?.(line), (piece) => options.onOutput?.(piece));
    spawned.stdout.setEncoding('utf8');
    spawned.stdout.on('data', (chunk: string) => output.push(chunk));
    spawned.stderr.setEncoding('utf8');
    spawned.stderr.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-4000);
      errors.push(chunk);
    });

    let phase: 'loading' | 'first batch' | 'sweep' = 'loading';
    let runnerResult: Extract<RunnerEvent, { type: 'result' }> | undefined;
    let runnerError: Error | undefined;
    const handle = (raw: unknown) => {
      const parsed = fromPythonRunner.parse(raw);
      if (!parsed.ok) {
        emit({ v: WORKER_PROTOCOL_VERSION, type: 'log', message: `dropped a message from the PyTorch runner: ${parsed.problem}` });
        return;
      }
      const line = parsed.value;
      switch (line.type) {
        case 'hello':
          phase = 'first batch';
          state.python = line.python;
          state.torch = line.torch;
          break;
        case 'started': {
          phase = 'sweep';
          state.startedAt = Date.now();
          state.device = line.device;
          const { batchSize, ...summary } = line.dataset;
          state.dataset = summary;
          state.batchSize = batchSize || undefined;
          emit({ v: WORKER_PROTOCOL_VERSION, type: 'started', backend: 'pytorch', dataset: state.dataset ?? emptyDataset(file), lrs, runs: 1 });
          emit({ v: WORKER_PROTOCOL_VERSION, type: 'log', message: `PyTorch ${state.torch ?? '?'} on ${state.device ?? '?'} (${state.python ?? python})` });
          break;
        }
        case 'progress':
          for (const point of line.points) {
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
    const maxLine = options.maxProtocolLine ?? MAX_PROTOCOL_LINE;
    let protocolBroken: Error | undefined;
    const protocol = new LineSplitter(
      maxLine,
      (line) => {
        if (protocolBroken || line.trim() === '') return;
        try {
          handle(JSON.parse(line));
        } catch {
          protocolBroken = new Error(`the PyTorch runner sent a line that is not JSON on its protocol pipe: ${line.slice(0, 200)}`);
          signalGroup(spawned, 'SIGKILL');
        }
      },
      () => {
        if (protocolBroken) return;
        protocolBroken = new Error(`the PyTorch runner sent a protocol line longer than ${maxLine} characters; the run was stopped`);
        signalGroup(spawned, 'SIGKILL');
      },
    );
    const protocolPipe = spawned.stdio[PROTOCOL_FD] as Readable;
    protocolPipe.setEncoding('utf8');
    protocolPipe.on('data', (chunk: string) => protocol.push(chunk));

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
      spawned.stdin.destroy();
      protocol.end();
      output.end();
      errors.end();
      if (cancelled) {
        settle(cancelledOutcome());
      } else if (protocolBroken) {
        settle({ error: protocolBroken });
      } else if (runnerError) {
        settle({ error: runnerError });
      } else if (runnerResult) {
        try {
          settle({ result: pytorchResult(config, state, runnerResult.stopReason, runnerResult.stepsPerSecond, runnerResult.cpuSeconds) });
        } catch (error) {
          settle({ error: error instanceof Error ? error : new Error(String(error)) });
        }
      } else {
        settle({ error: prematureExit(file, phase, code, signal, stderrTail) });
      }
    });
  };
  void run();

  const cancel = () => {
    if (settled || cancelled) return;
    cancelled = true;
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    signalGroup(running, 'SIGTERM');
    const killTimer = setTimeout(() => signalGroup(running, 'SIGKILL'), TERMINATE_GRACE_MS);
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
