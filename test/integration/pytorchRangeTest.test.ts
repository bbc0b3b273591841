import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PanelStateReport } from '../../src/core/wire/panelTestChannel';
import type { RangeTestResult } from '../../src/core/types';
import { EXTENSION_ID, activateExtension } from './support/extension';
import { testTempDir } from '../support/tempDirs';

const COMMAND = 'cyclicalLr.runPyTorchRangeTest';

async function panelState(until: (s: PanelStateReport) => boolean, what: string): Promise<PanelStateReport> {
  const deadline = Date.now() + 30_000;
  let state: PanelStateReport | null = null;
  while (Date.now() < deadline) {
    state = (await vscode.commands.executeCommand<PanelStateReport | null>('cyclicalLr._panelStateForTests')) ?? null;
    if (state && until(state)) return state;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`the panel never showed ${what}; last state: ${JSON.stringify(state)}`);
}

describe('Run Range Test on PyTorch Model (real torch)', function () {
  this.timeout(180_000);

  it('is declared for trusted workspaces only', async () => {
    const extension = await activateExtension();
    const pkg = extension.packageJSON as {
      capabilities: { untrustedWorkspaces: { supported: string } };
      contributes: { commands: Array<{ command: string; enablement?: string; category?: string }> };
    };
    const command = pkg.contributes.commands.find((c) => c.command === COMMAND);
    assert.equal(command?.enablement, 'isWorkspaceTrusted');
    assert.equal(command?.category, 'Cyclical LR');
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  });

  it('runs the bundled example and shows it in the panel with its suggestions', async () => {
    await activateExtension();
    const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath as string;
    const example = join(extensionPath, 'examples', 'pytorch', 'model.py');
    const result = await vscode.commands.executeCommand<RangeTestResult | undefined>(COMMAND, vscode.Uri.file(example));
    assert.ok(result, 'the command returns the result');
    assert.equal(result.backend, 'pytorch');
    assert.equal(result.dataset.path, example);
    assert.equal(result.dataset.rows, 3200);
    assert.ok(['completed', 'diverged'].includes(result.stopReason), result.stopReason);
    assert.ok(result.lrs.length >= 20, `${result.lrs.length} points`);
    assert.ok(result.suggestion.clr.baseLr < result.suggestion.clr.maxLr);
    // "Finished" shows at once, the suggestions once the result has arrived and is drawn.
    const state = await panelState((s) => s.status === 'done' && s.pointsPlotted === result.lrs.length && s.suggestionRows.length > 0, 'the finished run with its suggestions');
    assert.equal(state.error, null);
    // The model file is the run's source, never the form's dataset (which would then fail to parse it as CSV).
    assert.ok(!state.datasetField.endsWith('.py'), `the dataset field holds ${state.datasetField}`);
    assert.doesNotMatch(state.datasetInfo, /model\.py/);
    assert.match(state.statusLine, /model\.py/);
  });

  it("shows a clear error when the file lacks a required name", async () => {
    await activateExtension();
    const dir = testTempDir('clr-pytorch-int-');
    const file = join(dir, 'incomplete.py');
    writeFileSync(file, 'import torch\nmodel = torch.nn.Linear(2, 2)\ncriterion = torch.nn.MSELoss()\n');
    const result = await vscode.commands.executeCommand<RangeTestResult | undefined>(COMMAND, vscode.Uri.file(file));
    assert.equal(result, undefined);
    const state = await panelState((s) => s.status === 'failed', 'the failure');
    assert.match(state.error ?? '', /train_loader/);
  });

  it('reads settings under their pre-0.2.0 names where the new names are not set', async () => {
    await activateExtension();
    const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath as string;
    const example = join(extensionPath, 'examples', 'pytorch', 'model.py');
    const settings = vscode.workspace.getConfiguration('cyclicalLr');
    const set = { startLr: 1e-4, endLr: 1, endLearningRate: 0.5, pytorchAccumulate: 2, pytorchDevice: 'cpu', pytorchAmp: false };
    try {
      for (const [key, value] of Object.entries(set)) await settings.update(key, value, vscode.ConfigurationTarget.Global);
      const result = await vscode.commands.executeCommand<RangeTestResult | undefined>(COMMAND, vscode.Uri.file(example));
      assert.ok(result, 'the command returns the result');
      assert.equal(result.config.startLr, 1e-4, 'the old startLr, the new key being unset');
      assert.equal(result.config.endLr, 0.5, 'the new endLearningRate over the old endLr');
      assert.equal(result.config.pytorch?.accumulate, 2);
      assert.equal(result.config.pytorch?.device, 'cpu');
      assert.ok(Math.abs(result.lrs[0] / 1e-4 - 1) < 1e-9, `the sweep starts at ${result.lrs[0]}`);
    } finally {
      for (const key of Object.keys(set)) await settings.update(key, undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
