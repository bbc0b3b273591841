// Runs the seeds of a multi-run range test in worker threads, one per core. TF.js's threaded WASM does not
// start under Node, so threads of our own are how a range test uses more than one core. The data is
// shared, not copied: each thread sees the same SharedArrayBuffer-backed rows.
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { UserError } from '../core/errors';
import { CurvePoint, DatasetSummary, RangeTestConfig } from '../core/types';
import { WORKER_PROTOCOL_VERSION } from '../core/wire/workerChannel';
import { Dataset, InMemoryDataset } from '../data/dataset';
import { isWholeSharedArray, sharedFloat32Array } from '../data/sharedFloat32';
import { prepareTrainer } from './prepareTrainer';
import type { RangeTestOptions } from './rangeTest';
import { RunCurve, runConfig, runSeed, runSweep } from './sweep';

/** Marks workerData as ours, so that importing this module in some other thread does nothing. */
const THREAD_MARK = 'cyclical-lr-range-test-run';

interface SharedRows {
  summary: DatasetSummary;
  x: Float32Array;
  y: Float32Array;
}

interface ThreadInput {
  mark: typeof THREAD_MARK;
  config: RangeTestConfig;
  summary: DatasetSummary;
  train: SharedRows;
  validation?: SharedRows;
  lrs: number[];
  runs: number[];
}

type ThreadMessage =
  | { type: 'ready'; backend: string }
  | { type: 'point'; run: number; point: CurvePoint }
  | { type: 'curve'; run: number; curve: RunCurve }
  | { type: 'error'; userError: boolean; message: string; hint?: string; file?: string; line?: number; column?: number };

/** The readers allocate rows on shared memory (src/data/sharedFloat32.ts); anything else is copied once. */
function shared(array: Float32Array): Float32Array {
  if (isWholeSharedArray(array)) return array;
  const copy = sharedFloat32Array(array.length);
  copy.set(array);
  return copy;
}

function share(dataset: Dataset): SharedRows {
  return { summary: dataset.summary, x: shared(dataset.x), y: shared(dataset.y) };
}

export async function runInThreads(
  config: RangeTestConfig,
  summary: DatasetSummary,
  train: Dataset,
  validation: Dataset | undefined,
  lrs: number[],
  options: RangeTestOptions,
): Promise<{ backend: string; curves: RunCurve[] }> {
  const threadCount = Math.max(1, Math.min(config.runs, availableParallelism()));
  const assignment: number[][] = Array.from({ length: threadCount }, () => []);
  for (let run = 0; run < config.runs; run++) assignment[run % threadCount].push(run);
  const sharedTrain = share(train);
  const sharedValidation = validation ? share(validation) : undefined;
  const curves: RunCurve[] = new Array(config.runs);
  let backend = '';
  let started = false;
  const workers: Worker[] = [];
  let cancelPoll: NodeJS.Timeout | undefined;

  try {
    await new Promise<void>((resolve, reject) => {
      let remaining = threadCount;
      let failed = false;
      const fail = (error: Error) => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      for (const runs of assignment) {
        const input: ThreadInput = { mark: THREAD_MARK, config, summary, train: sharedTrain, validation: sharedValidation, lrs, runs };
        const worker = new Worker(__filename, { workerData: input, argv: [], execArgv: [] });
        workers.push(worker);
        worker.on('message', (message: ThreadMessage) => {
          switch (message.type) {
            case 'ready':
              backend = message.backend;
              if (!started) {
                started = true;
                options.onEvent?.({ v: WORKER_PROTOCOL_VERSION, type: 'started', backend, dataset: summary, lrs, runs: config.runs });
              }
              break;
            case 'point':
              options.onEvent?.({ v: WORKER_PROTOCOL_VERSION, type: 'progress', run: message.run, point: message.point });
              break;
            case 'curve':
              curves[message.run] = message.curve;
              break;
            case 'error':
              fail(message.userError ? new UserError(message.message, { hint: message.hint, file: message.file, line: message.line, column: message.column }) : new Error(message.message));
              break;
          }
        });
        worker.on('error', (error) => fail(error));
        worker.on('exit', (code) => {
          if (code !== 0) fail(new Error(`a range-test thread exited with code ${code}`));
          if (--remaining === 0 && !failed) resolve();
        });
      }
      if (options.isCancelled) {
        cancelPoll = setInterval(() => {
          if (options.isCancelled?.()) for (const w of workers) w.postMessage('cancel');
        }, 20);
      }
    });
  } finally {
    if (cancelPoll) clearInterval(cancelPoll);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  // Runs a cancelled thread never started count as cancelled and empty.
  for (let run = 0; run < config.runs; run++) {
    curves[run] ??= { lrs: [], losses: [], smoothed: [], valLosses: [], stopReason: 'cancelled', trainSeconds: 0 };
  }
  return { backend, curves };
}

async function threadMain(input: ThreadInput): Promise<void> {
  const port = parentPort;
  if (!port) return;
  let cancelled = false;
  port.on('message', (message) => {
    if (message === 'cancel') cancelled = true;
  });
  const post = (message: ThreadMessage) => port.postMessage(message);
  try {
    const rows = (r: SharedRows) => new InMemoryDataset(r.summary, r.x, r.y);
    const train = rows(input.train);
    const validation = input.validation ? rows(input.validation) : undefined;
    for (const run of input.runs) {
      if (cancelled) break;
      const trainer = await prepareTrainer(runConfig(input.config, run), input.summary);
      post({ type: 'ready', backend: trainer.backend });
      const curve = await runSweep(trainer, train, validation, {
        lrs: input.lrs,
        batchSize: input.config.batchSize,
        seed: runSeed(input.config.seed, run),
        smoothing: input.config.smoothing,
        diverge: input.config.diverge,
        valEvery: input.config.valEvery,
        onPoint: (point) => post({ type: 'point', run, point }),
        isCancelled: () => cancelled,
      });
      trainer.dispose();
      post({ type: 'curve', run, curve });
    }
  } catch (error) {
    if (error instanceof UserError) {
      post({ type: 'error', userError: true, message: error.message, hint: error.hint, ...error.location });
    } else {
      post({ type: 'error', userError: false, message: error instanceof Error ? error.message : String(error) });
    }
  } finally {
    port.close();
  }
}

if (!isMainThread && (workerData as ThreadInput | undefined)?.mark === THREAD_MARK) {
  void threadMain(workerData as ThreadInput);
}
