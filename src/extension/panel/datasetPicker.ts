import * as path from 'node:path';
import * as vscode from 'vscode';
import { allowWebviewPath } from './webviewPaths';

// Finds the datasets a range test can read in the workspace, and lets the user pick one.

const EXCLUDE = '**/{node_modules,.git,.venv,venv,env,__pycache__,.vscode-test,out,dist,.tox,.mypy_cache}/**';
const FILE_GLOB = '**/{*.csv,*.tsv,*.jsonl,*.npy,*.npz,*-idx3-ubyte,*-idx3-ubyte.gz}';
const IMAGE_GLOB = '**/*.{png,jpg,jpeg,PNG,JPG,JPEG}';
const MAX_FILES = 500;
const MAX_IMAGES = 5000;

const SUPPORTED_FILE = /\.(csv|tsv|jsonl|npy|npz)$|-idx3-ubyte(\.gz)?$/i;

/** True when `fsPath` names a file the readers understand (folders are checked by `isImageFolder`). */
export function isSupportedDatasetFile(fsPath: string): boolean {
  return SUPPORTED_FILE.test(fsPath);
}

/**
 * Image folders are folders whose sub-folders (one per class) hold images: <root>/<class>/<image>. Found
 * from a bounded search for images, so a huge photo library cannot stall the picker.
 */
function imageFolders(images: readonly vscode.Uri[]): string[] {
  const classesByRoot = new Map<string, Set<string>>();
  for (const image of images) {
    const classDir = path.dirname(image.fsPath);
    const root = path.dirname(classDir);
    if (root === classDir) continue;
    let classes = classesByRoot.get(root);
    if (!classes) classesByRoot.set(root, (classes = new Set()));
    classes.add(path.basename(classDir));
  }
  return [...classesByRoot].filter(([, classes]) => classes.size >= 2).map(([root]) => root);
}

/** Absolute paths of the workspace's datasets, sorted. */
export async function findDatasets(token?: vscode.CancellationToken): Promise<string[]> {
  if (!vscode.workspace.workspaceFolders?.length) return [];
  const [files, images] = await Promise.all([
    vscode.workspace.findFiles(FILE_GLOB, EXCLUDE, MAX_FILES, token),
    vscode.workspace.findFiles(IMAGE_GLOB, EXCLUDE, MAX_IMAGES, token),
  ]);
  const found = new Set<string>(files.map((f) => f.fsPath));
  for (const folder of imageFolders(images)) found.add(folder);
  return [...found].sort((a, b) => a.localeCompare(b));
}

/** Shows a QuickPick of the workspace's datasets (plus "Browse…"); undefined when dismissed. */
export async function pickDataset(): Promise<string | undefined> {
  const browse = '$(folder-opened) Browse…';
  const quickPick = vscode.window.createQuickPick<vscode.QuickPickItem & { fsPath?: string }>();
  quickPick.title = 'Run Range Test on Dataset';
  quickPick.placeholder = 'Pick a dataset: CSV, TSV, JSON lines, NumPy, MNIST IDX, or an image folder (one sub-folder per class)';
  quickPick.busy = true;
  quickPick.matchOnDescription = true;
  quickPick.items = [{ label: browse, alwaysShow: true }];
  quickPick.show();
  const source = new vscode.CancellationTokenSource();
  findDatasets(source.token).then(
    (datasets) => {
      quickPick.items = [
        ...datasets.map((fsPath) => ({
          label: `${isSupportedDatasetFile(fsPath) ? '$(file)' : '$(file-media)'} ${path.basename(fsPath)}`,
          description: vscode.workspace.asRelativePath(path.dirname(fsPath)),
          fsPath,
        })),
        { label: browse, alwaysShow: true },
      ];
      quickPick.busy = false;
    },
    () => {
      quickPick.busy = false;
    },
  );
  const picked = await new Promise<(vscode.QuickPickItem & { fsPath?: string }) | undefined>((resolve) => {
    quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]));
    quickPick.onDidHide(() => resolve(undefined));
  });
  source.cancel();
  quickPick.dispose();
  if (!picked) return undefined;
  if (picked.fsPath) return picked.fsPath;
  const uris = await vscode.window.showOpenDialog({
    title: 'Dataset for the range test',
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  if (uris?.[0]) allowWebviewPath(uris[0].fsPath);
  return uris?.[0]?.fsPath;
}
