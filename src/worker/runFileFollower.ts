// Follows a run file as its training process writes it (python/cyclical_lr, in a terminal, a notebook or on
// a remote host) and turns its lines into the same events and result as a range test the extension runs,
// so that the panel shows it live like one of its own. Never blocks: the extension host imports this file.
import { open } from 'node:fs/promises';
import { hostname } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import { RunFileHeader, RunFileParser, runFilePoints, runFileResult } from '../core/runFile';
import { rangeTestLrs } from '../core/schedules';
import type { RangeTestResult } from '../core/types';
import { WORKER_PROTOCOL_VERSION, WorkerEvent } from '../core/wire/workerChannel';
import { RangeTestCancelledError, RangeTestHandle } from './client';

/** How often a followed file is read for new lines. */
export const RUN_FILE_POLL_MS = 100;

export interface FollowRunFileOptions {
  file: string;
  onEvent?: (event: WorkerEvent) => void;
  pollMs?: number;
  /** Whether the process writing the run is gone; a killed one never writes its end line. */
  writerGone?: (header: RunFileHeader) => boolean;
}

/** True when the writer ran on this machine and its pid no longer exists. */
export function localWriterGone(header: RunFileHeader): boolean {
  if (header.host !== hostname() || header.pid === null) return false;
  try {
    process.kill(header.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The run's header, once its first line is written (undefined before, or for a file that is no run file). */
export async function readRunHeader(file: string): Promise<RunFileHeader | undefined> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 16);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const parser = new RunFileParser(file);
    parser.push(text.slice(0, text.indexOf('\n') + 1));
    return parser.started ? parser.run.header : undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/**
 * Reads the run file from its start and then as it grows. `result` resolves when the run ends (its end
 * line, or its process is gone), rejects with a UserError for a file that is not a run file or a curve too
 * short to read, and with RangeTestCancelledError when cancel() stops following before any point. Cancel
 * stops following only: the training process is not ours to stop.
 */
export function followRunFile(options: FollowRunFileOptions): RangeTestHandle {
  const { file } = options;
  const parser = new RunFileParser(file);
  const decoder = new StringDecoder('utf8');
  const writerGone = options.writerGone ?? localWriterGone;
  let offset = 0;
  let plotted = 0;
  let avg = 0;
  let curveCut = false;
  let settled = false;
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;

  const emit = (event: WorkerEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A listener's bug must not stop the following.
    }
  };

  let settle: (outcome: { result: RangeTestResult } | { error: Error }) => void = () => undefined;
  const result = new Promise<RangeTestResult>((resolve, reject) => {
    settle = (outcome) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if ('result' in outcome) {
        emit({ v: WORKER_PROTOCOL_VERSION, type: 'result', result: outcome.result });
        resolve(outcome.result);
      } else {
        reject(outcome.error);
      }
    };
  });

  const finish = (cut: boolean) => {
    const run = parser.run;
    try {
      const outcome = runFileResult(cut ? { ...run, end: undefined } : run, file);
      settle({ result: outcome });
    } catch (error) {
      settle({ error: cut && run.steps.length === 0 ? new RangeTestCancelledError() : (error as Error) });
    }
  };

  const readNew = async (): Promise<boolean> => {
    const handle = await open(file, 'r');
    let grew = false;
    try {
      const buffer = Buffer.alloc(1 << 16);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        if (bytesRead === 0) break;
        grew = true;
        offset += bytesRead;
        const wasStarted = parser.started;
        const steps = parser.push(decoder.write(buffer.subarray(0, bytesRead)));
        if (!wasStarted && parser.started) {
          const h = parser.run.header;
          emit({
            v: WORKER_PROTOCOL_VERSION,
            type: 'started',
            backend: h.framework,
            dataset: { path: file, format: 'pytorch', rows: 0, features: 0, featureNames: [], inputShape: [], target: 'loss', task: 'classification', classes: [], warnings: [] },
            lrs: rangeTestLrs(h.startLr, h.endLr, h.iterations, h.stepMode),
            runs: 1,
          });
        }
        if (steps.length && !curveCut) {
          const next = runFilePoints(steps, parser.run.header.smoothing, plotted, avg);
          avg = next.avg;
          plotted += next.points.length;
          curveCut = next.points.length < steps.length;
          for (const point of next.points) emit({ v: WORKER_PROTOCOL_VERSION, type: 'progress', run: 0, point });
        }
      }
    } finally {
      await handle.close();
    }
    return grew;
  };

  const tick = async () => {
    timer = undefined;
    if (settled) return;
    try {
      const grew = await readNew();
      if (settled) return;
      if (parser.started && parser.run.end) return finish(false);
      if (cancelled) return finish(true);
      if (!grew && parser.started && writerGone(parser.run.header)) return finish(true);
    } catch (error) {
      return settle({ error: error as Error });
    }
    timer = setTimeout(() => void tick(), options.pollMs ?? RUN_FILE_POLL_MS);
  };
  void tick();

  return {
    result,
    cancel: () => {
      if (settled || cancelled) return;
      cancelled = true;
      if (timer) {
        clearTimeout(timer);
        void tick();
      }
    },
    pid: undefined,
  };
}
