// `npm run sandbox`: the offline VS Code of the test harness (code-server), with this extension loaded from
// the working tree and the examples folder open, for trying the extension in a browser without a desktop
// VS Code. Prints the URL and runs until Ctrl-C.
import { join, resolve } from 'node:path';
import { startCodeServer, writeQuietUserSettings } from './codeServer';
import { MissingToolError, provisionOfflineVsCode } from './provision';

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..', '..');
  const cacheDir = process.env.CLR_VSCODE_CACHE ?? join(root, '.vscode-test');
  const tools = provisionOfflineVsCode(cacheDir);
  const runDir = join(cacheDir, 'sandbox');
  // Workspace trust stays on, as a user has it: trust the examples folder to try the PyTorch command.
  writeQuietUserSettings(join(runDir, 'user-data'), { 'security.workspace.trust.enabled': true, 'workbench.startupEditor': 'none' });
  const server = await startCodeServer(tools, runDir, process.env);
  const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${root}`]]);
  const url = `${server.url}?folder=${encodeURIComponent(join(root, 'examples'))}&payload=${encodeURIComponent(payload)}`;
  console.log(`Cyclical LR sandbox (code-server, extension from ${root}):\n\n  ${url}\n\nOpen it in a browser on this machine; Ctrl-C stops it. Rebuild with 'npm run build' and reload the page to see changes.`);
  const stop = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await new Promise<never>(() => undefined);
}

main().catch((error: Error) => {
  console.error(error instanceof MissingToolError ? `error: ${error.message}` : (error.stack ?? error.message));
  process.exit(1);
});
