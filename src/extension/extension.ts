import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE } from '../core/panelViewType';
import { SCHEDULER_CLASS_PATTERN } from './codeLensTrigger';
import type * as Features from './features';
import { lazyBundle } from './lazyBundle';
import { watchRunFolders } from './runFolderWatch';
import type * as CodeLens from './schedulerCodeLens';
import { registerTerminalPythonPath } from './terminalPythonPath';

// Activation (on every Python file) registers stand-ins and nothing heavy: the commands, the panel's
// serializer and the CodeLens load their code on first use, from bundles of their own
// (dist/extensionFeatures.js, dist/extensionCodeLens.js). `npm run bench -- activation` keeps it honest.

/** Commands of features.ts that the manifest does not list (the CodeLens's). */
const UNLISTED_COMMANDS = ['cyclicalLr.useLastBoundsInCall'];

export function activate(context: vscode.ExtensionContext): Promise<void> | void {
  // The terminals' PYTHONPATH (a settings read and an environment collection: two thirds of what activate()
  // cost) is set right after activation, which VS Code awaits; a terminal opened in that instant is offered
  // a relaunch, as when the setting changes.
  setImmediate(() => registerTerminalPythonPath(context));

  const listed = (context.extension.packageJSON as { contributes: { commands: Array<{ command: string }> } }).contributes.commands.map((c) => c.command);
  const ids = [...listed, ...UNLISTED_COMMANDS];
  const loadBundle = lazyBundle<typeof Features>('extensionFeatures.js');
  let features: Promise<typeof Features> | undefined;
  // Each stand-in removes all of them, loads the bundle (which registers the real commands) and runs the
  // real one with the same arguments; its result comes back through executeCommand.
  const standIns = ids.map((id) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      await loadFeatures();
      return vscode.commands.executeCommand(id, ...args);
    }),
  );
  context.subscriptions.push(...standIns);
  const loadFeatures = () =>
    (features ??= loadBundle().then((bundle) => {
      for (const standIn of standIns) standIn.dispose();
      bundle.activateFeatures(context);
      return bundle;
    }));

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => (await loadFeatures()).revivePanel(context, panel),
    }),
    vscode.languages.registerCodeLensProvider({ language: 'python' }, lazyCodeLens(context)),
  );
  watchRunFolders(context, (file) => void loadFeatures().then((bundle) => bundle.showNewRunFile(context, file)));
  // The tests' hooks are registered by the features (from a test-mode bundle, so no name of theirs is in this
  // one): in test mode the features load with the activation, which VS Code awaits.
  if (context.extensionMode === vscode.ExtensionMode.Test) return loadFeatures().then(() => undefined);
}

/** The CodeLens provider: its code is loaded with the first Python file that mentions a scheduler. */
function lazyCodeLens(context: vscode.ExtensionContext): vscode.CodeLensProvider {
  const load = lazyBundle<typeof CodeLens>('extensionCodeLens.js');
  let provider: vscode.CodeLensProvider | undefined;
  return {
    async provideCodeLenses(document, token) {
      if (!SCHEDULER_CLASS_PATTERN.test(document.getText())) return [];
      provider ??= new (await load()).SchedulerCodeLensProvider(context);
      return provider.provideCodeLenses(document, token);
    },
  };
}

export function deactivate(): void {
  // Disposables registered on the context are disposed by VS Code.
}
