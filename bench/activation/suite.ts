// Runs inside VS Code (as an extensionTestsPath): activates one extension (ours, or the empty one the bench
// generates) and reports what that cost, and which of our scripts and TensorFlow.js modules the extension
// host has loaded by then.
//
// The figure is what VS Code itself counts as activation ("Developer: Show Running Extensions"): loading the
// extension's main module (read, compile, run, with everything it requires) plus the activate() call. Both
// are timed around our own code only, by hooking Node's loader for that one file, because the wall time of
// `extension.activate()` also holds whatever else the busy extension host runs while VS Code awaits its own
// bookkeeping (it moved by seconds between identical starts). That time is reported too.
import Module from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';

type Loader = (this: unknown, module: { exports: Record<string, unknown> }, filename: string) => void;

/** Times the loading of `file` and the activate() it exports. */
function timeActivation(file: string): { loadMs: number | null; callMs: number | null; cpuMs: number; restore(): void } {
  const loaders = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
  const original = loaders['.js'];
  // CPU time too: on a machine with more runnable processes than cores, a section of a few milliseconds can
  // wait 100 ms for a core (the wall time then says more about the neighbours than about our code).
  const cpuSince = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000;
  };
  const timing = {
    loadMs: null as number | null,
    callMs: null as number | null,
    cpuMs: 0,
    restore: () => {
      loaders['.js'] = original;
    },
  };
  loaders['.js'] = function (module, filename) {
    if (filename !== file) return original.call(this, module, filename);
    const start = performance.now();
    const cpu = process.cpuUsage();
    original.call(this, module, filename);
    timing.loadMs = performance.now() - start;
    timing.cpuMs += cpuSince(cpu);
    // Bundles define their exports as getters: wrap activate in a copy that VS Code reads instead.
    const exports = { ...module.exports };
    const activate = exports.activate as (...args: unknown[]) => unknown;
    exports.activate = function (this: unknown, ...args: unknown[]) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      try {
        return activate.apply(this, args);
      } finally {
        timing.callMs = performance.now() - t;
        timing.cpuMs += cpuSince(cpu);
      }
    };
    module.exports = exports;
  };
  return timing;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (at most `maxMs`) until the extension host's event loop is quiet after the workbench's start-up. */
async function settle(maxMs: number): Promise<number> {
  const start = performance.now();
  let quiet = 0;
  while (quiet < 20 && performance.now() - start < maxMs) {
    const t = performance.now();
    await sleep(10);
    quiet = performance.now() - t < 14 ? quiet + 1 : 0;
  }
  return performance.now() - start;
}

export async function run(): Promise<void> {
  const id = process.env.CLR_BENCH_EXTENSION ?? 'cyclical-lr.cyclical-lr';
  const extension = vscode.extensions.getExtension(id);
  if (!extension) throw new Error(`extension ${id} not found`);
  if (extension.isActive) throw new Error(`extension ${id} was already active: nothing to measure`);
  const main = join(extension.extensionPath, (extension.packageJSON as { main: string }).main);
  const settledMs = await settle(10_000);
  const timing = timeActivation(main.endsWith('.js') ? main : `${main}.js`);
  const cpu = process.cpuUsage();
  const start = performance.now();
  await extension.activate();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  timing.restore();
  if (timing.loadMs === null || timing.callMs === null) throw new Error(`the loader hook did not see ${main} load: cannot time its activation`);
  const loaded = Object.keys(require.cache);
  const dist = join(extension.extensionPath, 'dist');
  const ourScripts = loaded.filter((m) => m.startsWith(dist) && m.endsWith('.js')).map((m) => m.slice(extension.extensionPath.length + 1));
  let openPanelMs: number | null = null;
  if (id === 'cyclical-lr.cyclical-lr') {
    const openStart = performance.now();
    await vscode.commands.executeCommand('cyclicalLr.openPanel');
    openPanelMs = performance.now() - openStart;
  }
  const tfjsModules = loaded.filter((m) => m.includes('@tensorflow'));
  const sample = {
    activationMs: timing.loadMs + timing.callMs,
    activationCpuMs: timing.cpuMs,
    loadMs: timing.loadMs,
    callMs: timing.callMs,
    wallMs,
    processCpuMs: (used.user + used.system) / 1000,
    openPanelMs,
    settledMs,
    ourScripts,
    tfjsModules,
  };
  const out = process.env.CLR_BENCH_OUT;
  if (out) writeFileSync(out, JSON.stringify(sample));
}
