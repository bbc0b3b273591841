// Activation benchmark: what activating our extension costs, as the difference against an empty extension
// (same activation events, a main that does nothing) started the same way in the same run. Absolute
// milliseconds on a shared machine are mostly noise (the workbench, other users); the difference is not.
// Both are measured as users get them: packaged (ours: `npm run package`, the production build) and installed
// into code-server's extensions folder, so that VS Code starts them in production mode. Loaded as the
// extension under development instead, ours would run in test mode, which also loads the features bundle
// for the test hooks. The extension under development is a tiny one holding the bench's suite (suite.ts).
// Each start is a fresh code-server + Chromium (a fresh extension host) with one of the two extensions
// installed; the two alternate (ABBA), so that drift in the machine's load hits both alike.
// Usage: node out/bench/activation/run.js [starts per extension = 10]
// CLR_BENCH_VSIX=<our packaged .vsix> skips packaging this tree (npm run package, which rebuilds dist/).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { installExtension } from '../../test/harness/codeServer';
import { OfflineVsCode, provisionOfflineVsCode } from '../../test/harness/provision';
import { runSuiteInCodeServer } from '../../test/harness/runInCodeServer';
import { median } from '../support/stats';

const root = resolve(__dirname, '..', '..', '..');
const scratch = join(root, '.vscode-test');
const EMPTY_ID = 'cyclical-lr-bench.empty-extension';
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');

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

const ours = () => JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: unknown; activationEvents: string[] };

/** The empty extension, packaged: our manifest's activation events and engine, and an activate() that does nothing. */
function packEmptyExtension(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'dist'), { recursive: true });
  const manifest = {
    name: 'empty-extension',
    publisher: 'cyclical-lr-bench',
    version: '0.0.1',
    engines: ours().engines,
    main: './dist/extension.js',
    activationEvents: ours().activationEvents,
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'README.md'), 'The activation benchmark\'s empty extension.\n');
  writeFileSync(join(dir, 'dist', 'extension.js'), "'use strict';\nexports.activate = function activate() {};\nexports.deactivate = function deactivate() {};\n");
  const vsix = `${dir}.vsix`;
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix], dir);
  return vsix;
}

/** Our extension as `npm run package` packs it (the production build), from the checkout at `dir`. */
function packOurs(dir: string): string {
  run('npm', ['run', 'package'], dir);
  return join(dir, 'cyclical-lr.vsix');
}

/** The extension under development: nothing but the bench's suite, which it holds so that `vscode` resolves for it. */
function writeSuiteExtension(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'activation-bench-suite', publisher: 'cyclical-lr-bench', version: '0.0.1', engines: ours().engines }, null, 2));
  copyFileSync(join(__dirname, 'suite.js'), join(dir, 'suite.js'));
  return dir;
}

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} in ${cwd} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
}

/** An extensions folder holding only `vsix`, installed. */
function extensionsWith(tools: OfflineVsCode, name: string, vsix: string): string {
  const dir = join(scratch, 'activation-extensions', name);
  rmSync(dir, { recursive: true, force: true });
  installExtension(tools, dir, vsix);
  return dir;
}

/** A start that failed in the harness (a page load timing out on a loaded machine) is tried again, twice at most. */
async function start(tools: OfflineVsCode, suite: string, extensionsDir: string, id: string, index: number): Promise<Sample> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(tools, suite, extensionsDir, id, index);
    } catch (error) {
      if (attempt === 3) throw error;
      process.stderr.write(`start of ${id} failed (${(error as Error).message.split('\n')[0]}); trying again\n`);
    }
  }
}

