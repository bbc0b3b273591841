// Activation benchmark: what activating our extension costs, as the difference against an empty extension
// (same activation events, a main that does nothing) started the same way in the same run. Absolute
// milliseconds on a shared machine are mostly noise (the workbench, other users); the difference is not.
// Each start is a fresh code-server + Chromium (a fresh extension host) with one of the two extensions under
// development; the two alternate (ABBA), so that drift in the machine's load hits both alike.
// Usage: node out/bench/activation/run.js [starts per extension = 10]
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { provisionOfflineVsCode } from '../../test/harness/provision';
import { runSuiteInCodeServer } from '../../test/harness/runInCodeServer';
import { median } from '../support/stats';

const root = resolve(__dirname, '..', '..', '..');
const EMPTY_ID = 'cyclical-lr-bench.empty-extension';

/** See suite.ts: activationMs = loadMs + callMs, what VS Code counts as the extension's activation. */
interface Sample {
  activationMs: number;
  /** The same sections in CPU time of the extension host process (immune to waiting for a core). */
  activationCpuMs: number;
  loadMs: number;
  callMs: number;
  /** `await extension.activate()` as a whole, with whatever else the extension host ran meanwhile. */
  wallMs: number;
  processCpuMs: number;
  openPanelMs: number | null;
  settledMs: number;
  ourScripts: string[];
  tfjsModules: string[];
}

/** The empty extension: our manifest's activation events and engine, and an activate() that does nothing. */
function writeEmptyExtension(dir: string): void {
  const ours = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: unknown; activationEvents: string[] };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'dist'), { recursive: true });
  const manifest = {
    name: 'empty-extension',
    publisher: 'cyclical-lr-bench',
    version: '0.0.1',
    engines: ours.engines,
    main: './dist/extension.js',
    activationEvents: ours.activationEvents,
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'dist', 'extension.js'), "'use strict';\nexports.activate = function activate() {};\nexports.deactivate = function deactivate() {};\n");
}

/** A start that failed in the harness (a page load timing out on a loaded machine) is tried again, twice at most. */
async function start(cacheDir: string, extensionPath: string, id: string, index: number): Promise<Sample> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(cacheDir, extensionPath, id, index);
    } catch (error) {
      if (attempt === 3) throw error;
      process.stderr.write(`start of ${id} failed (${(error as Error).message.split('\n')[0]}); trying again\n`);
    }
  }
}

