// `node out/bench/engine/engineBench.js [--repeats 5] [--workloads W1,W2]` (or `npm run bench -- engine`):
// the engine (with the backend `auto` picks) against PyTorch + OpenBLAS on the same data, architecture,
// batch, steps, optimizer and LR sweep, one thread each, each measurement a fresh process, interleaved.
// Reports median steps/s and user CPU time per step, the ratios to PyTorch, and peak RSS as a markdown table.
// PyTorch runs with OpenBLAS's own detection of the CPU and, where the CPU has AVX-512 (which OpenBLAS 0.3.21
// misdetects as an old core), also with OPENBLAS_CORETYPE=SkylakeX. `--baseline DIR` adds the
// engine of another build (DIR: that checkout's compiled out/, e.g. a copy made before a change), so that a
// before/after comparison is measured side by side in one run; `--baseline` may be given more than once.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { rangeTestLrs } from '../../src/core/schedules';
import { DEFAULT_RANGE_TEST_CONFIG, DatasetSummary, RangeTestConfig } from '../../src/core/types';
import { InMemoryDataset } from '../../src/data/dataset';
import { SeededRandom } from '../../src/data/random';
import { prepareTrainer } from '../../src/engine/prepareTrainer';
import { fusedMultiplyAdd } from '../../src/engine/simdKernels';
import { testTempDir } from '../../test/support/tempDirs';

type Workload = 'W1' | 'W2';

interface Meta {
  workload: Workload;
  rows: number;
  inputShape: number[];
  classes: number;
  hidden: number[];
  batch: number;
  steps: number;
  startLr: number;
  endLr: number;
}

const WORKLOADS: Record<Workload, Meta> = {
  W1: { workload: 'W1', rows: 20000, inputShape: [32], classes: 10, hidden: [128, 128], batch: 64, steps: 300, startLr: 1e-6, endLr: 10 },
  W2: { workload: 'W2', rows: 5000, inputShape: [28, 28, 1], classes: 10, hidden: [], batch: 64, steps: 100, startLr: 1e-6, endLr: 10 },
};

interface Measurement {
  stepsPerSecond: number;
  /** User CPU seconds of the whole process per training step (all its threads), far less load-sensitive than wall time. */
  cpuMsPerStep: number;
  peakRssMB: number;
  backend?: string;
  threads?: number;
}

/** Class-dependent Gaussian-ish data, so that the loss actually moves during the sweep. */
function writeData(meta: Meta, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const features = meta.inputShape.reduce((a, b) => a * b, 1);
  const random = new SeededRandom(42);
  const centres = Float32Array.from({ length: meta.classes * features }, () => random.next() * 2 - 1);
  const x = new Float32Array(meta.rows * features);
  const y = new Float32Array(meta.rows);
  for (let i = 0; i < meta.rows; i++) {
    const k = random.below(meta.classes);
    y[i] = k;
    for (let f = 0; f < features; f++) x[i * features + f] = centres[k * features + f] + (random.next() + random.next() - 1) * 1.5;
  }
  writeFileSync(join(dir, 'x.bin'), new Uint8Array(x.buffer));
  writeFileSync(join(dir, 'y.bin'), new Uint8Array(y.buffer));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
}

