// Bundles the extension, the worker, the CLI (Node, CommonJS) and the webview (browser) with esbuild.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const require = createRequire(import.meta.url);

// Native TensorFlow cannot be bundled; it is loaded at run time when it is installed.
const nodeExternals = ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

// TF.js is a bundle of its own (dist/tfLibraries.js), required at run time by src/engine/tf.ts only when a
// run needs it: the worker and the CLI then start without reading or evaluating its ~2.5 MB.
const tfLibrariesApart = {
  name: 'tf-libraries-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/tfLibraries$/ }, () => ({ path: './tfLibraries.js', external: true }));
  },
};

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

const builds = [
  // What activation loads stays small; the rest of the extension host's code is loaded on first use.
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node18', external: nodeExternals },
  { ...common, entryPoints: ['src/extension/features.ts'], outfile: 'dist/extensionFeatures.js', platform: 'node', format: 'cjs', target: 'node18', external: nodeExternals },
  { ...common, entryPoints: ['src/extension/schedulerCodeLens.ts'], outfile: 'dist/extensionCodeLens.js', platform: 'node', format: 'cjs', target: 'node18', external: nodeExternals },
  // A range test's seed threads with fused trainers load this one instead of the whole worker (no TF.js).
  { ...common, entryPoints: ['src/engine/rangeTestThread.ts'], outfile: 'dist/rangeTestThread.js', platform: 'node', format: 'cjs', target: 'node18', external: nodeExternals },
  { ...common, entryPoints: ['src/worker/main.ts'], outfile: 'dist/worker.js', platform: 'node', format: 'cjs', target: 'node18', external: nodeExternals, plugins: [tfLibrariesApart] },
  { ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node18', external: nodeExternals, plugins: [tfLibrariesApart], banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: ['src/engine/tfLibraries.ts'], outfile: 'dist/tfLibraries.js', platform: 'node', format: 'cjs', target: 'node18', external: nodeExternals },
  { ...common, entryPoints: ['src/webview/main.ts'], outfile: 'media/webview.js', platform: 'browser', format: 'iife', target: 'es2020' },
  // Test mode's hooks, loaded only when the extension runs in ExtensionMode.Test: bundles of their own, in
  // folders the package's allow-list (.vscodeignore) leaves out, so that nothing test-only ships.
  { ...common, entryPoints: ['src/extension/testMode/testMode.ts'], outfile: 'dist/test/testMode.js', platform: 'node', format: 'cjs', target: 'node18', external: nodeExternals },
  { ...common, entryPoints: ['src/webview/testMode/main.ts'], outfile: 'media/test/webview.js', platform: 'browser', format: 'iife', target: 'es2020' },
];

// The WASM backend fetches its binaries from beside the bundle.
function copyWasmBinaries() {
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const from = join(wasmDir, 'dist');
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (const name of readdirSync(from).filter((f) => f.endsWith('.wasm'))) {
    cpSync(join(from, name), join(root, 'dist', name));
  }
}

// The engine's kernels: AssemblyScript (src/engine/kernels/) compiled to WebAssembly SIMD, once without and
// once with relaxed SIMD (fused multiply-add), which the engine picks where the runtime validates it.
async function compileKernels() {
  const sourceDir = join(root, 'src', 'engine', 'kernels');
  const sources = readdirSync(sourceDir).filter((f) => f.endsWith('.ts')).map((f) => join(sourceDir, f));
  const variants = [
    { outFile: 'dist/engineKernels.wasm', features: 'simd' },
    { outFile: 'dist/engineKernels-relaxed.wasm', features: 'simd,relaxed-simd' },
  ];
  const newestSource = Math.max(...[...sources, fileURLToPath(import.meta.url)].map((f) => statSync(f).mtimeMs));
  const stale = variants.filter((v) => !existsSync(join(root, v.outFile)) || statSync(join(root, v.outFile)).mtimeMs < newestSource);
  if (stale.length === 0) return;
  const { default: asc } = await import('assemblyscript/asc');
  for (const { outFile, features } of stale) {
    // --debug adds only a name section (the code is the same), so that profiles show the kernels by name.
    const args = ['src/engine/kernels/index.ts', '--outFile', outFile, '--enable', features, '-O3', '--debug', '--runtime', 'stub', '--importMemory', '--noAssert', '--use', 'abort='];
    const { error, stderr } = await asc.main(args, { baseDir: root });
    if (error) throw new Error(`AssemblyScript failed on src/engine/kernels:\n${stderr.toString()}`);
  }
}

copyWasmBinaries();
await compileKernels();
// `clr range-test --report` inlines chart.js into its HTML file; the bundle reads it from beside itself.
cpSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), join(root, 'dist', 'chart.umd.min.js'));
if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching for changes…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
