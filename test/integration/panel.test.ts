import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RangeTestResult } from '../../src/core/types';
import { activateExtension } from './support/extension';
import { makePanelFixtures, panelState, resultShown, waitFor, waitForPanel } from './support/panel';

// The panel's whole flow in the real VS Code: run a range test on a small dataset from the command,
// watch the webview plot every point and show the suggestions, then insert the scheduler into an open
// Python file through the panel's own button.

describe('range-test panel', function () {
  this.timeout(180_000);
  let fixtures: ReturnType<typeof makePanelFixtures>;
  let result: RangeTestResult | undefined;
  let firstRunId: string | undefined;

  before(async () => {
    await activateExtension();
    fixtures = makePanelFixtures();
    // Start from one editor group: the script on the left, the panel opening beside it.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    // The script was edited by the insert: save it (it is a temp file) so closing it asks nothing.
    await vscode.workspace.textDocuments.find((d) => d.uri.fsPath === fixtures.script)?.save();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(fixtures.dir, { recursive: true, force: true });
  });

  it('runs a range test from the command and plots every point in the panel', async () => {
    const document = await vscode.workspace.openTextDocument(fixtures.script);
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    const end = document.lineAt(document.lineCount - 1).range.end;
    editor.selection = new vscode.Selection(end, end);

    result = await vscode.commands.executeCommand<RangeTestResult | undefined>('cyclicalLr.runRangeTest', {
      dataset: fixtures.csv,
      config: { iterations: 80, model: 'mlp', batchSize: 32, startLr: 1e-5, endLr: 10 },
    });
    assert.ok(result, 'the command resolves with the result');
    assert.ok(result.lrs.length >= 10, `at least 10 points, got ${result.lrs.length}`);

    const state = await waitForPanel((s) => resultShown(s) && s.pointsPlotted === result?.lrs.length, 'the finished run plotted');
    assert.equal(state.error, null);
    assert.ok(state.runId, 'the panel names the run it shows');
    firstRunId = state.runId;
  });

  it('shows the suggestions with their bounds on the chart', async () => {
    assert.ok(result);
    const state = await waitForPanel((s) => s.suggestionRows.length > 0, 'suggestions');
    const rules = state.suggestionRows.map(([rule]) => rule);
    for (const rule of ['Cyclical bounds', 'One-cycle max_lr', 'Steepest', 'Minimum', 'Valley', 'Slide']) {
      assert.ok(rules.some((r) => r.startsWith(rule)), `a row for ${rule} in ${JSON.stringify(rules)}`);
    }
    assert.deepEqual(state.bounds, result.suggestion.clr, 'the chart shows the suggested bounds');
    assert.deepEqual(state.diagnostics, result.suggestion.diagnostics);
    // The dataset was inspected (in a child process) for the form's target-column control.
    const inspected = await waitForPanel((s) => /rows/.test(s.datasetInfo), 'the dataset inspection');
    assert.match(inspected.datasetInfo, /CSV · 600 rows · 2 features · target “label” \(classification, 3 classes\)/);
    assert.ok(state.schedulePoints > 0, 'the schedule preview is drawn');
  });

  it('inserts the scheduler into the open Python file from the panel', async () => {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === fixtures.script);
    assert.ok(document, 'the script is open');
    const before = document.getText();
    await vscode.commands.executeCommand('cyclicalLr._panelActionForTests', 'use-bounds');
    await vscode.commands.executeCommand('cyclicalLr._panelActionForTests', 'insert-pytorch');
    const text = await waitFor(() => {
      const now = document.getText();
      return now !== before ? now : undefined;
    }, 'the inserted code');
    assert.match(text, /CyclicLR\(/);
    assert.ok(result);
    // The inserted bounds are the suggested ones (as the snippet writes them, 3+ significant digits).
    const baseLr = result.suggestion.clr.baseLr;
    assert.ok(text.includes(String(Number(baseLr.toPrecision(3)))) || text.includes(baseLr.toPrecision(3)) || text.includes(String(baseLr)), `base_lr ${baseLr} in:\n${text}`);
  });

  it('sets the peak of a warm-up schedule from the range test, as for one-cycle', async () => {
    assert.ok(result);
    await vscode.commands.executeCommand('cyclicalLr.openPanel', { schedule: { policy: 'wsd', maxLr: 0.1, totalSteps: 500, warmupSteps: 25, decaySteps: 100 } });
    const before = await waitForPanel((s) => s.policy === 'wsd', 'the WSD preview');
    await vscode.commands.executeCommand('cyclicalLr._panelActionForTests', 'use-one-cycle');
    const peak = result.suggestion.oneCycle.maxLr;
    const after = await waitForPanel((s) => s.bounds?.maxLr === peak, `the peak ${peak} from the range test`);
    assert.equal(after.policy, 'wsd', 'the warm-up schedule stays selected');
    assert.equal(after.schedulePoints, before.schedulePoints, 'with its length and phases');
    // Back to the suggested bounds, which the tests below expect on the chart.
    await vscode.commands.executeCommand('cyclicalLr._panelActionForTests', 'use-bounds');
    await waitForPanel((s) => s.bounds?.baseLr === result?.suggestion.clr.baseLr, 'the suggested bounds again');
  });

  it('keeps the finished run in the history and reopens it', async () => {
    const state = await panelState();
    assert.ok(state?.runId);
    await vscode.commands.executeCommand('cyclicalLr.openRun', state.runId);
    const reopened = await waitForPanel((s) => s.runId === state.runId && s.status === 'done', 'the reopened run');
    assert.equal(reopened.pointsPlotted, result?.lrs.length);
  });

  it('exports the shown run as CSV, JSON and PNG to the file the user picks', async () => {
    const state = await waitForPanel((s) => resultShown(s) && s.runId !== null, 'a finished run');
    const window = vscode.window as { showSaveDialog: typeof vscode.window.showSaveDialog };
    const original = window.showSaveDialog;
    try {
      for (const format of ['csv', 'json', 'png'] as const) {
        const target = join(fixtures.dir, `export.${format}`);
        // Stands in for the user choosing a file in the save dialog.
        window.showSaveDialog = async () => vscode.Uri.file(target);
        await vscode.commands.executeCommand('cyclicalLr._panelActionForTests', `export-${format}`);
        // The file appears before its bytes are written: wait for them.
        await waitFor(() => (existsSync(target) && statSync(target).size > 0 ? true : undefined), `export.${format}`);
        const bytes = readFileSync(target);
        if (format === 'csv') {
          const lines = bytes.toString('utf8').trimEnd().split('\n');
          assert.equal(lines[0], 'step,lr,loss,smoothed');
          assert.equal(lines.length - 1, state.pointsPlotted);
        } else if (format === 'json') {
          const exported = JSON.parse(bytes.toString('utf8')) as RangeTestResult;
          assert.equal(exported.lrs.length, state.pointsPlotted);
          assert.deepEqual(exported.suggestion.clr, state.bounds);
        } else {
          assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
          assert.ok(bytes.length > 5000, `a real image (${bytes.length} bytes)`);
        }
      }
    } finally {
      window.showSaveDialog = original;
    }
  });

  it('shows a clear error for a dataset it cannot read, and keeps working', async () => {
    const missing = join(fixtures.dir, 'no-such-file.csv');
    const failed = await vscode.commands.executeCommand<RangeTestResult | undefined>('cyclicalLr.runRangeTest', { dataset: missing, config: { iterations: 20 } });
    assert.equal(failed, undefined);
    const state = await waitForPanel((s) => s.status === 'failed', 'the failure shown');
    const info = await waitForPanel((s) => /no such file/.test(s.datasetInfo), 'the inspection problem under the dataset field');
    assert.match(info.datasetInfo, /no-such-file\.csv/);
    assert.ok(state.error && /no-such-file|not found|does not exist|ENOENT/i.test(state.error), `error names the problem: ${state.error}`);

    const again = await vscode.commands.executeCommand<RangeTestResult | undefined>('cyclicalLr.runRangeTest', { dataset: fixtures.csv, config: { iterations: 20, model: 'linear' } });
    assert.ok(again, 'a run after the failure works');
    await waitForPanel((s) => resultShown(s) && s.pointsPlotted === again.lrs.length, 'the next run');
  });

  it('overlays one run on another, and deletes a run from the history', async () => {
    assert.ok(firstRunId);
    // The words of a finished run show before its result: wait for the result (its bounds), which is when the
    // history marks it as the shown run and enables the first run's Overlay button.
    const shown = await waitForPanel((s) => s.historyIds.length >= 2 && s.runId !== firstRunId && s.bounds !== null, 'two runs in the history, the newer shown');
    await vscode.commands.executeCommand('cyclicalLr._panelActionForTests', `overlay-${firstRunId}`);
    const overlaid = await waitForPanel((s) => s.overlayRunId === firstRunId && s.overlayPoints > 0, 'the overlay');
    assert.equal(overlaid.overlayPoints, result?.lrs.length);
    assert.equal(overlaid.runId, shown.runId, 'the shown run stays');

    await vscode.commands.executeCommand('cyclicalLr.deleteRun', firstRunId);
    const after = await waitForPanel((s) => !s.historyIds.includes(firstRunId as string), 'the deleted run gone');
    assert.equal(after.overlayRunId, null, 'the overlay of a deleted run is removed');
    assert.equal(after.overlayPoints, 0);
  });

  it('reports a crash of the worker in the panel, and keeps working', async () => {
    const run = vscode.commands.executeCommand<RangeTestResult | undefined>('cyclicalLr.runRangeTest', {
      dataset: fixtures.csv,
      config: { iterations: 100_000, startLr: 1e-6, endLr: 1e-5, diverge: 1e9, model: 'mlp' },
    });
    await waitForPanel((s) => s.status === 'running' && s.pointsPlotted > 5, 'points streaming', 60_000);
    const workers = await waitFor(() => {
      const pids = workerPids();
      return pids.length ? pids : undefined;
    }, 'the worker process');
    for (const pid of workers) process.kill(pid, 'SIGKILL');
    assert.equal(await run, undefined);
    const state = await waitForPanel((s) => s.status === 'failed', 'the crash shown');
    assert.match(state.error ?? '', /stopped unexpectedly.*killed|SIGKILL/i);

    const again = await vscode.commands.executeCommand<RangeTestResult | undefined>('cyclicalLr.runRangeTest', { dataset: fixtures.csv, config: { iterations: 20, model: 'linear' } });
    assert.ok(again, 'a run after the crash works');
  });

  it('cancels a running test within a second', async () => {
    const run = vscode.commands.executeCommand<RangeTestResult | undefined>('cyclicalLr.runRangeTest', {
      dataset: fixtures.csv,
      config: { iterations: 100_000, startLr: 1e-6, endLr: 1e-5, diverge: 1e9, model: 'mlp' },
    });
    await waitForPanel((s) => s.status === 'running' && s.pointsPlotted > 5, 'points streaming', 60_000);
    const started = Date.now();
    await vscode.commands.executeCommand('cyclicalLr.cancelRangeTest');
    const outcome = await run;
    const elapsed = Date.now() - started;
    assert.equal(outcome, undefined);
    assert.ok(elapsed < 1000, `cancelled in ${elapsed} ms`);
    await waitForPanel((s) => s.status === 'cancelled', 'the cancellation shown');
  });

  it('restores what it showed after being hidden (its webview is recreated)', async () => {
    await waitForPanel((s) => s.status === 'cancelled' || s.status === 'done', 'a settled panel');
    // The status is reported at once, the last points once drawn: read the state when all is on screen.
    await new Promise((r) => setTimeout(r, 1500));
    const before = await waitForPanel((s) => s.status === 'cancelled' || s.status === 'done', 'a settled panel');
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview);
    assert.ok(tab, 'the panel is open');
    // Another editor in the panel's group hides it; VS Code then destroys the webview's document.
    const other = await vscode.workspace.openTextDocument(fixtures.csv);
    await vscode.window.showTextDocument(other, { viewColumn: tab.group.viewColumn });
    const panelTab = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview);
    await waitFor(() => (panelTab()?.isActive ? undefined : true), 'the panel hidden');
    await waitFor(async () => ((await panelState()) === null ? true : undefined), 'the hidden panel to report nothing');
    await vscode.commands.executeCommand('cyclicalLr.openPanel');
    const after = await waitForPanel((s) => s.runId === before.runId && s.pointsPlotted === before.pointsPlotted && s.status === before.status, 'the same run again');
    assert.deepEqual(after.bounds, before.bounds);
    assert.equal(after.policy, before.policy);
  });

  it('previews a schedule handed over by the CodeLens', async () => {
    await vscode.commands.executeCommand('cyclicalLr.openPanel', { schedule: { policy: 'one-cycle', maxLr: 0.1, totalSteps: 500 } });
    const state = await waitForPanel((s) => s.policy === 'one-cycle', 'the one-cycle preview');
    assert.equal(state.schedulePoints, 500);
  });
});

/** Range-test workers forked by this extension host (the tests run inside it). Linux: read from /proc. */
function workerPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const command = readFileSync(`/proc/${name}/cmdline`, 'utf8');
        return parent === process.pid && command.includes('worker.js') ? [Number(name)] : [];
      } catch {
        return [];
      }
    });
}
