import * as vscode from 'vscode';

let channel: vscode.OutputChannel | undefined;

/**
 * The extension's one "Cyclical LR" output channel, created on first use so that every part of the
 * extension logs to the same place instead of each opening a channel of the same name.
 */
export function outputChannel(): vscode.OutputChannel {
  channel ??= vscode.window.createOutputChannel('Cyclical LR');
  return channel;
}

export function logLine(message: string): void {
  outputChannel().appendLine(`[${new Date().toISOString()}] ${message}`);
}
