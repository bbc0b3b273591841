import { execFile, spawnSync } from 'node:child_process';
import { UserError } from '../core/errors';

/**
 * Interpreters tried, in order, when none is configured. The first `python3` on PATH is often a
 * separate Python without torch (pyenv, venvs), so Debian's system interpreter comes first.
 */
export const PYTHON_CANDIDATES: readonly string[] = ['/usr/bin/python3', 'python3', 'python'];

export interface PythonProbe {
  executable: string;
  version: string;
  /** torch.__version__, or undefined when torch does not import. */
  torch?: string;
}

const PROBE = 'import sys\ntry:\n import torch; t = torch.__version__\nexcept Exception:\n t = ""\nprint(sys.version.split()[0] + " " + t)';

/** Runs `executable` once to learn its version and whether torch imports; undefined if it does not run. */
export function probePython(executable: string): PythonProbe | undefined {
  const result = spawnSync(executable, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
  if (result.error || result.status !== 0) return undefined;
  return parseProbe(executable, result.stdout);
}

function parseProbe(executable: string, stdout: string): PythonProbe {
  const [version, torch] = stdout.trim().split(' ');
  return { executable, version, torch: torch || undefined };
}

/** probePython without blocking the caller (the extension host must never wait on `import torch`). */
export function probePythonAsync(executable: string): Promise<PythonProbe | undefined> {
  return new Promise((resolve) => {
    execFile(executable, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 }, (error, stdout) => {
      resolve(error ? undefined : parseProbe(executable, stdout));
    });
  });
}

/** findTorchPython without blocking the caller; candidates are probed in order, stopping at the first with torch. */
export async function findTorchPythonAsync(configured?: string, candidates: readonly string[] = PYTHON_CANDIDATES): Promise<PythonProbe> {
  const tried = configured ? [configured] : [...candidates];
  const probes: Array<{ exe: string; probe: PythonProbe | undefined }> = [];
  for (const exe of tried) {
    const probe = await probePythonAsync(exe);
    probes.push({ exe, probe });
    if (probe?.torch) break;
  }
  return chooseTorchPython(tried, probes, configured);
}

/**
 * The interpreter to run PyTorch code with: the configured one if given (it must work), else the first
 * candidate that has torch. Errors say what was tried and how to fix it.
 */
export function findTorchPython(configured?: string, candidates: readonly string[] = PYTHON_CANDIDATES): PythonProbe {
  const tried = configured ? [configured] : [...candidates];
  const probes = tried.map((exe) => ({ exe, probe: probePython(exe) }));
  return chooseTorchPython(tried, probes, configured);
}

function chooseTorchPython(
  tried: readonly string[],
  probes: ReadonlyArray<{ exe: string; probe: PythonProbe | undefined }>,
  configured: string | undefined,
): PythonProbe {
  const withTorch = probes.find((p) => p.probe?.torch);
  if (withTorch?.probe) return withTorch.probe;
  const running = probes.filter((p) => p.probe).map((p) => p.exe);
  if (running.length === 0) {
    throw new UserError(`Python not found (tried ${tried.join(', ')})`, {
      hint: configured
        ? 'set cyclicalLr.pythonPath (or --python) to a working interpreter'
        : 'install Python 3, or set cyclicalLr.pythonPath (or --python) to an interpreter',
    });
  }
  throw new UserError(`PyTorch is not installed for ${running.join(', ')}`, {
    hint: "install it (e.g. 'pip install torch', or on Debian/Ubuntu 'apt-get install python3-torch'), or point cyclicalLr.pythonPath (or --python) at an interpreter that has it",
  });
}
