import * as path from 'node:path';
import * as vscode from 'vscode';

// Makes the cyclical_lr Python package importable in VS Code's integrated terminals without installing it:
// its folder goes first on PYTHONPATH through the terminal environment collection (new terminals get it;
// VS Code offers to relaunch open ones). `cyclicalLr.terminalPythonPath: false` turns this off.

export const TERMINAL_PYTHONPATH_SETTING = 'terminalPythonPath';

export function applyTerminalPythonPath(context: vscode.ExtensionContext): void {
  const collection = context.environmentVariableCollection;
  collection.clear();
  if (vscode.workspace.getConfiguration('cyclicalLr').get<boolean>(TERMINAL_PYTHONPATH_SETTING) === false) return;
  collection.description = 'Makes `import cyclical_lr` work (setting: cyclicalLr.terminalPythonPath)';
  collection.prepend('PYTHONPATH', context.asAbsolutePath('python') + path.delimiter);
}

export function registerTerminalPythonPath(context: vscode.ExtensionContext): void {
  applyTerminalPythonPath(context);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`cyclicalLr.${TERMINAL_PYTHONPATH_SETTING}`)) applyTerminalPythonPath(context);
    }),
  );
}
