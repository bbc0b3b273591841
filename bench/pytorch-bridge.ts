// Benchmark (not a test): the PyTorch bridge's range test on W1 against a plain PyTorch loop doing the same
// steps with the same learning rates in the same interpreter, alternated side by side, medians reported.
// The bridge's divergence stop is disabled so that both run all the steps.
//
//   npx tsc -p . && node out/bench/pytorch-bridge.js [--reps 7] [--steps 300] [--python /usr/bin/python3]
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { DEFAULT_RANGE_TEST_CONFIG, RangeTestConfig } from '../src/core/types';
import { startPyTorchRangeTest } from '../src/worker/pytorchBridge';
import { findTorchPython } from '../src/worker/pythonInterpreter';

const W1_FILE = resolve(__dirname, '..', '..', 'bench', 'pytorch-bridge-w1.py');
const START_LR = 1e-6;
const END_LR = 10;

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

interface Sample {
  stepsPerSecond: number;
  /** Steps per second of the process's CPU time: what the work costs, much less disturbed by other load. */
  stepsPerCpuSecond: number;
  /** Whole run as the user waits for it: start of Python, import torch, the user's file, the sweep. */
  wallSeconds?: number;
}

async function bridgeRun(python: string, steps: number): Promise<Sample> {
  const config: RangeTestConfig = {
    ...DEFAULT_RANGE_TEST_CONFIG,
    dataset: W1_FILE,
    startLr: START_LR,
    endLr: END_LR,
    iterations: steps,
    diverge: 1e12,
    pytorch: { device: 'cpu', accumulate: 1, amp: false },
  };
  const t0 = process.hrtime.bigint();
  const result = await startPyTorchRangeTest({ file: W1_FILE, python, config }).result;
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (result.lrs.length !== steps) throw new Error(`the bridge stopped after ${result.lrs.length} of ${steps} steps (${result.stopReason})`);
  const cpu = result.pytorchRuntime?.cpuSeconds;
  if (!cpu) throw new Error('the runner reported no CPU time');
  return { stepsPerSecond: result.stepsPerSecond, stepsPerCpuSecond: steps / cpu, wallSeconds };
}

function plainRun(python: string, steps: number): Sample {
  const t0 = process.hrtime.bigint();
  const out = execFileSync(python, ['-B', W1_FILE, String(steps), String(START_LR), String(END_LR)], { encoding: 'utf8', cwd: join(W1_FILE, '..') });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const line = JSON.parse(out.trim().split('\n').pop() as string) as { stepsPerSecond: number; cpuSeconds: number };
  return { stepsPerSecond: line.stepsPerSecond, stepsPerCpuSecond: steps / line.cpuSeconds, wallSeconds };
}

async function main(): Promise<void> {
  const reps = Number(flag('reps', '7'));
  const steps = Number(flag('steps', '300'));
  const python = findTorchPython(process.argv.includes('--python') ? flag('python', '') : undefined);
  const threads = execFileSync(python.executable, ['-c', 'import torch; print(torch.get_num_threads())'], { encoding: 'utf8' }).trim();
  console.log(`W1: 20,000 x 32, 10 classes, MLP 32-128-128-10, batch 64, ${steps} steps, SGD momentum 0.9, lr ${START_LR} -> ${END_LR} exp`);
  console.log(`PyTorch ${python.torch}, Python ${python.version} (${python.executable}), ${threads} threads, CPU; ${reps} alternated repetitions`);
  // One warm-up of each (page cache, CPU frequency) that is not counted.
  await bridgeRun(python.executable, steps);
  plainRun(python.executable, steps);
  const bridge: Sample[] = [];
  const plain: Sample[] = [];
  for (let i = 0; i < reps; i++) {
    bridge.push(await bridgeRun(python.executable, steps));
    plain.push(plainRun(python.executable, steps));
  }
  const b = median(bridge.map((s) => s.stepsPerSecond));
  const p = median(plain.map((s) => s.stepsPerSecond));
  const bc = median(bridge.map((s) => s.stepsPerCpuSecond));
  const pc = median(plain.map((s) => s.stepsPerCpuSecond));
  const bw = median(bridge.map((s) => s.wallSeconds ?? 0));
  const pw = median(plain.map((s) => s.wallSeconds ?? 0));
  const range = (xs: Sample[], key: 'stepsPerSecond' | 'stepsPerCpuSecond') =>
    `${Math.min(...xs.map((s) => s[key])).toFixed(0)}..${Math.max(...xs.map((s) => s[key])).toFixed(0)}`;
  // Each bridge run is paired with the plain run right after it, under the same load: the median of the
  // pairs' ratios is less sensitive to a shared, busy machine than the ratio of the medians.
  const paired = median(bridge.map((s, i) => plain[i].stepsPerSecond / s.stepsPerSecond));
  const rows = [
    ['', 'steps/s', 'min..max', 'steps/CPU-s', 'min..max', 'process wall s'],
    ['plain PyTorch loop', p.toFixed(0), range(plain, 'stepsPerSecond'), pc.toFixed(0), range(plain, 'stepsPerCpuSecond'), pw.toFixed(2)],
    ['bridge range test', b.toFixed(0), range(bridge, 'stepsPerSecond'), bc.toFixed(0), range(bridge, 'stepsPerCpuSecond'), bw.toFixed(2)],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`bridge overhead (medians; target <= 5%): ${pct(p / b - 1)} in steps/s, ${pct(paired - 1)} paired, ${pct(pc / bc - 1)} in steps per CPU second`);
  console.log('Medians of the alternated runs. The wall time includes starting Python, importing torch and building W1; steps/s and');
  console.log('steps/CPU-s time the sweep only, in both. On a shared machine steps/s swing widely; steps per CPU second hardly do.');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
