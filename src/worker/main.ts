// Entry point of the range-test worker process (dist/worker.js). The parent (src/worker/client.ts) sends one
// 'start' message over Node IPC; this process answers with 'started', 'progress' … and one 'result' or
// 'error', then exits. A 'cancel' message ends the test at the next step with a partial result.
import { isMainThread } from 'node:worker_threads';
import { isUserError } from '../core/errors';
import { describeInvalidMessage, isParentMessage, startConfigProblem, WORKER_PROTOCOL_VERSION, WorkerEvent } from '../core/workerProtocol';
import { runRangeTest } from '../engine/runRangeTest';
import { CRASH_ENV } from './testHooks';


function send(event: WorkerEvent): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(event, undefined, {}, () => resolve());
  });
}

async function finish(event: WorkerEvent): Promise<void> {
  await send(event);
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

  process.on('message', (message: unknown) => {
    if (!isParentMessage(message)) {
      // A setting out of range is the user's to fix, as the engine would have said; anything else is a bug.
      const problem = startConfigProblem(message);
      void finish(
        problem !== null
          ? { v: WORKER_PROTOCOL_VERSION, type: 'error', userError: true, message: `--${problem.flag}: ${problem.message}`, hint: problem.hint }
          : { v: WORKER_PROTOCOL_VERSION, type: 'error', userError: false, message: `invalid message from the parent (${describeInvalidMessage(message)})` },
      );
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
        if (crashAfterFirstPoint && event.type === 'progress') process.kill(process.pid, 'SIGKILL');
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

// Worker threads of a multi-run test load this same bundle; only the process's main thread is the worker.
if (require.main === module && isMainThread) workerMain();
