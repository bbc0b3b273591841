// Runs the seeds of a multi-run range test in worker threads, one per core. TF.js's threaded WASM does not
// start under Node, so threads of our own are how a range test uses more than one core. The data is
// shared, not copied: each thread sees the same SharedArrayBuffer-backed rows.
import { availableParallelism } from 'node:os';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { UserError } from '../core/errors';
import { DatasetSummary, RangeTestConfig } from '../core/types';
import { WORKER_PROTOCOL_VERSION } from '../core/wire/workerChannel';
import { Dataset } from '../data/dataset';
import { isWholeSharedArray, sharedFloat32Array } from '../data/sharedFloat32';
import type { FusedTrainerSpec } from './fusedTrainer';
import { planTrainer, prepareTrainer } from './prepareTrainer';
import type { RangeTestOptions } from './rangeTest';
import { kernelModule } from './simdKernels';
import { warmUpSuggestionOnce } from './suggestionWarmUp';
import { ParkedThread, SharedRows, THREAD_MARK, ThreadInput, ThreadMessage, threadMain, threadProgram } from './rangeTestThread';
import { RunCurve, runConfig } from './sweep';

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

/** Every run's fused trainer, or undefined when the model or backend needs TF.js in the threads. */
async function planFusedTrainers(config: RangeTestConfig, summary: DatasetSummary): Promise<FusedTrainerSpec[] | undefined> {
  const specs: FusedTrainerSpec[] = [];
  for (let run = 0; run < config.runs; run++) {
    const planned = await planTrainer(runConfig(config, run), summary);
    if (!('fused' in planned)) {
      planned.trainer.dispose();
      return undefined;
    }
    specs.push(planned.fused);
  }
  return specs;
}

/**
 * Threads started ahead of a run (by a spare worker process, while the user reads the panel), parked until
 * a run with fused trainers gives them their seeds: starting a thread and loading its bundle is time the
 * first step would otherwise wait for. A run takes them all; those it does not need end.
 */
let parked: Worker[] = [];

/** Starts `count` threads (one per core by default) that wait for the next run's seeds. */
export function parkThreads(count = availableParallelism()): void {
  const program = threadProgram('');
  // Only the thread bundle can wait for its input; without it (TF.js threads) a run starts its own.
  if (!program || parked.length > 0) return;
  for (let i = 0; i < count; i++) {
    const data: ParkedThread = { mark: THREAD_MARK, parked: true };
    const thread = new Worker(program, { workerData: data, argv: [], execArgv: [] });
    // A parked thread must not keep the process alive, and one that died is never handed a run.
    thread.unref();
    thread.once('exit', () => (parked = parked.filter((t) => t !== thread)));
    thread.on('error', () => undefined);
    parked.push(thread);
  }
}

/** How many parked threads wait for a run. */
export function parkedThreadCount(): number {
  return parked.length;
}

/** The parked threads when there are at least `count` (the rest end), else none (all end). */
function takeParked(count: number): Worker[] {
  const taken = parked.length >= count ? parked.slice(0, count) : [];
  for (const thread of parked.slice(taken.length)) void thread.terminate();
  parked = [];
  for (const thread of taken) thread.ref();
  return taken;
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
  // Fused trainers are planned here (with TF.js only where a run needs it), and their kernels compiled once:
  // the threads then need no TF.js and compile nothing.
  const fused = await planFusedTrainers(config, summary);
  const program = fused ? threadProgram(__filename) : __filename;
  // Parked threads run only fused trainers: a run that needs TF.js in its threads ends them.
  const ready = takeParked(fused ? threadCount : Infinity);
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
      assignment.forEach((runs, i) => {
        const input: ThreadInput = { mark: THREAD_MARK, config, summary, train: sharedTrain, validation: sharedValidation, lrs, runs, fused, kernels: fused ? (kernelModule() ?? undefined) : undefined };
        const worker = ready[i] ?? new Worker(program, { workerData: input, argv: [], execArgv: [] });
        if (ready[i]) worker.postMessage(input);
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
            case 'points':
              for (const point of message.points) options.onEvent?.({ v: WORKER_PROTOCOL_VERSION, type: 'progress', run: message.run, point });
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
          // A core is free while the last runs train: the suggestion's code is compiled there, so that
          // reading the real runs afterwards does not start cold.
          else if (!failed && !options.isCancelled?.()) setImmediate(warmUpSuggestionOnce);
        });
      });
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

// Threads without planned trainers build theirs with TF.js, from this (full) bundle.
const input = workerData as ThreadInput | undefined;
if (!isMainThread && input?.mark === THREAD_MARK && !input.fused) {
  void threadMain(input, (run) => prepareTrainer(runConfig(input.config, run), input.summary));
}
