import * as path from 'node:path';
import * as vscode from 'vscode';
import { RangeTestConfig, RangeTestResult, TORCH_DEVICES, TorchDevice } from '../core/types';
import { PyTorchUserError, startPyTorchRangeTest } from '../worker/pytorchBridge';
import { logLine } from './outputChannel';
import { configFromSettings } from './panel/panelSettings';
import { showRangeTestRun } from './panel/panelController';
import { readSetting } from './readSetting';

// "Cyclical LR: Run Range Test on PyTorch Model…": runs the user's own model through the Python bridge and
// shows the run in the panel like a built-in one. It executes the user's code, so it refuses to run in an
// untrusted workspace (package.json also hides and disables it there).

export const PYTORCH_COMMAND = 'cyclicalLr.runPyTorchRangeTest';

/** The part of the Python extension's API (ms-python.python) this command reads. */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
    resolveEnvironment(env: { id: string; path: string } | string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  };
}

/**
 * The interpreter: the one selected in the Python extension when it is installed, else the
 * `cyclicalLr.pythonPath` setting, else undefined (the bridge then tries /usr/bin/python3, python3, python).
 */
export async function pythonForFile(file: vscode.Uri): Promise<{ python?: string; source: string }> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (extension) {
    try {
      const api = extension.isActive ? extension.exports : await extension.activate();
      const envPath = api?.environments?.getActiveEnvironmentPath(file);
      if (envPath) {
        const resolved = await api?.environments?.resolveEnvironment(envPath);
        const executable = resolved?.executable.uri?.fsPath;
        if (executable) return { python: executable, source: 'the Python extension' };
      }
    } catch (error) {
      logLine(`pytorch: could not ask the Python extension for its interpreter: ${String(error)}`);
    }
  }
  const configured = vscode.workspace.getConfiguration('cyclicalLr', file).get<string>('pythonPath');
  if (configured && configured.trim()) return { python: configured.trim(), source: 'cyclicalLr.pythonPath' };
  return { source: 'the first of /usr/bin/python3, python3, python with torch' };
}

/** The sweep from the settings, with the PyTorch-only settings. */
export function pytorchConfig(file: string): RangeTestConfig {
  const c = vscode.workspace.getConfiguration('cyclicalLr');
  const device = readSetting(c, 'torchDevice');
  const accumulate = readSetting(c, 'torchGradientAccumulation');
  return {
    ...configFromSettings(file),
    runs: 1,
    pytorch: {
      device: TORCH_DEVICES.includes(device as TorchDevice) ? (device as TorchDevice) : 'auto',
      accumulate: Number.isInteger(accumulate) && (accumulate as number) >= 1 ? (accumulate as number) : 1,
      amp: readSetting(c, 'torchMixedPrecision') === true,
    },
  };
}

/** Python files of the workspace that look like range-test inputs (they mention train_loader or setup). */
async function candidateFiles(): Promise<vscode.Uri[]> {
  const files = await vscode.workspace.findFiles('**/*.py', '{**/node_modules/**,**/.venv/**,**/venv/**,**/site-packages/**,**/.git/**}', 400);
  const matches: vscode.Uri[] = [];
  for (const uri of files) {
    try {
      const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
      if (/\btrain_loader\b|\bdef setup\s*\(/.test(text)) matches.push(uri);
    } catch {
      // Unreadable files are simply not offered.
    }
  }
  return matches.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

async function pickPythonFile(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  const browse = { label: '$(folder-opened) Browse…', description: '', uri: undefined as vscode.Uri | undefined };
  const found = await candidateFiles();
  if (active?.languageId === 'python' && active.uri.scheme === 'file' && !found.some((u) => u.fsPath === active.uri.fsPath)) {
    found.unshift(active.uri);
  }
  const items = found.map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), uri }));
  const picked = await vscode.window.showQuickPick([...items, browse], {
    title: 'Run Range Test on PyTorch Model',
    placeHolder: 'A Python file that defines model, train_loader and criterion (or setup() returning them)',
  });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Python: ['py'] }, openLabel: 'Run Range Test' });
  return chosen?.[0];
}

async function refuseUntrusted(): Promise<void> {
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showWarningMessage(
    'Running a range test on a PyTorch model executes the code of that model, so it is disabled in untrusted workspaces. Trust this workspace to use it.',
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
}

/** The command; an Explorer right-click passes the file's Uri, a test may pass a path. */
export async function runPyTorchRangeTest(context: vscode.ExtensionContext, arg?: unknown): Promise<RangeTestResult | undefined> {
  if (!vscode.workspace.isTrusted) {
    await refuseUntrusted();
    return undefined;
  }
  const file = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : await pickPythonFile();
  if (!file) return undefined;
  const { python, source } = await pythonForFile(file);
  const config = pytorchConfig(file.fsPath);
  const cwd = vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath ?? path.dirname(file.fsPath);
  logLine(`pytorch: range test on ${file.fsPath} with ${python ?? 'a probed interpreter'} (from ${source}), cwd ${cwd}`);
  return showRangeTestRun(context, {
    label: path.basename(file.fsPath),
    config,
    start: (onEvent) => {
      const handle = startPyTorchRangeTest({
        file: file.fsPath,
        python,
        config,
        cwd,
        onEvent,
        onOutput: (line) => logLine(`python: ${line}`),
      });
      // The panel reports the message; the user's traceback goes to the output channel behind "Show Log".
      handle.result.catch((error: unknown) => {
        if (error instanceof PyTorchUserError && error.traceback) logLine(`pytorch: ${error.traceback}`);
      });
      return handle;
    },
  });
}

export function registerPyTorchRangeTest(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(PYTORCH_COMMAND, (arg?: unknown) => runPyTorchRangeTest(context, arg)));
}