async function startOnce(tools: OfflineVsCode, suite: string, extensionsDir: string, id: string, index: number): Promise<Sample> {
  const out = join(scratch, `activation-${index}.json`);
  rmSync(out, { force: true });
  const code = await runSuiteInCodeServer(tools, {
    extensionDevelopmentPath: suite,
    extensionTestsPath: join(suite, 'suite.js'),
    runDir: join(scratch, 'activation-run'),
    env: { ...process.env, CLR_BENCH_OUT: out, CLR_BENCH_EXTENSION: id },
    timeoutSeconds: 300,
    extensionsDir,
  });
  if (code !== 0) throw new Error(`the activation suite for ${id} exited with ${code}`);
  return JSON.parse(readFileSync(out, 'utf8')) as Sample;
}

const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const starts = Number(process.argv[2] ?? 10);
  if (!(Number.isInteger(starts) && starts >= 1)) throw new Error(`starts must be a positive integer, got ${process.argv[2]}`);
  const tools = provisionOfflineVsCode(process.env.CLR_VSCODE_CACHE ?? scratch);
  // CLR_BENCH_COMPARE=<another checkout, or a .vsix>: that package joins the rotation, for a before/after
  // measured side by side.
  const other = process.env.CLR_BENCH_COMPARE;
  const ourVsix = process.env.CLR_BENCH_VSIX ?? packOurs(root);
  if (!existsSync(ourVsix)) throw new Error(`${ourVsix} does not exist`);
  const suite = writeSuiteExtension(join(scratch, 'activation-bench-suite'));
  const loadBefore = loadavg();
  const ours: Sample[] = [];
  const empty: Sample[] = [];
  const compared: Sample[] = [];
  const candidates = [
    { name: 'ours', extensions: extensionsWith(tools, 'ours', ourVsix), id: 'cyclical-lr.cyclical-lr', samples: ours },
    { name: 'empty', extensions: extensionsWith(tools, 'empty', packEmptyExtension(join(scratch, 'bench-empty-extension'))), id: EMPTY_ID, samples: empty },
    ...(other ? [{ name: `compared (${other})`, extensions: extensionsWith(tools, 'compared', other.endsWith('.vsix') ? resolve(other) : packOurs(resolve(other))), id: 'cyclical-lr.cyclical-lr', samples: compared }] : []),
  ];
  // Quiet: the workbench's console chatter would bury the table.
  const log = console.log;
  for (let i = 0; i < starts; i++) {
    const order = i % 2 === 0 ? candidates : [...candidates].reverse();
    for (const candidate of order) {
      console.log = () => undefined;
      let sample: Sample;
      try {
        sample = await start(tools, suite, candidate.extensions, candidate.id, candidates.length * i + candidates.indexOf(candidate));
      } finally {
        console.log = log;
      }
      candidate.samples.push(sample);
      console.log(`start ${i + 1}/${starts} ${candidate.name}: activation ${ms(sample.activationMs)}, CPU ${ms(sample.activationCpuMs)} (load ${ms(sample.loadMs)} + activate() ${ms(sample.callMs)}; await activate() ${ms(sample.wallMs)}), load average ${loadavg()[0].toFixed(2)}`);
    }
  }
  const loadAfter = loadavg();
  const installed = readdirSync(candidates[0].extensions).find((name) => name.startsWith('cyclical-lr.cyclical-lr'));
  const bundleKiB = installed ? statSync(join(candidates[0].extensions, installed, 'dist', 'extension.js')).size / 1024 : NaN;
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
    console.log(`the compared build (${other}) over the empty extension: ${ms(before)}, CPU ${ms(beforeCpu)}`);
  }
  console.log(`installed package: ${(statSync(ourVsix).size / 1024).toFixed(0)} KiB; its dist/extension.js as installed: ${bundleKiB.toFixed(1)} KiB; our scripts loaded by activation: ${scripts.join(', ') || 'none'}; TensorFlow.js modules in the extension host: ${tfjs.length ? tfjs.join(', ') : 'none'}`);
  // The features bundle loads with the activation only in test mode (extension.ts): then this is not what users get.
  if (scripts.some((s) => s.includes('extensionFeatures') || s.includes('testMode'))) console.log('WARNING: activation loaded the features bundle: our extension did not run in production mode');
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
