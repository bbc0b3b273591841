// `npm run bench`: the activation, chart and engine benchmarks, one after the other (they share 2 cores, so
// never in parallel), each printing its own table. `npm run bench -- csv first-suggestion` runs those named.
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { findTorchPython } from '../src/worker/pythonInterpreter';

const root = resolve(__dirname, '..', '..');
const out = (path: string) => join(root, 'out', 'bench', path);

interface Bench {
  name: string;
  what: string;
  command: () => string[];
}

const benches: Bench[] = [
  { name: 'engine', what: 'range-test engine vs PyTorch + OpenBLAS on W1 and W2 (steps/s, CPU ms/step, peak RSS)', command: () => ['node', out('engine/engineBench.js'), '--repeats', '5'] },
  { name: 'csv', what: 'CSV ingest vs csv-parse and papaparse (MB/s, peak RSS), 1 GB inspect', command: () => ['node', out('csvIngest/run.js')] },
  { name: 'suggestions', what: 'suggested bounds vs the best of a 12-point fixed-LR grid on six datasets', command: () => [findTorchPython(process.env.CLR_PYTHON).executable, join(root, 'bench', 'suggestion-quality', 'run.py')] },
  { name: 'stability', what: 'seed stability of the suggested max_lr with the CLI defaults on six datasets × 8 seeds (spread max/min, mean confidence)', command: () => ['node', out('stability/run.js')] },
  { name: 'chart', what: "the panel's chart streaming a 10,000-step run in Chromium through the extension's coalescing (redraws/s, message-to-frame latency)", command: () => ['node', out('panelChart/run.js')] },
  { name: 'bridge', what: 'PyTorch bridge vs a plain PyTorch loop on W1 (steps/s overhead)', command: () => ['node', out('pytorch-bridge.js'), '--reps', '15'] },
  { name: 'activation', what: 'activate() over an empty extension, each started 10 times in the real VS Code harness', command: () => ['node', out('activation/run.js'), '10'] },
  { name: 'first-suggestion', what: 'time from Run on the bundled example to the suggestion shown in the panel, in the real VS Code harness', command: () => ['node', out('firstSuggestion/run.js'), '5'] },
];

/** What `npm run bench` runs without names: the figures users feel, one run each (issue 18). */
const DEFAULT_BENCHES = ['activation', 'chart', 'engine'];

function main(): number {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !benches.some((b) => b.name === w));
  if (unknown.length) {
    console.error(`error: unknown benchmark ${unknown.join(', ')}: expected any of ${benches.map((b) => b.name).join(', ')}`);
    return 2;
  }
  let failed = 0;
  const names = wanted.length ? wanted : DEFAULT_BENCHES;
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min) on ${availableParallelism()} cores`);
  for (const bench of benches.filter((b) => names.includes(b.name))) {
    console.log(`\n## ${bench.name}: ${bench.what}\n`);
    const [exe, ...args] = bench.command();
    const result = spawnSync(exe, args, { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) {
      failed++;
      console.error(`benchmark ${bench.name} failed (exit ${result.status ?? result.signal})`);
    }
  }
  return failed ? 1 : 0;
}

process.exitCode = main();
