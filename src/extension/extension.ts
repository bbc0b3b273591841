import * as vscode from 'vscode';

/**
 * Activation only wires up commands and providers; nothing heavy happens here (tfjs is never loaded in the
 * extension host: range tests run in a forked worker process).
 */
export function activate(context: vscode.ExtensionContext): void {
  void context;
}

export function deactivate(): void {
  // Disposables registered on the context are disposed by VS Code.
}
