// Where the time to the first suggestion goes, outside VS Code: the panel's own path (the worker client
// forking dist/worker.js below normal priority) on the bundled example with the extension's default
// settings, timed at each event the worker sends, in wall-clock time and in the worker process's CPU time
// (all its threads; Linux's /proc, which a loaded machine moves far less). Usage: node
// out/bench/firstSuggestion/phases.js [runs=5] [--spare]
//
// --spare: as the open panel runs it, on a worker forked ahead (SpareWorker) SPARE_WAIT_MS before the Run;
// times and CPU count from the Run. Without it, as the first Run of a new panel: the worker forked at the Run.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_RANGE_TEST_CONFIG, RangeTestConfig } from '../../src/core/types';
import { forkWorker, startRangeTest } from '../../src/worker/client';
import { median } from '../support/stats';

const root = resolve(__dirname, '..', '..', '..');

interface Phases {
  /** Fork, load the bundle, read the dataset, prepare the trainer, until the 'started' event. */
  start: number;
  /** From 'started' to the last progress point. */
  training: number;
  /** From the last point to the result (the runs' median curve, each run's read and their mean, the transport). */
  result: number;
  total: number;
}

const PHASES = ['start', 'training', 'result', 'total'] as const;

/** CPU milliseconds the process `pid` has used so far (user + system, all threads), NaN where /proc cannot say. */
function processCpuMs(pid: number | undefined): number {
  try {
    // Fields after the command's closing parenthesis: state is the 3rd field, utime the 14th, stime the 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** The extension's settings at their defaults (configFromSettings) for the example, as cyclicalLr.runExample starts it. */
export function exampleConfig(): RangeTestConfig {
  return { ...DEFAULT_RANGE_TEST_CONFIG, dataset: join(root, 'examples', 'sensors.csv') };
}

/** How long the spare waits before the Run: a user reads the panel for longer than the worker takes to load. */
const SPARE_WAIT_MS = 1500;

async function once(config: RangeTestConfig, useSpare: boolean): Promise<{ wall: Phases; cpu: Phases }> {
  const workerPath = join(root, 'dist', 'worker.js');
  const spare = useSpare ? forkWorker({ workerPath, belowNormalPriority: true, spare: true }) : undefined;
  if (spare) await new Promise((r) => setTimeout(r, SPARE_WAIT_MS));
  const cpuBefore = spare ? processCpuMs(spare.pid) : 0;
  const t0 = performance.now();
  let started = NaN;
  let lastPoint = NaN;
  const cpu = { started: NaN, lastPoint: NaN, computing: NaN };
  // Events arrive over IPC, after startRangeTest has returned the handle.
  const pid = () => handle.pid;
  const handle = startRangeTest(config, {
    workerPath,
    process: spare,
    belowNormalPriority: true,
    onEvent: (event) => {
      if (event.type === 'started') {
        started = performance.now();
        cpu.started = processCpuMs(pid());
      }
      if (event.type === 'progress') {
        lastPoint = performance.now();
        cpu.lastPoint = processCpuMs(pid());
      }
      // The worker's last word before the result: the suggestion is being computed.
      if (event.type === 'log') cpu.computing = processCpuMs(pid());
    },
  });
  // The worker exits right after sending the result: its last CPU reading before it is gone counts (to 2 ms).
  const exited = new Promise<number>((resolve) => {
    let last = NaN;
    const poll = setInterval(() => {
      const now = processCpuMs(pid());
      if (Number.isNaN(now)) {
        clearInterval(poll);
        resolve(last);
      } else last = now;
    }, 2);
  });
  await handle.result;
  const end = performance.now();
  const cpuEnd = await exited;
  return {
    wall: { start: started - t0, training: lastPoint - started, result: end - lastPoint, total: end - t0 },
    cpu: { start: cpu.started - cpuBefore, training: cpu.lastPoint - cpu.started, result: cpuEnd - cpu.lastPoint, total: cpuEnd - cpuBefore },
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const useSpare = args.includes('--spare');
  const runs = Number(args.find((a) => !a.startsWith('--')) ?? 5);
  const config = exampleConfig();
  const samples: Array<{ wall: Phases; cpu: Phases }> = [];
  const load = loadavg()[0];
  for (let i = 0; i < runs; i++) samples.push(await once(config, useSpare));
  const how = useSpare ? `on a spare worker forked ${SPARE_WAIT_MS} ms before the Run (the open panel's path)` : 'on a worker forked at the Run (a new panel)';
  console.log(`\nDefault run on examples/sensors.csv through the worker ${how}, median of ${runs}; load average ${load.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after\n`);
  console.log('| phase | wall median ms | min | max | worker CPU median ms | min | max |\n|---|---|---|---|---|---|---|');
  for (const key of PHASES) {
    const wall = samples.map((s) => s.wall[key]);
    const cpu = samples.map((s) => s.cpu[key]);
    const f = (xs: number[]) => `${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${Math.max(...xs).toFixed(0)}`;
    console.log(`| ${key} | ${f(wall)} | ${f(cpu)} |`);
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  });
}
