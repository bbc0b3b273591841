import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { RangeTestResult } from '../../src/core/types';
import { findTorchPython } from '../../src/worker/pythonInterpreter';
import { activateExtension } from './support/extension';
import { panelState, resultShown, waitFor, waitForPanel } from './support/panel';
import { testTempDir } from '../support/tempDirs';

// Runs from the user's own training loop (the cyclical_lr package), in the real VS Code: a run file written
// by a separate Python process appears in the panel while it runs and lands in the history; "Open Run
// File…" opens one; new terminals can import the package.

const root = process.env.CLR_REPO_ROOT ?? resolve(__dirname, '..', '..', '..');
const scripts = join(root, 'test', 'python');

function startPython(args: string[], cwd: string) {
  const child = spawn(findTorchPython().executable, args, {
    cwd,
    env: { ...process.env, PYTHONPATH: [join(root, 'python'), scripts].join(delimiter), PYTHONDONTWRITEBYTECODE: '1' },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited };
}

describe('runs from your own training loop (run files)', function () {
  this.timeout(180_000);
  const workspace = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath as string;

  before(async () => {
    await activateExtension();
    await vscode.commands.executeCommand('cyclicalLr.openPanel');
  });

  after(() => rmSync(join(workspace(), '.cyclical-lr'), { recursive: true, force: true }));

  it('a run a separate Python process writes into the workspace appears in the panel within a second, plots live and lands in the history', async () => {
    const runs = join(workspace(), '.cyclical-lr', 'runs');
    const file = join(runs, 'from-a-terminal.jsonl');
    const before = await panelState();
    const python = startPython([join(scripts, 'slow_run.py'), file, '150'], workspace());
    await waitFor(() => (existsSync(file) ? true : undefined), 'the run file', 60_000);
    const created = Date.now();
    const live = await waitForPanel((s) => s.status === 'running' && s.runId !== before?.runId, 'the run shown live', 10_000);
    const latency = Date.now() - created;
    console.log(`      (shown in the panel ${latency} ms after the run file appeared)`);
    assert.ok(latency < 1000, `shown ${latency} ms after the file appeared`);
    const plotting = await waitForPanel((s) => s.runId === live.runId && s.pointsPlotted >= 10, 'points while the process trains');
    assert.equal(python.child.exitCode, null, 'the points came while Python was still training');
    assert.equal(plotting.status, 'running');
    assert.equal(await python.exited, 0);
    const done = await waitForPanel((s) => s.runId === live.runId && resultShown(s), 'the finished run with its suggestions');
    assert.ok(done.suggestionRows.length > 0, 'the suggestions are shown');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const end = lines[lines.length - 1] as { suggestion: { clr: { baseLr: number; maxLr: number } } };
    assert.ok(done.bounds);
    for (const key of ['baseLr', 'maxLr'] as const) {
      assert.ok(Math.abs(done.bounds[key] - end.suggestion.clr[key]) <= 1e-9 * end.suggestion.clr[key], `${key}: the panel's ${done.bounds[key]} is Python's ${end.suggestion.clr[key]}`);
    }
    // The panel shows the result before the history is saved (a file write): wait for the list that holds it.
    await waitForPanel((s) => s.historyIds.includes(live.runId as string), 'the run in the history');
  });

  it('"Open Run File…" shows a finished run file from anywhere', async () => {
    const dir = testTempDir('clr-runfile-');
    const file = join(dir, 'elsewhere.jsonl');
    const python = startPython([join(scripts, 'slow_run.py'), file, '40'], dir);
    assert.equal(await python.exited, 0);
    const result = await vscode.commands.executeCommand<RangeTestResult | undefined>('cyclicalLr.openRunFile', vscode.Uri.file(file));
    assert.ok(result, 'the command resolves with the run');
    assert.equal(result.config.dataset, file);
    const state = await waitForPanel((s) => resultShown(s) && s.pointsPlotted === result.lrs.length, 'the run plotted with its bounds');
    assert.deepEqual(state.bounds, result.suggestion.clr);
    rmSync(dir, { recursive: true, force: true });
  });

  it('new terminals can import cyclical_lr (PYTHONPATH), unless cyclicalLr.terminalPythonPath is off', async () => {
    const dir = testTempDir('clr-terminal-');
    const pythonPathIn = async (name: string): Promise<string> => {
      const out = join(dir, name);
      const terminal = vscode.window.createTerminal({ name, shellPath: '/bin/sh', shellArgs: ['-c', `printf '%s' "$PYTHONPATH" > ${out}`] });
      const value = await waitFor(() => (existsSync(out) ? readFileSync(out, 'utf8') : undefined), `the terminal ${name}`);
      terminal.dispose();
      return value;
    };
    const packageDir = join(vscode.extensions.getExtension('cyclical-lr.cyclical-lr')?.extensionPath as string, 'python');
    assert.ok((await pythonPathIn('on')).split(delimiter).includes(packageDir), 'the package folder is on PYTHONPATH');
    const settings = vscode.workspace.getConfiguration('cyclicalLr');
    await settings.update('terminalPythonPath', false, vscode.ConfigurationTarget.Global);
    try {
      assert.ok(!(await pythonPathIn('off')).split(delimiter).includes(packageDir), 'not with the setting off');
    } finally {
      await settings.update('terminalPythonPath', undefined, vscode.ConfigurationTarget.Global);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
