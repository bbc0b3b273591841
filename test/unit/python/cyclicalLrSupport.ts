// Running the cyclical_lr package's Python (python/cyclical_lr) from mocha: the real torch interpreter,
// with the package and test/python on PYTHONPATH, in a fresh temp folder.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { findTorchPython } from '../../../src/worker/pythonInterpreter';
import { testTempDir } from '../../support/tempDirs';

export const ROOT = resolve(__dirname, '..', '..', '..', '..');
export const PACKAGE_DIR = join(ROOT, 'python');
export const TEST_SCRIPTS = join(ROOT, 'test', 'python');
export const CLI = join(ROOT, 'dist', 'cli.js');

let python: string | undefined;
export function torchPython(): string {
  python ??= findTorchPython(process.env.CLR_PYTHON).executable;
  return python;
}

export function tempDir(prefix = 'clr-py-'): string {
  return testTempDir(prefix);
}

export function pythonEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: [PACKAGE_DIR, TEST_SCRIPTS].join(delimiter), PYTHONDONTWRITEBYTECODE: '1', ...extra };
}

export interface PythonRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runPython(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): PythonRun {
  const r = spawnSync(torchPython(), args, { cwd: options.cwd, env: options.env ?? pythonEnv(), input: options.input, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export function runPythonAsync(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<PythonRun> {
  return new Promise((done, fail) => {
    const child = spawn(torchPython(), args, { cwd: options.cwd, env: options.env ?? pythonEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

/** The last stdout line of a script, parsed. */
export function lastJson<T>(run: PythonRun): T {
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

export function runFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => join(dir, f));
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts `world` ranks of a script the way torchrun does: one process each, rendezvous by environment. */
export async function launchRanks(script: string, args: string[], world: number, cwd: string): Promise<PythonRun[]> {
  const port = await freePort();
  return Promise.all(
    Array.from({ length: world }, (_, rank) =>
      runPythonAsync([script, ...args], {
        cwd,
        env: pythonEnv({ RANK: String(rank), LOCAL_RANK: String(rank), WORLD_SIZE: String(world), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), OMP_NUM_THREADS: '1' }),
      }),
    ),
  );
}

export function clr(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
