import * as path from 'node:path';
import * as vscode from 'vscode';
import { isPreset } from '../../core/types';
import type { FromWebview } from '../../core/wire/panelChannel';
import { confinePath } from './confinePath';
import { configFromSettings } from './panelSettings';

// The webview is a less trusted context than the extension host: a path it sends is used only when it lies
// inside one of the workspace's folders, or is one the user chose outside the webview since the window
// opened (in an open dialog, from the Explorer or a command, or as the model in the settings).
// Paths are made absolute here, so that nothing the webview sends can reach a child process as a flag
// (an absolute path never starts with '-').

const chosenByUser = new Set<string>();

/** A path the user chose outside the webview: the webview may name it from now on. */
export function allowWebviewPath(fsPath: string): void {
  chosenByUser.add(path.resolve(fsPath));
}

/** The absolute path, or undefined when the webview may not name it. */
function confine(raw: string): string | undefined {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  return confinePath(raw, folders, chosenByUser);
}

/**
 * The message with every path it carries made absolute and checked, or the reason it is refused. Messages
 * without paths pass as they are.
 */
export function confineWebviewPaths(message: FromWebview): { message: FromWebview } | { refused: string } {
  const outside = (what: string, raw: string) => ({ refused: `the ${what} '${raw}' is outside the workspace folders; open it with Browse… or add its folder to the workspace` });
  if (message.type === 'inspectDataset') {
    const dataset = confine(message.path);
    return dataset === undefined ? outside('dataset', message.path) : { message: { ...message, path: dataset } };
  }
  if (message.type === 'run') {
    const dataset = confine(message.request.dataset);
    if (dataset === undefined) return outside('dataset', message.request.dataset);
    if (isPreset(message.request.model)) return { message: { ...message, request: { ...message.request, dataset } } };
    const model = confine(message.request.model) ?? (message.request.model === configFromSettings(dataset).model ? message.request.model : undefined);
    if (model === undefined) return outside('model', message.request.model);
    return { message: { ...message, request: { ...message.request, dataset, model } } };
  }
  return { message };
}
