import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { startCodeServer, writeQuietUserSettings } from './codeServer';
import { handleDriverLine } from './driver';
import { OfflineVsCode } from './provision';

export interface SuiteRun {
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
  /** Workspace folder to open, if any. */
  folder?: string;
  /** Scratch folder for code-server, Chromium's profile and logs (emptied first). */
  runDir: string;
  /** Environment for the extension host (it inherits code-server's). */
  env: NodeJS.ProcessEnv;
  timeoutSeconds: number;
  /** Installed extensions (see installExtension); default: none. */
  extensionsDir?: string;
}

// Lines of the workbench's own chatter that say nothing about the tests (see shared/vscode-offline.md).
const NOISE = /open-vsx\.org|AccountPolicyGate|connection token|Creating a socket|Service Worker|grace time|AgentHost:remote|builtin extensions cache|from gallery|authentication provider .github.|vsda|code-server-ipc\.sock/;

/**
 * Runs an extension test suite (a module exporting run()) inside code-server's real extension host, with
 * the workbench rendered by headless Chromium. Resolves with the suite's exit code (0 = all passed).
 */
export async function runSuiteInCodeServer(tools: OfflineVsCode, run: SuiteRun): Promise<number> {
  const { chromium } = await import('playwright-core');
  rmSync(run.runDir, { recursive: true, force: true });
  mkdirSync(run.runDir, { recursive: true });
  writeQuietUserSettings(join(run.runDir, 'user-data'));
  const driverDir = join(run.runDir, 'driver');
  const server = await startCodeServer(tools, run.runDir, { ...run.env, CLR_DRIVER_DIR: driverDir }, run.extensionsDir);
  const remote = (path: string) => `vscode-remote://127.0.0.1:${server.port}${resolve(path)}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(run.extensionDevelopmentPath)],
    ['extensionTestsPath', remote(run.extensionTestsPath)],
    ['skipWelcome', 'true'],
    ['skipReleaseNotes', 'true'],
  ]);
  let url = `${server.url}?payload=${encodeURIComponent(payload)}`;
  url += run.folder ? `&folder=${encodeURIComponent(resolve(run.folder))}` : '&ew=true';

  // A Chromium that fails to start (its profile still held, on a loaded machine) must not leave code-server behind.
  const context = await chromium
    .launchPersistentContext(join(run.runDir, 'chromium-profile'), {
      executablePath: tools.chromium,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      ],
    })
    .catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    let resolveExit: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((r) => (resolveExit = r));
    // The workbench calls these once the suite's run() settles / for every console line of the host.
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      const line = format(...args);
      if (handleDriverLine(page, line, driverDir) || NOISE.test(line)) return;
      console.log(line);
    });
    await page.goto(url);
    const timeout = new Promise<number>((r) => setTimeout(() => r(-1), run.timeoutSeconds * 1000));
    const code = await Promise.race([exitCode, timeout]);
    if (code === -1) {
      const shot = join(run.runDir, 'timeout.png');
      await page.screenshot({ path: shot }).catch(() => undefined);
      console.error(`the test suite did not finish within ${run.timeoutSeconds} s (screenshot: ${shot})`);
      return 2;
    }
    return code;
  } finally {
    await context.close().catch(() => undefined);
    await server.stop();
  }
}
