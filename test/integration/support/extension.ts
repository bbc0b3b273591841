import * as vscode from 'vscode';

export const EXTENSION_ID = 'cyclical-lr.cyclical-lr';

export async function activateExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in this VS Code`);
  await extension.activate();
  return extension;
}

/** Command ids the manifest contributes. */
export function declaredCommands(): string[] {
  const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: Array<{ command: string }> } };
  return pkg.contributes.commands.map((c) => c.command);
}
