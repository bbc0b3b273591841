import { readFileSync } from 'node:fs';
import { SPARE_WORKER_ARG } from '../../../src/core/wire/workerChannel';

// The extension host's worker processes as the system lists them (Linux /proc, where the harness runs): the
// tests run in the extension host, so its children are the workers the extension forked.

function childPids(): number[] {
  try {
    return readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** Worker processes forked ahead of a Run (SpareWorker), waiting or since given a run. */
export function spareWorkers(): number[] {
  return workerProcesses().filter((pid) => commandLine(pid).includes(SPARE_WORKER_ARG));
}

/** Every dist/worker.js process of the extension: runs, spares and dataset inspections. */
export function workerProcesses(): number[] {
  return childPids().filter((pid) => commandLine(pid).some((a) => a.endsWith('worker.js')));
}
