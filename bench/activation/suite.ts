// Runs inside VS Code (as an extensionTestsPath): activates one extension (ours, or the empty one the bench
// generates) and reports how long that took, and which of our bundles and TensorFlow.js modules the
// extension host has loaded by then.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the extension host's event loop is quiet (the workbench keeps it busy for a while after it
 * starts), so that activation is not timed while start-up work is still queued in front of it. Gives up
 * after `maxMs` on a machine that is never quiet.
 */
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
  const settledMs = await settle(10_000);
  const cpu = process.cpuUsage();
  const start = performance.now();
  await extension.activate();
  const activateMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const activateCpuMs = (used.user + used.system) / 1000;
  const loaded = Object.keys(require.cache);
  const ourBundles = loaded.filter((m) => m.startsWith(extension.extensionPath) && m.endsWith('.js')).map((m) => m.slice(extension.extensionPath.length + 1));
  let openPanelMs: number | null = null;
  if (id === 'cyclical-lr.cyclical-lr') {
    const openStart = performance.now();
    await vscode.commands.executeCommand('cyclicalLr.openPanel');
    openPanelMs = performance.now() - openStart;
  }
  const tfjsModules = loaded.filter((m) => m.includes('@tensorflow'));
  const out = process.env.CLR_BENCH_OUT;
  if (out) writeFileSync(out, JSON.stringify({ activateMs, activateCpuMs, openPanelMs, settledMs, ourBundles, tfjsModules }));
}
