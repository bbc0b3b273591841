import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension } from './support/extension';

const ORIGINAL = [
  'import torch',
  '',
  'model = torch.nn.Linear(3, 1)',
  'optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)',
  'def train():',
  '    ',
  '    pass',
  '',
].join('\n');

async function openPython(content: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'python', content });
  return vscode.window.showTextDocument(document);
}

describe('Insert Scheduler', () => {
  before(async () => {
    await activateExtension();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('inserts the code at the cursor, indented like the line, as one undoable edit', async () => {
    const editor = await openPython(ORIGINAL);
    // Cursor on the blank, indented line inside train().
    editor.selection = new vscode.Selection(5, 4, 5, 4);
    await vscode.commands.executeCommand('cyclicalLr.insertScheduler', {
      framework: 'pytorch',
      policy: 'triangular2',
      spec: { policy: 'triangular2', baseLr: 0.0003, maxLr: 0.02, stepSizeUp: 400 },
      stepsPerEpoch: 100,
      optimizer: 'momentum',
    });
    const text = editor.document.getText();
    assert.notEqual(text, ORIGINAL, 'something was inserted');
    const lines = text.split('\n');
    const start = lines.findIndex((l) => l.includes('from torch.optim.lr_scheduler import CyclicLR'));
    assert.equal(start, 5, text);
    assert.equal(lines[start], '    from torch.optim.lr_scheduler import CyclicLR');
    assert.ok(lines.includes('    scheduler = CyclicLR('), text);
    assert.ok(lines.includes('        base_lr=0.0003,  # rate at the bottom of each cycle'), text);
    assert.ok(lines.includes('        step_size_up=4 * 100,  # 4 epochs × iterations per epoch (Smith: 2-10 epochs per half-cycle)'), text);
    assert.ok(lines.includes('        mode="triangular2",'), text);
    assert.ok(lines.includes('        cycle_momentum=True,  # momentum moves opposite to the rate'), text);
    assert.equal(lines[lines.length - 2], '    pass', 'the rest of the file is untouched');
    assert.ok(!text.includes('${'), 'no snippet syntax left in the document');

    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), ORIGINAL, 'one undo restores the original text');
  });

  it('inserts below a non-blank line and shows CodeLenses over the inserted call', async () => {
    const editor = await openPython(ORIGINAL);
    editor.selection = new vscode.Selection(3, 5, 3, 5);
    await vscode.commands.executeCommand('cyclicalLr.insertScheduler', { framework: 'pytorch', policy: 'one-cycle' });
    const lines = editor.document.getText().split('\n');
    assert.equal(lines[3], ORIGINAL.split('\n')[3], 'the cursor line is kept whole');
    assert.equal(lines[4], 'from torch.optim.lr_scheduler import OneCycleLR');

    const deadline = Date.now() + 10_000;
    let titles: string[] = [];
    while (Date.now() < deadline) {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 10);
      titles = (lenses ?? []).map((l) => l.command?.title ?? '');
      if (titles.some((t) => t.startsWith('Preview schedule'))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(titles.includes('Preview schedule'), titles.join(' | '));
    assert.ok(titles.includes('Tune bounds'), titles.join(' | '));
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), ORIGINAL);
  });
});
