import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { join } from 'node:path';
import { OfflineVsCode } from './provision';

export interface RunningCodeServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(url, (response) => {
      response.resume();
      resolve((response.statusCode ?? 500) < 500);
    });
    request.on('error', () => resolve(false));
    request.setTimeout(2000, () => {
      request.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Settings that keep a fresh window quiet: no welcome page, trust prompt, telemetry or update checks. */
export function writeQuietUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'git.enabled': false,
    'window.commandCenter': false,
    ...extra,
  };
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

/**
 * Installs a VSIX into `extensionsDir` as a user would (`code-server --install-extension`), offline: the
 * extension then runs in production mode, unlike one loaded as the extension under development.
 */
export function installExtension(tools: OfflineVsCode, extensionsDir: string, vsix: string): void {
  mkdirSync(extensionsDir, { recursive: true });
  const result = spawnSync(join(tools.nodeBin, 'node'), [tools.entry, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], {
    env: { ...process.env, PATH: `${tools.nodeBin}:${process.env.PATH ?? ''}`, EXTENSIONS_GALLERY: '{}' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed (exit ${result.status}): ${result.stderr || result.stdout}`);
}

/**
 * Starts code-server on a free loopback port in its own process group (so stop() also ends the extension
 * host it forks) and waits until /healthz answers. Its extensions are those of `extensionsDir` (default: an
 * empty folder in runDir).
 */
export async function startCodeServer(tools: OfflineVsCode, runDir: string, env: NodeJS.ProcessEnv, extensionsDir = join(runDir, 'extensions')): Promise<RunningCodeServer> {
  const port = await freePort();
  const userDataDir = join(runDir, 'user-data');
  mkdirSync(extensionsDir, { recursive: true });
  const args = [
    tools.entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--config', join(runDir, 'code-server.yaml'),
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    // Without it the built workbench ignores the `payload` URL parameter and the tests never start.
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  const childEnv: NodeJS.ProcessEnv = { ...env, PATH: `${tools.nodeBin}:${env.PATH ?? ''}`, EXTENSIONS_GALLERY: '{}' };
  delete childEnv.PORT; // code-server's $PORT would override --bind-addr
  const log = createWriteStream(join(runDir, 'code-server.log'));
  const child: ChildProcess = spawn(join(tools.nodeBin, 'node'), args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // the group is already gone
    }
  };
  const groupAlive = () => {
    try {
      if (child.pid) process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  process.once('exit', () => killGroup('SIGKILL'));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  while (!(await answers(`${url}healthz`))) {
    if (exited) throw new Error(`code-server exited during start-up; see ${join(runDir, 'code-server.log')}`);
    if (Date.now() > deadline) {
      killGroup('SIGKILL');
      throw new Error(`code-server did not answer within 60 s; see ${join(runDir, 'code-server.log')}`);
    }
    await sleep(100);
  }
  return {
    port,
    url,
    async stop() {
      killGroup('SIGTERM');
      for (let i = 0; i < 50 && groupAlive(); i++) await sleep(100);
      if (groupAlive()) killGroup('SIGKILL');
      log.end();
    },
  };
}
