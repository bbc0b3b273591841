import * as path from 'node:path';
import * as vscode from 'vscode';
import { RUN_FILE_EXTENSION, RUN_FOLDER, runFileConfig } from '../core/runFile';
import { DEFAULT_RANGE_TEST_CONFIG, RangeTestConfig, RangeTestResult } from '../core/types';
import { followRunFile, readRunHeader } from '../worker/runFileFollower';
import { logLine } from './outputChannel';
import { rangeTestRunning, showRangeTestRun } from './panel/panelController';

// Range tests that ran outside the extension, in the user's own training loop (the cyclical_lr Python
// package): their run files, in the panel. The run folder of every workspace folder is watched, so a run
// started in a terminal, a notebook or on a remote host (VS Code Remote: the file is in the workspace)
// appears live; "Cyclical LR: Open Run File…" opens any run file.

export const OPEN_RUN_FILE_COMMAND = 'cyclicalLr.openRunFile';

/** Run files already shown (or being shown) in this session, so that each is shown once. */
const shown = new Set<string>();
/** Runs waiting for the panel: one range test at a time is shown live. */
let queue: Promise<unknown> = Promise.resolve();

function label(file: string): string {
  return `${path.basename(file, RUN_FILE_EXTENSION)} (run file)`;
}

/** The sweep the run's header announces (the panel's progress needs its length); waits briefly for a new file's first line. */
async function runConfig(file: string): Promise<RangeTestConfig> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const header = await readRunHeader(file).catch(() => undefined);
    if (header) return runFileConfig({ header, steps: [] }, file);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { ...DEFAULT_RANGE_TEST_CONFIG, dataset: file };
}

/** Shows the run file in the panel, live while it is written, then in the history. */
export function showRunFile(context: vscode.ExtensionContext, file: string): Promise<RangeTestResult | undefined> {
  shown.add(file);
  const next = queue.then(async () => {
    // Another range test (a built-in one, a PyTorch one) has the panel: this run waits for its turn.
    while (rangeTestRunning()) await new Promise((r) => setTimeout(r, 250));
    logLine(`run file: showing ${file}`);
    return showRangeTestRun(context, {
      label: label(file),
      config: await runConfig(file),
      start: (onEvent) => followRunFile({ file, onEvent }),
    });
  });
  queue = next.catch(() => undefined);
  return next;
}

async function openRunFileCommand(context: vscode.ExtensionContext, arg: unknown): Promise<RangeTestResult | undefined> {
  let file = arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : undefined;
  if (!file) {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Open Run',
      filters: { 'Cyclical LR run files': ['jsonl'] },
      defaultUri: folder ? vscode.Uri.joinPath(folder.uri, RUN_FOLDER) : undefined,
    });
    file = picked?.[0]?.fsPath;
  }
  return file ? showRunFile(context, path.resolve(file)) : undefined;
}

/** A run file the watcher (runFolderWatch.ts) found: shown unless it already was. */
export function showNewRunFile(context: vscode.ExtensionContext, file: string): void {
  if (shown.has(file)) return;
  void showRunFile(context, file).catch((error: unknown) => logLine(`run file ${file}: ${String(error)}`));
}

export function registerRunFiles(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(OPEN_RUN_FILE_COMMAND, (arg?: unknown) => openRunFileCommand(context, arg)));
}
