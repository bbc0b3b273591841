// Runs a Python script from test/support with the interpreter that has torch, feeding it JSON on stdin.

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { findTorchPython } from '../../src/worker/pythonInterpreter';

/** Repository root, from out/test/support (compiled) or test/support (ts-node). */
export const REPO_ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../..' : '../..');

let cached: string | undefined;

/** The torch interpreter; throws (so the test fails, never skips) with an install hint when torch is missing. */
export function torchPython(): string {
  if (cached) return cached;
  try {
    cached = findTorchPython().executable;
    return cached;
  } catch (error) {
    const hint = error instanceof Error && 'format' in error ? (error as { format(): string }).format() : String(error);
    throw new Error(`this test needs PyTorch: ${hint}`);
  }
}

/** Runs test/support/<script> (or a path) with JSON input, returns its parsed JSON output. */
export function runPythonJson<T>(script: string, input: unknown, extraArgs: string[] = []): T {
  const file = path.isAbsolute(script) ? script : path.join(REPO_ROOT, 'test', 'support', script);
  const result = spawnSync(torchPython(), [file, ...extraArgs], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: 300_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${script} exited with ${result.status}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
