// Test mode's hooks (bundled into dist/test/testMode.js, never packaged; the extension loads it only when
// it runs in ExtensionMode.Test). The integration tests cannot look inside the webview, so the test webview
// (media/test/webview.js) reports what it shows, and clicks what a test names, over the test table in
// src/core/wire/panelTest.ts; these commands hand that to the tests.
import * as vscode from 'vscode';
import { fromTestWebview, type PanelStateReport, type ToTestWebview } from '../../core/wire/panelTestChannel';
import type { PanelTestAccess } from './panelTestAccess';

export function registerTestMode(access: PanelTestAccess): vscode.Disposable[] {
  let lastState: PanelStateReport | null = null;
  access.useWebviewScript('test/webview.js');
  // A hidden or closed panel shows nothing: forget its last report until the new webview sends one.
  access.onHidden(() => (lastState = null));
  access.receiveOther((raw) => {
    const parsed = fromTestWebview.parse(raw);
    if (parsed.ok) lastState = parsed.value.state;
    return parsed.ok;
  });
  return [
    vscode.commands.registerCommand('cyclicalLr._panelStateForTests', () => lastState),
    vscode.commands.registerCommand('cyclicalLr._runStateForTests', () => access.runState()),
    vscode.commands.registerCommand('cyclicalLr._panelActionForTests', (target: unknown) => {
      if (typeof target !== 'string') return;
      const action: ToTestWebview = { type: 'testAction', action: 'click', target };
      access.postToWebview(action);
    }),
  ];
}
