import * as vscode from 'vscode';
import { registerPanel } from './panel/panelController';
import { registerPyTorchRangeTest } from './pytorchRangeTest';
import { registerRunFiles } from './runFiles';
import { registerSnippetFeatures } from './snippetFeatures';
import { registerTerminalPythonPath } from './terminalPythonPath';

/**
 * Activation only wires up commands and providers; nothing heavy happens here (tfjs is never loaded in the
 * extension host: range tests run in a forked worker process).
 */
export function activate(context: vscode.ExtensionContext): void {
  registerPanel(context);
  registerPyTorchRangeTest(context);
  registerSnippetFeatures(context);
  registerRunFiles(context);
  registerTerminalPythonPath(context);
}

export function deactivate(): void {
  // Disposables registered on the context are disposed by VS Code.
}
