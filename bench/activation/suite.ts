// Runs inside VS Code (as an extensionTestsPath): activates the extension once and reports how long it took
// and whether TensorFlow.js got loaded into the extension host.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension('cyclical-lr.cyclical-lr');
  if (!extension) throw new Error('extension not found');
  const start = performance.now();
  await extension.activate();
  const activateMs = performance.now() - start;
  const openStart = performance.now();
  await vscode.commands.executeCommand('cyclicalLr.openPanel');
  const openPanelMs = performance.now() - openStart;
  const tfjsModules = Object.keys(require.cache).filter((m) => m.includes('@tensorflow'));
  const out = process.env.CLR_BENCH_OUT;
  if (out) writeFileSync(out, JSON.stringify({ activateMs, openPanelMs, tfjsModules }));
}
