// The caller's side of the range-test worker: forks dist/worker.js, speaks the protocol over Node IPC,
// and turns every way the child can end into a settled promise. Must not import TensorFlow.js: the
// extension host loads this file.
import { ChildProcess, fork } from 'node:child_process';
import { constants as osConstants, setPriority } from 'node:os';
import { UserError } from '../core/errors';
import { RangeTestConfig, RangeTestResult } from '../core/types';
import { cancelMessage, ErrorEvent, fromWorker, SPARE_WORKER_ARG, startMessage, WORKER_PROTOCOL_VERSION, WorkerEvent } from '../core/wire/workerChannel';

/** How long a cancelled worker gets to send its partial result before it is killed. */
export const CANCEL_GRACE_MS = 700;

/** Rejection of `result` when a cancelled worker had to be killed before it answered. */
export class RangeTestCancelledError extends Error {
  constructor() {
    super('range test cancelled');
    this.name = 'RangeTestCancelledError';
  }
}

export function isRangeTestCancelled(error: unknown): error is RangeTestCancelledError {
  return error instanceof RangeTestCancelledError;
}

export interface WorkerProcessOptions {
  /** Absolute path of the worker bundle (dist/worker.js). */
  workerPath: string;
  /** Node flags for the child (e.g. ['--cpu-prof']); by default none are inherited from this process. */
  execArgv?: string[];
  /** Extra environment for the child. */
  env?: NodeJS.ProcessEnv;
  /**
   * Run the worker below normal priority (the editor's UI uses it): its training threads, created later,
   * inherit it, so a multi-run test on a small machine cannot starve the extension host and the window.
   */
  belowNormalPriority?: boolean;
  /** Forked ahead of its run (SpareWorker): it starts its seed threads while it waits. */
  spare?: boolean;
}

export interface StartOptions extends WorkerProcessOptions {
  /** Every event the worker sends, in order (progress points, logs, …), before `result` settles. */
  onEvent?: (event: WorkerEvent) => void;
  /**
   * A worker forked earlier with these options (SpareWorker.take()) that has not been sent anything yet;
   * by default a new one is forked.
   */
  process?: ChildProcess;
}

/**
 * The worker's environment: the parent's, less what only costs it time. The worker opens no connection, and
 * Node 20 reads and parses every certificate of NODE_EXTRA_CA_CERTS as it starts (a system bundle: ~50 ms of
 * CPU before the worker's first line; proxies and corporate setups set it). Node 24 reads it when a
 * connection first needs it.
 */
function workerEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** Forks dist/worker.js, idle until it is sent a message. Throws when the process cannot be created. */
export function forkWorker(options: WorkerProcessOptions): ChildProcess {
  const child = fork(options.workerPath, options.spare ? [SPARE_WORKER_ARG] : [], {
    execArgv: options.execArgv ?? [],
    env: { ...workerEnvironment(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
  });
  if (options.belowNormalPriority) lowerPriority(child, osConstants.priority.PRIORITY_BELOW_NORMAL);
  return child;
}

/** Lowers a child's CPU priority where the system permits it (some containers do not: it keeps its own). */
export function lowerPriority(child: ChildProcess, priority: number): void {
  if (child.pid === undefined) return;
  try {
    setPriority(child.pid, priority);
  } catch {
    // Not permitted: the child runs at the priority it was given.
  }
}

/**
 * One worker process forked ahead of the next run. Starting Node and loading the worker's bundle is most of
 * what a run waits for before its first step (bench/firstSuggestion/phases.ts measures it with and without a
 * spare); the panel forks a spare while the user looks at it, so Run only sends the start message. An idle
 * spare costs one small Node process; it is ended after SPARE_IDLE_MS unused, and when the panel closes.
 */
export class SpareWorker {
  private spare: ChildProcess | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: WorkerProcessOptions,
    private readonly idleMs = SPARE_IDLE_MS,
  ) {}

  /** The process id of the spare waiting, if one is. */
  get waitingPid(): number | undefined {
    return this.spare?.pid;
  }

  /** Forks a spare unless one is waiting. */
  prepare(): void {
    if (this.spare && isIdle(this.spare)) return;
    this.discard();
    try {
      this.spare = forkWorker({ ...this.options, spare: true });
    } catch {
      return; // The run will fork its own, and report why that fails.
    }
    // An idle spare must not keep the editor's process alive, and goes after a while unused.
    this.spare.unref();
    this.spare.channel?.unref();
    this.idleTimer = setTimeout(() => this.discard(), this.idleMs);
    this.idleTimer.unref();
  }

  /** The waiting spare, which the caller now owns, or undefined when there is none alive. */
  take(): ChildProcess | undefined {
    const child = this.spare;
    this.spare = undefined;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (!child || !isIdle(child)) {
      child?.kill('SIGKILL');
      return undefined;
    }
    child.ref();
    child.channel?.ref();
    return child;
  }

  /** Ends the spare, if any. */
  discard(): void {
    this.take()?.kill('SIGKILL');
  }
}

/** An unused spare is discarded after this long (it would be reforked at the next panel 'ready'). */
export const SPARE_IDLE_MS = 10 * 60_000;

function isIdle(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && child.connected;
}

export interface RangeTestHandle {
  /**
   * The result. Resolves with stopReason 'cancelled' and the partial curve when cancel() was called and the
   * worker answered within CANCEL_GRACE_MS; rejects with RangeTestCancelledError when it had to be killed,
   * with a UserError for a problem with the input, and with an Error when the worker failed or died.
   */
  result: Promise<RangeTestResult>;
  /** Stops the worker: it ends within CANCEL_GRACE_MS (then it is killed). Safe to call more than once. */
  cancel(): void;
  pid?: number;
}

export function startRangeTest(config: RangeTestConfig, options: StartOptions): RangeTestHandle {
  let child: ChildProcess;
  try {
    child = options.process ?? forkWorker(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { result: Promise.reject(new Error(`could not start the range-test worker: ${message}`)), cancel: () => undefined };
  }

  // The last lines the child wrote, to explain a crash.
  let output = '';
  const keepOutput = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keepOutput);
  child.stderr?.on('data', keepOutput);

  let settled = false;
  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;

  const result = new Promise<RangeTestResult>((resolve, reject) => {
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      outcome();
      // Whatever the outcome, the child must not outlive its purpose.
      if (child.exitCode === null && child.signalCode === null) {
        killTimer = setTimeout(() => child.kill('SIGKILL'), CANCEL_GRACE_MS);
        killTimer.unref();
        child.once('exit', () => clearTimeout(killTimer));
      }
    };

    child.on('message', (raw: unknown) => {
      if (settled) return;
      const parsed = fromWorker.parse(raw);
      if (!parsed.ok) {
        finish(() => reject(new Error(`range-test worker sent an invalid message (${parsed.problem})`)));
        return;
      }
      const message = parsed.value;
      if (message.type === 'progressBatch') {
        for (const { run, point } of message.progress) {
          try {
            options.onEvent?.({ v: WORKER_PROTOCOL_VERSION, type: 'progress', run, point });
          } catch {
            // As below: a listener's bug must not stop the supervision.
          }
        }
        return;
      }
      if (message.type === 'inspected') {
        finish(() => reject(new Error("range-test worker sent an invalid message (an 'inspected' answer to a range test)")));
        return;
      }
      try {
        options.onEvent?.({ ...message, v: WORKER_PROTOCOL_VERSION });
      } catch {
        // A listener's bug must not leave the worker running unsupervised.
      }
      if (message.type === 'result') finish(() => resolve(message.result));
      else if (message.type === 'error') finish(() => reject(errorFromEvent(message)));
    });

    child.on('error', (error) => {
      finish(() => reject(new Error(`range-test worker failed: ${error.message}`)));
    });

    child.on('exit', (code, signal) => {
      if (cancelled) {
        finish(() => reject(new RangeTestCancelledError()));
        return;
      }
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      const tail = output.trim().split('\n').slice(-5).join('\n');
      finish(() => reject(new Error(`the range-test worker ${how} before finishing${tail ? `:\n${tail}` : ''}`)));
    });
  });

  child.send(startMessage(config));

  const cancel = () => {
    if (settled || cancelled) return;
    cancelled = true;
    if (child.connected) child.send(cancelMessage(), () => undefined);
    killTimer = setTimeout(() => {
      child.kill('SIGKILL');
    }, CANCEL_GRACE_MS);
  };

  return { result, cancel, pid: child.pid };
}

function errorFromEvent(event: ErrorEvent): Error {
  if (!event.userError) return new Error(`range-test worker error: ${event.message}`);
  return new UserError(event.message, { hint: event.hint, file: event.file, line: event.line, column: event.column });
}
