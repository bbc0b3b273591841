import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RUN_FILE_EXTENSION, RUN_FOLDER } from '../core/runFile';

// The watch on run folders starts with the extension (a run in the user's own loop must appear live even
// when nothing else of ours was used yet), but what shows a run (runFiles.ts, the panel) is loaded only
// when one appears.

/** How often each workspace folder's own run folder is listed, besides the file watcher. */
const RUN_FOLDER_POLL_MS = 400;

/**
 * Watches `.cyclical-lr/runs/*.jsonl` anywhere in the workspace and calls `onFile` with every run file
 * created or changed from now on (more than once for the same file: the caller keeps track). The run folder
 * at the top of each workspace folder is also listed a few times a second: file watchers miss events on
 * some file systems (network mounts, busy or remote hosts), and a run must never go unseen there.
 */
export function watchRunFolders(context: vscode.ExtensionContext, onFile: (file: string) => void): void {
  const since = Date.now();
  const onUri = (uri: vscode.Uri) => {
    if (uri.scheme === 'file') onFile(uri.fsPath);
  };
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${RUN_FOLDER}/*${RUN_FILE_EXTENSION}`, false, false, true);
  // A change event stands in for a create that the watcher coalesced away.
  context.subscriptions.push(watcher, watcher.onDidCreate(onUri), watcher.onDidChange(onUri));

  const seen = new Set<string>();
  const poll = async () => {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const dir = path.join(folder.uri.fsPath, RUN_FOLDER);
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names.filter((n) => n.endsWith(RUN_FILE_EXTENSION))) {
        const file = path.join(dir, name);
        if (seen.has(file)) continue;
        seen.add(file);
        // Runs written before this session are history, not news.
        const modified = await stat(file).then((s) => s.mtimeMs, () => 0);
        if (modified >= since) onFile(file);
      }
    }
  };
  const timer = setInterval(() => void poll(), RUN_FOLDER_POLL_MS);
  context.subscriptions.push({ dispose: () => clearInterval(timer) });
}
