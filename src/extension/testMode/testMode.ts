// Test mode's hooks (bundled into dist/test/testMode.js, never packaged; the extension loads it only when
// it runs in ExtensionMode.Test). The integration tests cannot look inside the webview, so the test webview
// (media/test/webview.js) reports what it shows, and clicks what a test names, over the test table in
// src/core/wire/panelTest.ts; these commands hand that to the tests.
import * as vscode from 'vscode';
import { fromTestWebview, type PanelStateReport, type ToTestWebview } from '../../core/wire/panelTestChannel';
import type { PanelTestAccess } from './panelTestAccess';

export function registerTestMode(access: PanelTestAccess): vscode.Disposable[] {
  let lastState: PanelStateReport | null = null;
  // Every change of lastState is numbered, so that a test can wait for the next one instead of polling:
  // each command a test runs is also a message to the workbench, and polling every few ms loaded the very
  // browser whose timing the first-suggestion benchmark measures.
  let changes = 0;
  let waiting: Array<() => void> = [];
  const publish = (state: PanelStateReport | null) => {
    lastState = state;
    changes++;
    const woken = waiting;
    waiting = [];
    for (const wake of woken) wake();
  };
  access.useWebviewScript('test/webview.js');
  // A hidden or closed panel shows nothing: forget its last report until the new webview sends one.
  access.onHidden(() => publish(null));
  access.receiveOther((raw) => {
    const parsed = fromTestWebview.parse(raw);
    if (parsed.ok) publish(parsed.value.state);
    return parsed.ok;
  });
  return [
    vscode.commands.registerCommand('cyclicalLr._panelStateForTests', () => lastState),
    // The panel's state once it has changed more than `after` times (at once when it already has).
    vscode.commands.registerCommand('cyclicalLr._panelStateChangeForTests', async (after: unknown): Promise<{ change: number; state: PanelStateReport | null }> => {
      const seen = typeof after === 'number' ? after : -1;
      while (changes <= seen) await new Promise<void>((wake) => waiting.push(wake));
      return { change: changes, state: lastState };
    }),
    vscode.commands.registerCommand('cyclicalLr._runStateForTests', () => access.runState()),
    vscode.commands.registerCommand('cyclicalLr._panelActionForTests', (target: unknown) => {
      if (typeof target !== 'string') return;
      const action: ToTestWebview = { type: 'testAction', action: 'click', target };
      access.postToWebview(action);
    }),
  ];
}