async function startOnce(cacheDir: string, extensionPath: string, id: string, index: number): Promise<Sample> {
  const out = join(root, '.vscode-test', `activation-${index}.json`);
  rmSync(out, { force: true });
  const code = await runSuiteInCodeServer(provisionOfflineVsCode(cacheDir), {
    extensionDevelopmentPath: extensionPath,
    extensionTestsPath: join(__dirname, 'suite.js'),
    runDir: join(root, '.vscode-test', 'activation-run'),
    env: { ...process.env, CLR_BENCH_OUT: out, CLR_BENCH_EXTENSION: id },
    timeoutSeconds: 300,
  });
  if (code !== 0) throw new Error(`the activation suite for ${id} exited with ${code}`);
  return JSON.parse(readFileSync(out, 'utf8')) as Sample;
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const starts = Number(process.argv[2] ?? 10);
  if (!(Number.isInteger(starts) && starts >= 1)) throw new Error(`starts must be a positive integer, got ${process.argv[2]}`);
  const cacheDir = process.env.CLR_VSCODE_CACHE ?? join(root, '.vscode-test');
  const emptyPath = join(root, '.vscode-test', 'bench-empty-extension');
  writeEmptyExtension(emptyPath);
  const loadBefore = loadavg();
  const ours: Sample[] = [];
  const empty: Sample[] = [];
  // CLR_BENCH_COMPARE=<another checkout, built>: that build of our extension joins the rotation, for a
  // before/after measured side by side.
  const other = process.env.CLR_BENCH_COMPARE;
  const compared: Sample[] = [];
  const candidates = [
    { name: 'ours', path: root, id: 'cyclical-lr.cyclical-lr', samples: ours },
    { name: 'empty', path: emptyPath, id: EMPTY_ID, samples: empty },
    ...(other ? [{ name: `compared (${other})`, path: resolve(other), id: 'cyclical-lr.cyclical-lr', samples: compared }] : []),
  ];
  // Quiet: the workbench's console chatter would bury the table.
  const log = console.log;
  for (let i = 0; i < starts; i++) {
    const order = i % 2 === 0 ? candidates : [...candidates].reverse();
    for (const candidate of order) {
      console.log = () => undefined;
      let sample: Sample;
      try {
        sample = await start(cacheDir, candidate.path, candidate.id, candidates.length * i + candidates.indexOf(candidate));
      } finally {
        console.log = log;
      }
      candidate.samples.push(sample);
      console.log(`start ${i + 1}/${starts} ${candidate.name}: activation ${ms(sample.activationMs)}, CPU ${ms(sample.activationCpuMs)} (load ${ms(sample.loadMs)} + activate() ${ms(sample.callMs)}; await activate() ${ms(sample.wallMs)}), load average ${loadavg()[0].toFixed(2)}`);
    }
  }
  const loadAfter = loadavg();
  const bundleKiB = statSync(join(root, 'dist', 'extension.js')).size / 1024;
  const row = (name: string, xs: number[]) => `| ${name} | ${ms(median(xs))} | ${ms(Math.min(...xs))} | ${ms(Math.max(...xs))} |`;
  console.log(`\nActivation, ${starts} starts of each extension, alternated; load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after (1 min)\n`);
  console.log('| measure | median | min | max |\n|---|---|---|---|');
  for (const [name, key] of [
    ['activation (load + activate())', 'activationMs'],
    ['activation, CPU time', 'activationCpuMs'],
    ['load of the main module', 'loadMs'],
    ['activate() call', 'callMs'],
    ['await extension.activate() (wall, noisy)', 'wallMs'],
  ] as const) {
    console.log(row(`ours: ${name}`, ours.map((s) => s[key])));
    console.log(row(`empty: ${name}`, empty.map((s) => s[key])));
    if (compared.length) console.log(row(`compared build: ${name}`, compared.map((s) => s[key])));
  }
  console.log(row('ours: open the panel after activation', ours.map((s) => s.openPanelMs ?? NaN)));
  const difference = median(ours.map((s) => s.activationMs)) - median(empty.map((s) => s.activationMs));
  const wallDifference = median(ours.map((s) => s.wallMs)) - median(empty.map((s) => s.wallMs));
  const cpuDifference = median(ours.map((s) => s.activationCpuMs)) - median(empty.map((s) => s.activationCpuMs));
  const scripts = [...new Set(ours.flatMap((s) => s.ourScripts))].sort();
  const tfjs = [...new Set(ours.flatMap((s) => s.tfjsModules))];
  console.log(`\nactivation over the empty extension: ${ms(difference)}, CPU ${ms(cpuDifference)} (median minus median; await activate(): ${ms(wallDifference)}); target ≤ 10 ms: ${difference <= 10 ? 'met' : 'NOT met'}`);
  if (compared.length) {
    const before = median(compared.map((s) => s.activationMs)) - median(empty.map((s) => s.activationMs));
    const beforeCpu = median(compared.map((s) => s.activationCpuMs)) - median(empty.map((s) => s.activationCpuMs));
    console.log(`the compared build (${other}) over the empty extension: ${ms(before)}, CPU ${ms(beforeCpu)}; its dist/extension.js: ${(statSync(join(resolve(other as string), 'dist', 'extension.js')).size / 1024).toFixed(1)} KiB`);
  }
  console.log(`dist/extension.js: ${bundleKiB.toFixed(1)} KiB; our scripts loaded by activation: ${scripts.join(', ') || 'none'}; TensorFlow.js modules in the extension host: ${tfjs.length ? tfjs.join(', ') : 'none'}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
