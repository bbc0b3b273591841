// Where the time to the first suggestion goes, outside VS Code: the panel's own path (the worker client
// forking dist/worker.js below normal priority) on the bundled example with the extension's default
// settings, timed at each event the worker sends. Usage: node out/bench/firstSuggestion/phases.js [runs=5]
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_RANGE_TEST_CONFIG, RangeTestConfig } from '../../src/core/types';
import { startRangeTest } from '../../src/worker/client';
import { median } from '../support/stats';

const root = resolve(__dirname, '..', '..', '..');

interface Phases {
  /** Fork, load the bundle, read the dataset, prepare the trainer, until the 'started' event. */
  start: number;
  /** From 'started' to the last progress point. */
  training: number;
  /** From the last point to the result (the runs' median, the bagged suggestion, the transport). */
  result: number;
  total: number;
}

/** The extension's settings at their defaults (configFromSettings) for the example, as cyclicalLr.runExample starts it. */
export function exampleConfig(): RangeTestConfig {
  return { ...DEFAULT_RANGE_TEST_CONFIG, dataset: join(root, 'examples', 'sensors.csv') };
}

async function once(config: RangeTestConfig): Promise<Phases> {
  const t0 = performance.now();
  let started = NaN;
  let lastPoint = NaN;
  const handle = startRangeTest(config, {
    workerPath: join(root, 'dist', 'worker.js'),
    belowNormalPriority: true,
    onEvent: (event) => {
      if (event.type === 'started') started = performance.now();
      if (event.type === 'progress') lastPoint = performance.now();
    },
  });
  await handle.result;
  const end = performance.now();
  return { start: started - t0, training: lastPoint - started, result: end - lastPoint, total: end - t0 };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const config = exampleConfig();
  const samples: Phases[] = [];
  const load = loadavg()[0];
  for (let i = 0; i < runs; i++) samples.push(await once(config));
  console.log(`\nDefault run on examples/sensors.csv through the worker, median of ${runs}; load average ${load.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after\n`);
  console.log('| phase | median ms | min | max |\n|---|---|---|---|');
  for (const key of ['start', 'training', 'result', 'total'] as const) {
    const xs = samples.map((s) => s[key]);
    console.log(`| ${key} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${Math.max(...xs).toFixed(0)} |`);
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  });
}
