// The caller's side of dataset inspection: a worker process (dist/worker.js) answers one 'inspect' request
// over the worker channel, then exits. A process of its own, not the caller's thread: inspecting an image
// folder decodes its images and a large CSV is read through once, seconds of CPU that must not stall the
// extension host. Must not import TensorFlow.js (the extension host loads this file).
import { ChildProcess, fork } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { DatasetSummary } from '../core/types';
import { fromWorker, WORKER_PROTOCOL_VERSION } from '../core/wire/workerChannel';
import type { InspectRequest } from '../core/wire/datasetInspection';
import { lowerPriority } from './client';

const TIMEOUT_MS = 120_000;

export type Inspection = { summary: DatasetSummary } | { error: string };

/** One inspection at a time: a newer request replaces an older one (the user changed the dataset again). */
export class DatasetInspector {
  private current: ChildProcess | undefined;
  private nextRequestId = 1;

  constructor(private readonly workerPath: string) {}

  /** The process id of the inspection running, if one is. */
  get pid(): number | undefined {
    return this.current?.pid;
  }

  /** The summary, or a one-line error the user can act on. */
  inspect(path: string, target?: string): Promise<Inspection> {
    this.current?.kill('SIGKILL');
    const request: InspectRequest & { v: typeof WORKER_PROTOCOL_VERSION } = {
      v: WORKER_PROTOCOL_VERSION,
      type: 'inspect',
      requestId: this.nextRequestId++,
      path,
      ...(target ? { target } : {}),
    };
    return new Promise((resolve) => {
      let child: ChildProcess;
      try {
        child = fork(this.workerPath, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
      } catch (error) {
        resolve({ error: `could not start the dataset inspection: ${error instanceof Error ? error.message : String(error)}` });
        return;
      }
      // The lowest priority: the form's summary can wait for a range test running beside it (the first
      // click's panel asks for one while its run trains) and for the editor; on an idle machine it costs nothing.
      lowerPriority(child, osConstants.priority.PRIORITY_LOW);
      this.current = child;
      let answer: Inspection | undefined;
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
      const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
      child.on('message', (raw: unknown) => {
        const parsed = fromWorker.parse(raw);
        if (!parsed.ok) answer ??= { error: `dataset inspection sent an invalid message (${parsed.problem})` };
        else if (parsed.value.type === 'inspected' && parsed.value.requestId === request.requestId) {
          const { summary, error } = parsed.value;
          answer ??= summary ? { summary } : { error: error ?? 'dataset inspection gave no summary' };
        } else if (parsed.value.type === 'error') answer ??= { error: parsed.value.message };
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        resolve(answer ?? { error: `dataset inspection failed: ${error.message}` });
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.current === child) this.current = undefined;
        if (answer) return resolve(answer);
        const last = stderr.trim().split('\n').pop();
        resolve({ error: signal ? `dataset inspection stopped (${signal})` : `dataset inspection failed (exit code ${code})${last ? `: ${last}` : ''}` });
      });
      child.send(request);
    });
  }

  dispose(): void {
    this.current?.kill('SIGKILL');
  }
}