function loadDataset(dir: string): { meta: Meta; dataset: InMemoryDataset } {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;
  const bytes = (name: string) => {
    const b = readFileSync(join(dir, name));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const features = meta.inputShape.reduce((a, b) => a * b, 1);
  const summary: DatasetSummary = {
    path: dir,
    format: 'npy',
    rows: meta.rows,
    features,
    featureNames: [],
    inputShape: meta.inputShape,
    target: 'label',
    task: 'classification',
    classes: Array.from({ length: meta.classes }, (_, i) => String(i)),
    warnings: [],
  };
  return { meta, dataset: new InMemoryDataset(summary, bytes('x.bin'), bytes('y.bin')) };
}

/** The engine's side of one measurement: the range test's own trainer and batches, timed over all steps. */
async function engineChild(dir: string): Promise<void> {
  const { meta, dataset } = loadDataset(dir);
  const config: RangeTestConfig = {
    ...DEFAULT_RANGE_TEST_CONFIG,
    dataset: dir,
    model: meta.workload === 'W1' ? 'mlp' : 'cnn',
    hidden: meta.hidden,
    optimizer: 'momentum',
    momentum: 0.9,
    startLr: meta.startLr,
    endLr: meta.endLr,
    iterations: meta.steps,
    batchSize: meta.batch,
    backend: 'auto',
  };
  const trainer = await prepareTrainer(config, dataset.summary);
  const lrs = rangeTestLrs(meta.startLr, meta.endLr, meta.steps, 'exp');
  const batches = dataset.batches(meta.batch, 0);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let step = 0; step < meta.steps; step++) {
    const batch = batches.next().value as { x: Float32Array; y: Float32Array; size: number };
    trainer.step(batch.x, batch.y, batch.size, lrs[step]);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuMsPerStep = process.cpuUsage(cpu).user / 1000 / meta.steps;
  const result: Measurement = { stepsPerSecond: meta.steps / seconds, cpuMsPerStep, peakRssMB: process.resourceUsage().maxRSS / 1024, backend: trainer.backend === 'wasm' && fusedMultiplyAdd() ? 'wasm, relaxed-SIMD FMA' : trainer.backend, threads: 1 };
  process.stdout.write(JSON.stringify(result) + '\n');
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

function cpuHasAvx512(): boolean {
  try {
    return /^flags\s*:.*\bavx512f\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
}

function runChild(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Measurement {
  const out = execFileSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 20 });
  const line = out.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Measurement;
}

async function driver(argv: string[]): Promise<void> {
  const flag = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  const repeats = Number(flag('repeats', '5'));
  const workloads = flag('workloads', 'W1,W2').split(',') as Workload[];
  const python = flag('python', '/usr/bin/python3');
  const torchScript = join(__dirname, '..', '..', '..', 'bench', 'engine', 'torch_child.py');
  // The generated workloads are removed however the bench ends.
  const root = testTempDir('clr-engine-bench-');
  // One thread everywhere: OpenBLAS's pthread build otherwise starts a thread per core on its own.
  const oneThread = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
  const torch = (coretype: string) => (workload: Workload, dir: string) => runChild(python, [torchScript, workload, dir, '1'], { ...oneThread, OPENBLAS_CORETYPE: coretype });
  const baselines = argv.flatMap((arg, i) => (arg === '--baseline' && argv[i + 1] ? [argv[i + 1]] : []));
  const loadAtStart = loadavg()[0];
  // The extension's worker runs on VS Code's runtime, whose V8 validates relaxed SIMD (Node ≥ 22 does too);
  // Node 20 has it behind a flag. The engine is measured as VS Code runs it, and also as this Node runs it
  // where the two differ.
  const relaxedSimd = fusedMultiplyAdd() ? [] : [RELAXED_SIMD_FLAG];
  const engine = (script: string, flags: string[]) => (_: Workload, dir: string) => runChild(process.execPath, [...flags, script, '--child', dir]);
  const runners = [
    { name: 'engine (auto backend)', run: engine(__filename, relaxedSimd) },
    ...(relaxedSimd.length ? [{ name: `engine on Node ${process.versions.node} without ${RELAXED_SIMD_FLAG}`, run: engine(__filename, []) }] : []),
    ...baselines.map((baseline) => ({ name: `engine, baseline build (${baseline})`, run: engine(join(baseline, 'bench', 'engine', 'engineBench.js'), relaxedSimd) })),
    { name: 'PyTorch + OpenBLAS, 1 thread (OPENBLAS_CORETYPE unset)', run: torch('') },
    // Forcing SkylakeX on a CPU without AVX-512 kills the torch child with SIGILL.
    ...(cpuHasAvx512() ? [{ name: 'PyTorch + OpenBLAS, 1 thread, OPENBLAS_CORETYPE=SkylakeX', run: torch('SkylakeX') }] : []),
  ];
  interface Cell {
    sps: number;
    top: number;
    cpu: number;
    rss: number;
    backend?: string;
  }
  const table: Record<string, Record<string, Cell>> = {};
  for (const workload of workloads) {
    const dir = join(root, workload);
    writeData(WORKLOADS[workload], dir);
    const samples: Measurement[][] = runners.map(() => []);
    for (let r = 0; r < repeats; r++) {
      runners.forEach((runner, i) => {
        const m = runner.run(workload, dir);
        samples[i].push(m);
        process.stderr.write(`${workload} ${runner.name}: ${m.stepsPerSecond.toFixed(1)} steps/s, ${m.cpuMsPerStep.toFixed(3)} CPU ms/step, ${m.peakRssMB.toFixed(0)} MB\n`);
      });
    }
    runners.forEach((runner, i) => {
      table[runner.name] ??= {};
      const s = samples[i];
      table[runner.name][workload] = {
        sps: median(s.map((m) => m.stepsPerSecond)),
        top: Math.max(...s.map((m) => m.stepsPerSecond)),
        cpu: median(s.map((m) => m.cpuMsPerStep)),
        rss: median(s.map((m) => m.peakRssMB)),
        backend: s[0].backend,
      };
    });
  }
  const torchNames = runners.filter((r) => r.name.startsWith('PyTorch')).map((r) => r.name);
  const best = (w: string, pick: (c: Cell) => number) => Math.max(...torchNames.map((n) => pick(table[n][w])));
  const bestCpu = (w: string) => Math.min(...torchNames.map((n) => table[n][w].cpu));
  const lines = [
    `Engine vs PyTorch (medians of ${repeats} fresh processes each, interleaved; 1 thread each; ${cpus().length} cores: ${cpus()[0]?.model ?? '?'}; load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end)`,
    '',
    `| runner | ${workloads.map((w) => `${w} steps/s (median) | ${w} × PyTorch (wall) | ${w} CPU ms/step (median) | ${w} × PyTorch (CPU time) | ${w} fastest run steps/s | ${w} peak RSS MB`).join(' | ')} |`,
    `|---|${workloads.map(() => '---|---|---|---|---|---|').join('')}`,
    ...runners.map((runner) => {
      const cells = workloads.map((w) => {
        const c = table[runner.name][w];
        const ratio = (c.sps / best(w, (x) => x.sps)).toFixed(2);
        const cpuRatio = (bestCpu(w) / c.cpu).toFixed(2);
        return `${c.sps.toFixed(1)}${c.backend ? ` (${c.backend})` : ''} | ${ratio} | ${c.cpu.toFixed(3)} | ${cpuRatio} | ${c.top.toFixed(1)} | ${c.rss.toFixed(0)}`;
      });
      return `| ${runner.name} | ${cells.join(' | ')} |`;
    }),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

if (process.argv[2] === '--child') {
  engineChild(process.argv[3]).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  driver(process.argv.slice(2)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
