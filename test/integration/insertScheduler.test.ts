import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension } from './support/extension';
import { testTempDir } from '../support/tempDirs';

const SCRIPT = [
  'import torch',
  '',
  'model = torch.nn.Linear(3, 1)',
  'optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)',
  '',
  'for epoch in range(3):',
  '    for x, y in [(torch.ones(2, 3), torch.zeros(2, 1))]:',
  '        optimizer.zero_grad()',
  '        torch.nn.functional.mse_loss(model(x), y).backward()',
  '        optimizer.step()',
  '',
].join('\n');

let opened = 0;

/** A real file per test: untitled documents with content are reused by the editor after revert-and-close. */
async function openPython(content: string): Promise<vscode.TextEditor> {
  const file = path.join(testTempDir('clr-insert-'), `train_${++opened}.py`);
  writeFileSync(file, content);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  return vscode.window.showTextDocument(document);
}

async function codeLensTitles(uri: vscode.Uri, wanted: string): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  let titles: string[] = [];
  while (Date.now() < deadline) {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
    titles = (lenses ?? []).map((l) => l.command?.title ?? '');
    if (titles.some((t) => t.startsWith(wanted))) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return titles;
}

describe('Insert Scheduler', () => {
  before(async () => {
    await activateExtension();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it("wires the scheduler into the user's loop: import on top, after the optimizer, stepped after optimizer.step(); one undo", async () => {
    const editor = await openPython(SCRIPT);
    editor.selection = new vscode.Selection(9, 0, 9, 0);
    await vscode.commands.executeCommand('cyclicalLr.insertScheduler', {
      framework: 'pytorch',
      policy: 'triangular2',
      spec: { policy: 'triangular2', baseLr: 0.0003183836259260234, maxLr: 0.02, stepSizeUp: 400 },
      stepsPerEpoch: 100,
      optimizer: 'momentum',
    });
    const text = editor.document.getText();
    const lines = text.split('\n');
    assert.equal(lines[1], 'from torch.optim.lr_scheduler import CyclicLR', text);
    const optimizerLine = lines.indexOf('optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)');
    assert.match(lines[optimizerLine + 1], /^# Cyclical LR: numbers from the Cyclical LR panel.*, \d{4}-\d\d-\d\d(; the test trained on .*)?\.$/, text);
    assert.equal(lines[optimizerLine + 2], 'scheduler = CyclicLR(', text);
    assert.ok(lines.includes('    base_lr=0.000318,  # rate at the bottom of each cycle'), text);
    assert.ok(lines.includes('    step_size_up=4 * 100,  # 4 epochs: steps in the rising half-cycle (Smith: 2-10 epochs)'), text);
    assert.ok(lines.includes('    cycle_momentum=True,  # momentum moves opposite to the rate'), text);
    const step = lines.indexOf('        optimizer.step()');
    assert.equal(lines[step + 1], '        scheduler.step()', text);
    assert.ok(!text.includes('${'), 'no snippet syntax left in the document');

    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), SCRIPT, 'one undo restores the original text');
  });

  it('reads Adam from the file (cycle_momentum=False), updates the call in place the second time, and shows CodeLenses', async () => {
    const adam = SCRIPT.replace('torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)', 'torch.optim.Adam(model.parameters(), lr=1e-3)');
    const editor = await openPython(adam);
    editor.selection = new vscode.Selection(3, 0, 3, 0);
    // The panel's buttons pass the range test's optimizer; the file's own optimizer decides.
    await vscode.commands.executeCommand('cyclicalLr.insertScheduler', { framework: 'pytorch', policy: 'triangular', optimizer: 'momentum' });
    let text = editor.document.getText();
    assert.match(text, /cycle_momentum=False,\s+# Adam has no `momentum`/, text);
    assert.equal(text.split('scheduler.step()').length - 1, 1, text);

    await vscode.commands.executeCommand('cyclicalLr.insertScheduler', {
      framework: 'pytorch',
      policy: 'triangular',
      spec: { policy: 'triangular', baseLr: 0.001, maxLr: 0.05, stepSizeUp: 200 },
    });
    text = editor.document.getText();
    assert.equal(text.split('CyclicLR(').length - 1, 1, 'updated, not inserted twice');
    assert.match(text, /base_lr=0\.001,/);
    assert.match(text, /max_lr=0\.05,/);
    assert.equal(text.split('scheduler.step()').length - 1, 1, text);

    const titles = await codeLensTitles(editor.document.uri, 'Preview schedule');
    assert.ok(titles.includes('Preview schedule'), titles.join(' | '));
    assert.ok(titles.includes('Tune bounds'), titles.join(' | '));
  });

  it('previews a warm-up chain it inserted from its CodeLens, and rebuilds the chain in place from the lens command', async () => {
    const editor = await openPython(SCRIPT);
    editor.selection = new vscode.Selection(3, 0, 3, 0);
    const spec = { policy: 'wsd', maxLr: 0.05, totalSteps: 60, warmupSteps: 6, decaySteps: 12 };
    await vscode.commands.executeCommand('cyclicalLr.insertScheduler', { framework: 'pytorch', policy: 'wsd', spec });
    assert.equal(editor.document.getText().split('SequentialLR(').length - 1, 1, editor.document.getText());

    await codeLensTitles(editor.document.uri, 'Preview schedule');
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 10)) ?? [];
    const preview = lenses.find((l) => l.command?.title === 'Preview schedule');
    assert.ok(preview, lenses.map((l) => l.command?.title).join(' | '));
    assert.match(editor.document.lineAt(preview.range.start.line).text, /^scheduler = SequentialLR\(/);
    assert.deepEqual((preview.command?.arguments?.[0] as { schedule: unknown }).schedule, { ...spec, warmupStartFactor: 0.01, cooldown: 'linear' });

    // "Use last range test" runs this command on the chain's line: the chain is rebuilt, not inserted twice.
    await vscode.commands.executeCommand('cyclicalLr.useLastBoundsInCall', editor.document.uri, preview.range.start.line, 'wsd');
    const text = editor.document.getText();
    assert.equal(text.split('SequentialLR(').length - 1, 1, text);
    assert.equal(text.split('scheduler_warmup = ').length - 1, 1, text);
    assert.equal(text.split('scheduler.step()').length - 1, 1, text);
  });

  it('inserts into the notebook cell that creates the optimizer, and steps in the loop cell, through the notebook API', async () => {
    const cells = [
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'import torch', 'python'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, '## Model and optimizer', 'markdown'),
      new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'model = torch.nn.Linear(3, 1)\noptimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)', 'python'),
      new vscode.NotebookCellData(
        vscode.NotebookCellKind.Code,
        'for epoch in range(3):\n    for x, y in [(torch.ones(2, 3), torch.zeros(2, 1))]:\n        optimizer.zero_grad()\n        optimizer.step()\n    print(epoch)',
        'python',
      ),
    ];
    const notebook = await vscode.workspace.openNotebookDocument('jupyter-notebook', new vscode.NotebookData(cells));
    const notebookEditor = await vscode.window.showNotebookDocument(notebook);
    notebookEditor.selections = [new vscode.NotebookRange(2, 3)];
    await vscode.commands.executeCommand('cyclicalLr.insertScheduler', {
      framework: 'pytorch',
      policy: 'one-cycle',
      spec: { policy: 'one-cycle', maxLr: 0.1, totalSteps: 30 },
    });
    const text = (i: number) => notebook.cellAt(i).document.getText();
    assert.equal(text(0), 'import torch\nfrom torch.optim.lr_scheduler import OneCycleLR');
    assert.equal(text(1), '## Model and optimizer', 'the markdown cell is untouched');
    assert.match(text(2), /^model = .*\noptimizer = torch\.optim\.SGD\(.*\)\n# Cyclical LR: .*\nscheduler = OneCycleLR\(\n {4}optimizer,\n {4}max_lr=0\.1,/);
    assert.match(text(3), /\n {8}optimizer\.step\(\)\n {8}scheduler\.step\(\)\n {4}print\(epoch\)$/);
    await vscode.commands.executeCommand('undo');
  });
});
