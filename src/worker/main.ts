// Entry point of the range-test worker process (dist/worker.js). The parent (src/worker/client.ts) sends one
// 'start' message over Node IPC; this process answers with 'started', 'progress' … and one 'result' or
// 'error', then exits. A 'cancel' message ends the test at the next step with a partial result. Or the
// parent (src/worker/inspection.ts) sends one 'inspect' request, answered by 'inspected' before it exits.
import { isMainThread } from 'node:worker_threads';
import { isUserError } from '../core/errors';
import { rangeTestConfigProblem } from '../core/configProblem';
import type { ConfigProblem } from '../core/configProblem';
import type { InspectRequest, InspectResponse } from '../core/wire/datasetInspection';
import type { RangeTestConfig } from '../core/wire/rangeTestConfig';
import { ProgressBatchMessage, SPARE_WORKER_ARG, toWorker, WORKER_PROTOCOL_VERSION, WorkerEvent } from '../core/wire/workerChannel';
import { inspectDataset } from '../data/index';
import { parkThreads } from '../engine/parallelRuns';
import { runRangeTest } from '../engine/runRangeTest';
import { warmUpSuggestionOnce } from '../engine/suggestionWarmUp';
import { CRASH_ENV } from './testHooks';


/** Progress is sent in batches at most this often (see ProgressBatchMessage). */
const BATCH_MS = 25;
let batch: ProgressBatchMessage['progress'] = [];
let batchStartedAt = 0;
let batchTimer: NodeJS.Timeout | undefined;

function post(message: WorkerEvent | ProgressBatchMessage | InspectResponse): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

function flushProgress(): Promise<void> {
  if (batchTimer) clearTimeout(batchTimer);
  batchTimer = undefined;
  if (!batch.length) return Promise.resolve();
  const progress = batch;
  batch = [];
  return post({ v: WORKER_PROTOCOL_VERSION, type: 'progressBatch', progress });
}

/** Sends an event; progress waits (at most BATCH_MS) to travel with its neighbours, anything else flushes it first. */
function send(event: WorkerEvent): Promise<void> {
  if (event.type === 'progress') {
    if (!batch.length) batchStartedAt = Date.now();
    batch.push({ run: event.run, point: event.point });
    if (Date.now() - batchStartedAt >= BATCH_MS) return flushProgress();
    batchTimer ??= setTimeout(() => void flushProgress(), BATCH_MS);
    return Promise.resolve();
  }
  void flushProgress();
  return post(event);
}

async function finish(event: WorkerEvent | InspectResponse): Promise<void> {
  await (event.type === 'inspected' ? post(event) : send(event));
  process.disconnect?.();
  process.exit(0);
}

function workerMain(): void {
  if (!process.send) {
    process.stderr.write('dist/worker.js is the range-test worker: it is started by the extension or the CLI, not by hand\n');
    process.exit(2);
  }
  let cancelled = false;
  let running = false;
  const crashAfterFirstPoint = process.env[CRASH_ENV] === '1';

  process.on('disconnect', () => {
    // The parent is gone: nobody can receive the result.
    process.exit(0);
  });

  process.on('message', (raw: unknown) => {
    const parsed = toWorker.parse(raw);
    if (!parsed.ok) {
      // A setting out of range is the user's to fix, as the engine would have said; anything else is a bug.
      const problem = startConfigProblem(raw);
      void finish(
        problem !== null
          ? { v: WORKER_PROTOCOL_VERSION, type: 'error', userError: true, message: `--${problem.flag}: ${problem.message}`, hint: problem.hint }
          : { v: WORKER_PROTOCOL_VERSION, type: 'error', userError: false, message: `invalid message from the parent (${parsed.problem})` },
      );
      return;
    }
    const message = parsed.value;
    if (message.type === 'inspect') {
      void inspect(message).then(finish);
      return;
    }
    if (message.type === 'cancel') {
      cancelled = true;
      return;
    }
    if (running) return;
    running = true;
    runRangeTest(message.config, {
      isCancelled: () => cancelled,
      onEvent: (event) => {
        void send(event);
        if (crashAfterFirstPoint && event.type === 'progress') {
          void flushProgress();
          process.kill(process.pid, 'SIGKILL');
        }
      },
    }).then(
      (result) => finish({ v: WORKER_PROTOCOL_VERSION, type: 'result', result }),
      (error: unknown) => {
        if (isUserError(error)) {
          return finish({ v: WORKER_PROTOCOL_VERSION, type: 'error', userError: true, message: error.message, hint: error.hint, ...error.location });
        }
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        return finish({ v: WORKER_PROTOCOL_VERSION, type: 'error', userError: false, message: text });
      },
    );
  });
}

/** The answer to an 'inspect' request: the summary, or the one line the CLI would print after `error:`. */
async function inspect(request: InspectRequest): Promise<InspectResponse> {
  const answer = { v: WORKER_PROTOCOL_VERSION, type: 'inspected', requestId: request.requestId } as const;
  try {
    return { ...answer, summary: await inspectDataset(request.path, { target: request.target }) };
  } catch (error) {
    const message = isUserError(error) ? error.format() : `dataset inspection failed: ${error instanceof Error ? error.message : String(error)}`;
    return { ...answer, summary: null, error: message };
  }
}

/** When a start message was refused for a setting out of range (the user's mistake, not a bug), which one. */
function startConfigProblem(raw: unknown): ConfigProblem | null {
  try {
    const config = (raw as { type?: unknown; config?: unknown }).config;
    if ((raw as { v?: unknown }).v !== WORKER_PROTOCOL_VERSION || (raw as { type?: unknown }).type !== 'start' || typeof config !== 'object' || config === null) return null;
    return rangeTestConfigProblem(config as RangeTestConfig);
  } catch {
    return null; // not even shaped like a configuration
  }
}

// Worker threads of a multi-run test load this same bundle; only the process's main thread is the worker.
if (require.main === module && isMainThread) {
  workerMain();
  // A spare waits for a run while the user reads the panel: its seed threads start, and its suggestion code
  // is compiled, meanwhile.
  if (process.argv.includes(SPARE_WORKER_ARG)) {
    parkThreads();
    setImmediate(warmUpSuggestionOnce);
  }
}
