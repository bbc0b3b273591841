import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension, declaredCommands } from './support/extension';

describe('extension', () => {
  it('activates', async () => {
    const extension = await activateExtension();
    assert.equal(extension.isActive, true);
  });

  it('registers every command declared in package.json', async () => {
    await activateExtension();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declaredCommands().filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `declared but not registered: ${missing.join(', ')}`);
  });

  it('puts every command in the "Cyclical LR" category', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: Array<{ command: string; category?: string }> } };
    const outside = pkg.contributes.commands.filter((c) => c.category !== 'Cyclical LR').map((c) => c.command);
    assert.deepEqual(outside, []);
  });

  it('opens the range-test panel as a webview tab', async () => {
    await activateExtension();
    await vscode.commands.executeCommand('cyclicalLr.openPanel');
    const deadline = Date.now() + 20_000;
    const webviewTabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview);
    while (webviewTabs().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const tabs = webviewTabs();
    assert.equal(tabs.length, 1, 'one webview tab');
    assert.match(tabs[0].label, /Cyclical LR|Range Test/);
  });
});
