import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..', '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('bundles', () => {
  it('keeps TensorFlow.js out of the extension host bundle', () => {
    const bundle = read('dist/extension.js');
    // tfjs-core registers kernels and names its engine; none of that may be in the extension host.
    for (const marker of ['registerKernel', 'tfjs-core', 'tfjs-backend-wasm']) {
      assert.ok(!bundle.includes(marker), `dist/extension.js contains '${marker}'`);
    }
  });

  it('keeps what activation loads small: the panel, the worker client and the snippet engine load on first use', () => {
    const bundle = read('dist/extension.js');
    // Names from the panel, the worker client, the snippet engine and the scheduler-call parser.
    for (const marker of ['RangeTestPanel', 'startRangeTest', 'snippetForRequest', 'parseSchedulerCalls', 'planInsertion']) {
      assert.ok(!bundle.includes(marker), `dist/extension.js contains '${marker}'`);
    }
    assert.ok(bundle.length < 32 * 1024, `dist/extension.js is ${(bundle.length / 1024).toFixed(0)} KiB`);
    for (const lazy of ['dist/extensionFeatures.js', 'dist/extensionCodeLens.js']) {
      const code = read(lazy);
      for (const marker of ['registerKernel', 'tfjs-core', 'tfjs-backend-wasm']) assert.ok(!code.includes(marker), `${lazy} contains '${marker}'`);
    }
  });

  it('leaves TensorFlow.js out of the worker, the CLI and the threads: a bundle of its own, required when a run needs it', () => {
    for (const path of ['dist/worker.js', 'dist/cli.js', 'dist/rangeTestThread.js']) {
      const code = read(path);
      for (const marker of ['tfjs-core', 'version_core']) assert.ok(!code.includes(marker), `${path} contains '${marker}'`);
    }
    for (const path of ['dist/worker.js', 'dist/cli.js']) assert.ok(read(path).includes('require("./tfLibraries.js")'), `${path} does not require dist/tfLibraries.js`);
    assert.ok(read('dist/tfLibraries.js').includes('version_core'));
  });

  it('bundles the worker, the CLI and the webview, and ships the WASM binaries', () => {
    for (const path of ['dist/worker.js', 'dist/cli.js', 'media/webview.js', 'dist/tfjs-backend-wasm-simd.wasm']) {
      assert.ok(existsSync(join(root, path)), `${path} is missing: run npm run build`);
    }
    assert.match(read('dist/cli.js'), /^#!\/usr\/bin\/env node/);
  });

  it('declares activation only through contributions, never "*"', () => {
    const pkg = JSON.parse(read('package.json')) as { activationEvents: string[]; contributes: { commands: Array<{ category?: string }> } };
    assert.ok(!pkg.activationEvents.includes('*'));
    assert.ok(!pkg.activationEvents.includes('onStartupFinished'));
    assert.ok(pkg.contributes.commands.every((c) => c.category === 'Cyclical LR'));
  });
});

describe('README', () => {
  it("lists every setting of package.json with its default (scripts/settings-table.mjs)", () => {
    const result = spawnSync(process.execPath, [join(root, 'scripts', 'settings-table.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const pkg = JSON.parse(read('package.json')) as { contributes: { configuration: { properties: Record<string, unknown> } } };
    for (const key of Object.keys(pkg.contributes.configuration.properties)) assert.ok(read('README.md').includes(`\`${key}\``), key);
  });
});

describe('VSIX contents (vsce ls, what npm run package packs)', function () {
  this.timeout(120_000);
  it('holds the bundles, the webview, the Python runner and snippets, and no sources, tests or caches', () => {
    const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
    const result = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const files = result.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    for (const needed of ['package.json', 'dist/extension.js', 'dist/extensionFeatures.js', 'dist/extensionCodeLens.js', 'dist/worker.js', 'dist/cli.js', 'dist/tfLibraries.js', 'dist/tfjs-backend-wasm-simd.wasm', 'media/webview.js', 'python/clr_torch_runner.py', 'python/cyclical_lr/bridge.py', 'python/cyclical_lr/__init__.py', 'python/pyproject.toml', 'snippets/python.json', 'images/icon.png']) {
      assert.ok(files.includes(needed), `${needed} is not packed`);
    }
    const unwanted = files.filter((f) => /^(src|test|out|bench|node_modules|\.vscode-test|test-results|dist\/test|media\/test)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'));
    assert.deepEqual(unwanted, []);
  });
});
