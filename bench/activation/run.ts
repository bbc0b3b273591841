// Activation-time benchmark: starts the real VS Code (offline: code-server + Chromium) N times, activates
// the extension in each and reports the median. Usage: node out/bench/activation/run.js [runs=5]
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = resolve(__dirname, '..', '..', '..');

interface Sample {
  activateMs: number;
  openPanelMs: number;
  tfjsModules: string[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const out = join(root, '.vscode-test', `activation-${i}.json`);
    rmSync(out, { force: true });
    await runTests({
      vscodeExecutablePath: join(root, 'test', 'harness', 'code-shim.sh'),
      extensionDevelopmentPath: root,
      extensionTestsPath: join(__dirname, 'suite'),
      extensionTestsEnv: { CLR_BENCH_OUT: out },
    });
    samples.push(JSON.parse(readFileSync(out, 'utf8')) as Sample);
  }
  const bundleKb = statSync(join(root, 'dist', 'extension.js')).size / 1024;
  console.log('\n| measure | median | min | max |\n|---|---|---|---|');
  for (const key of ['activateMs', 'openPanelMs'] as const) {
    const xs = samples.map((s) => s[key]);
    console.log(`| ${key} | ${median(xs).toFixed(1)} ms | ${Math.min(...xs).toFixed(1)} ms | ${Math.max(...xs).toFixed(1)} ms |`);
  }
  console.log(`\nruns: ${runs}; dist/extension.js: ${bundleKb.toFixed(0)} KiB; tfjs modules in the extension host: ${samples.some((s) => s.tfjsModules.length) ? samples.flatMap((s) => s.tfjsModules).join(', ') : 'none'}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
