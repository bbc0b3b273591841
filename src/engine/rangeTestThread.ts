// One thread of a multi-run range test (parallelRuns.ts starts them): runs its share of the seeds on the
// shared rows and posts every point. When the main thread has planned fused WASM trainers, this file is the
// thread's whole program (dist/rangeTestThread.js, without TF.js: loading TF.js in every thread cost more
// than training the example's seeds); otherwise the thread loads the full bundle and builds its trainers
// with TF.js (parallelRuns.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../core/errors';
import { CurvePoint, DatasetSummary, RangeTestConfig } from '../core/types';
import { InMemoryDataset } from '../data/dataset';
import { fusedTrainer, FusedTrainerSpec } from './fusedTrainer';
import { CompiledKernels, useCompiledKernels } from './simdKernels';
import { RunCurve, runSeed, runSweep } from './sweep';
import { Trainer } from './trainer';

/** Marks workerData as ours, so that importing this module in some other thread does nothing. */
export const THREAD_MARK = 'cyclical-lr-range-test-run';

/** A thread's points wait at most this long before they are posted to the main thread. */
const POINT_BATCH_MS = 20;

export interface SharedRows {
  summary: DatasetSummary;
  x: Float32Array;
  y: Float32Array;
}

export interface ThreadInput {
  mark: typeof THREAD_MARK;
  config: RangeTestConfig;
  summary: DatasetSummary;
  train: SharedRows;
  validation?: SharedRows;
  lrs: number[];
  runs: number[];
  /** The fused trainer of each run (indexed by run), when the main thread planned them. */
  fused?: FusedTrainerSpec[];
  /** The kernels the main thread compiled for them. */
  kernels?: CompiledKernels;
}

export type ThreadMessage =
  | { type: 'ready'; backend: string }
  | { type: 'points'; run: number; points: CurvePoint[] }
  | { type: 'curve'; run: number; curve: RunCurve }
  | { type: 'error'; userError: boolean; message: string; hint?: string; file?: string; line?: number; column?: number };

/** The program a thread runs: this file's bundle beside this one when there is one, else `fallback` (the full bundle). */
export function threadProgram(fallback: string): string {
  const own = join(__dirname, 'rangeTestThread.js');
  return existsSync(own) ? own : fallback;
}

export async function threadMain(input: ThreadInput, prepare: (run: number) => Promise<Trainer>): Promise<void> {
  const port = parentPort;
  if (!port) return;
  let cancelled = false;
  port.on('message', (message) => {
    if (message === 'cancel') cancelled = true;
  });
  const post = (message: ThreadMessage) => port.postMessage(message);
  // Points go to the main thread in batches: a message a step cost ~5% of a default run's CPU (two threads
  // posting, the main thread receiving), and the panel shows at most 10 updates a second anyway.
  let pending: CurvePoint[] = [];
  let flushedAt = 0;
  const flush = (run: number) => {
    if (pending.length) post({ type: 'points', run, points: pending });
    pending = [];
    flushedAt = Date.now();
  };
  try {
    const rows = (r: SharedRows) => new InMemoryDataset(r.summary, r.x, r.y);
    const train = rows(input.train);
    const validation = input.validation ? rows(input.validation) : undefined;
    for (const run of input.runs) {
      if (cancelled) break;
      const trainer = await prepare(run);
      post({ type: 'ready', backend: trainer.backend });
      const curve = await runSweep(trainer, train, validation, {
        lrs: input.lrs,
        batchSize: input.config.batchSize,
        seed: runSeed(input.config.seed, run),
        smoothing: input.config.smoothing,
        diverge: input.config.diverge,
        valEvery: input.config.valEvery,
        onPoint: (point) => {
          pending.push(point);
          if (Date.now() - flushedAt >= POINT_BATCH_MS) flush(run);
        },
        isCancelled: () => cancelled,
      });
      trainer.dispose();
      // Every run's points reach the main thread before its curve, so a run starts with none pending.
      flush(run);
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

/** workerData of a thread started before its run (parkThreads): its ThreadInput comes as its first message. */
export interface ParkedThread {
  mark: typeof THREAD_MARK;
  parked: true;
}

function runFused(input: ThreadInput): void {
  const fused = input.fused;
  if (!fused) return;
  if (input.kernels) useCompiledKernels(input.kernels);
  void threadMain(input, async (run) => fusedTrainer(fused[run]));
}

const start = workerData as ThreadInput | ParkedThread | undefined;
if (!isMainThread && start?.mark === THREAD_MARK) {
  if ('parked' in start) parentPort?.once('message', (input: ThreadInput) => runFused(input));
  else runFused(start);
}
