import type * as vscode from 'vscode';
import { registerPanel, revivePanel } from './panel/panelController';
import { registerPyTorchRangeTest } from './pytorchRangeTest';
import { registerRunFiles, showNewRunFile } from './runFiles';
import { registerSnippetFeatures } from './snippetFeatures';

// The entry of dist/extensionFeatures.js: the panel, the worker client, the PyTorch bridge and the snippet
// engine. extension.ts loads it on the first command (or a restored panel, or a new run file), never at
// activation: every Python file activates us, and most of those windows never use any of this.

/** Registers the commands for real (extension.ts has removed its stand-ins just before). */
export function activateFeatures(context: vscode.ExtensionContext): void {
  registerPanel(context);
  registerPyTorchRangeTest(context);
  registerSnippetFeatures(context);
  registerRunFiles(context);
}

export { revivePanel, showNewRunFile };
