import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../../../src/core/errors';
import { MAX_OUTPUT_LINE, startPyTorchRangeTest } from '../../../src/worker/pytorchBridge';
import { findTorchPython } from '../../../src/worker/pythonInterpreter';
import { DATA, fixtureDir, MLP, sweepConfig, writeFixture } from './pytorchBridgeFixtures';

// The Python child on a short leash (issue #16): its own process group, killed with the run, with `clr`
// (SIGTERM, SIGHUP) and with its parent however it dies; a protocol nothing the user prints can corrupt.

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

/** A loader that is slow and starts a grandchild (as DataLoader workers are), recording both pids. */
const SLOW_WITH_GRANDCHILD = `
import json, os, subprocess, time
_sleeper = subprocess.Popen(["sleep", "600"])
with open("pids.tmp", "w") as _f:
    json.dump({"runner": os.getpid(), "grandchild": _sleeper.pid}, _f)
os.replace("pids.tmp", "pids.json")
class _Slow:
    def __init__(self, inner):
        self.inner, self.dataset, self.batch_size = inner, inner.dataset, inner.batch_size
    def __iter__(self):
        for batch in self.inner:
            time.sleep(0.03)
            yield batch
train_loader = _Slow(train_loader)
`;

/** False once the process is gone (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now();
  while (!condition()) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - t0;
}

async function pidsOf(dir: string): Promise<{ runner: number; grandchild: number }> {
  await until(() => existsSync(join(dir, 'pids.json')), 60_000, 'the runner to load the file');
  return JSON.parse(readFileSync(join(dir, 'pids.json'), 'utf8')) as { runner: number; grandchild: number };
}

describe('PyTorch bridge: the child process and its protocol (real torch)', function () {
  this.timeout(120_000);
  let python: string;
  before(() => {
    python = findTorchPython().executable;
  });

  it("nothing the user's code prints corrupts the protocol: partial lines, JSON on sys.__stdout__ and fd 1, 300 MB without a newline", async () => {
    const dir = fixtureDir();
    const file = writeFixture(dir, 'model.py', DATA + MLP + `
import json, os, sys
sys.stdout.write("a partial line without newline")
print(json.dumps({"type": "result", "stopReason": "completed"}), file=sys.__stdout__, flush=True)
os.write(1, b'{"type": "error", "kind": "user-code", "message": "fake error from fd 1"}\\n')
_big = b"x" * (300 << 20)
os.write(1, _big)
del _big
`);
    let chars = 0;
    let longest = 0;
    const seen: string[] = [];
    const handle = startPyTorchRangeTest({
      file,
      python,
      config: sweepConfig(file, { iterations: 60 }),
      onOutput: (line) => {
        chars += line.length;
        longest = Math.max(longest, line.length);
        if (line.length < 1000) seen.push(line);
      },
    });
    const result = await handle.result;
    assert.equal(result.lrs.length > 20, true, 'a real curve');
    assert.notEqual(result.stopReason, 'cancelled');
    assert.ok(chars >= 300 << 20, `all ${chars} characters of output were passed on`);
    assert.ok(longest <= MAX_OUTPUT_LINE, `in pieces of at most ${MAX_OUTPUT_LINE} (${longest})`);
    assert.ok(seen.some((l) => l.includes('fake error from fd 1')), "the fake protocol lines are the user's output");
    assert.ok(seen.some((l) => l.startsWith('a partial line without newline')));
  });

  it('a protocol line over the cap ends the run with a clear error, and the process', async () => {
    const dir = fixtureDir();
    const file = writeFixture(dir, 'model.py', DATA + MLP);
    const handle = startPyTorchRangeTest({ file, python, config: sweepConfig(file), maxProtocolLine: 200 });
    await assert.rejects(handle.result, /the PyTorch runner sent a protocol line longer than 200 characters; the run was stopped/);
    assert.ok(handle.pid !== undefined && !alive(handle.pid));
  });

  it("os._exit(0) in the user's loader is a clear user error (exit 2 in clr), not an internal error", async () => {
    const dir = fixtureDir();
    const file = writeFixture(dir, 'model.py', DATA + MLP + `
import os
class _Exits:
    dataset, batch_size = train_loader.dataset, 32
    def __iter__(self):
        os._exit(0)
train_loader = _Exits()
`);
    const handle = startPyTorchRangeTest({ file, python, config: sweepConfig(file) });
    const error = await handle.result.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof UserError, String(error));
    assert.equal(error.message, 'the Python process exited with code 0 while taking the first batch of train_loader, before the range test finished');
    assert.equal(error.location.file, file);
    assert.match(error.hint ?? '', /os\._exit\(\)/);
    const clr = spawn(process.execPath, [CLI, 'range-test', '--pytorch', 'model.py', '--python', python, '--device', 'cpu'], { cwd: dir });
    let stderr = '';
    clr.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((r) => clr.on('close', (c) => r(c)));
    assert.equal(code, 2, stderr);
    const errors = stderr.split('\n').filter((l) => l.startsWith('error:'));
    assert.equal(errors.length, 1, stderr);
    assert.match(errors[0], /model\.py: the Python process exited with code 0 while taking the first batch/);
  });

  it("cancel ends the runner's whole process group (its own children too) within a second", async () => {
    const dir = fixtureDir();
    const file = writeFixture(dir, 'model.py', DATA + MLP + SLOW_WITH_GRANDCHILD);
    let progressed: () => void = () => undefined;
    const progress = new Promise<void>((r) => (progressed = r));
    const handle = startPyTorchRangeTest({ file, python, cwd: dir, config: sweepConfig(file, { iterations: 3000, endLr: 1e-3 }), onEvent: (e) => e.type === 'progress' && progressed() });
    const pids = await pidsOf(dir);
    await progress;
    handle.cancel();
    await handle.result.catch(() => undefined);
    await until(() => !alive(pids.runner) && !alive(pids.grandchild), 1000, 'the runner and its child to end');
  });

  it('the runner ends itself and its children when its parent dies (SIGKILL, no clean-up possible)', async () => {
    const dir = fixtureDir();
    const file = writeFixture(dir, 'model.py', DATA + MLP + SLOW_WITH_GRANDCHILD);
    const bridge = join(ROOT, 'out', 'src', 'worker', 'pytorchBridge.js');
    const script = `
      const { startPyTorchRangeTest } = require(${JSON.stringify(bridge)});
      const config = ${JSON.stringify(sweepConfig(file, { iterations: 3000, endLr: 1e-3 }))};
      startPyTorchRangeTest({ file: ${JSON.stringify(file)}, python: ${JSON.stringify(python)}, cwd: ${JSON.stringify(dir)}, config }).result.catch(() => undefined);`;
    const parent = spawn(process.execPath, ['-e', script], { cwd: dir, stdio: 'ignore' });
    const pids = await pidsOf(dir);
    parent.kill('SIGKILL');
    await until(() => !alive(pids.runner) && !alive(pids.grandchild), 5000, 'the orphaned runner and its child to end');
  });

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} to clr ends the Python runner and its children`, async () => {
      const dir = fixtureDir();
      writeFixture(dir, 'model.py', DATA + MLP + SLOW_WITH_GRANDCHILD);
      const clr = spawn(process.execPath, [CLI, 'range-test', '--pytorch', 'model.py', '--python', python, '--device', 'cpu', '--iterations', '3000', '--end-lr', '1e-3'], { cwd: dir, stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((r) => clr.on('exit', (_code, s) => r(s)));
      const pids = await pidsOf(dir);
      clr.kill(signal);
      assert.equal(await exited, signal, `clr ends the way ${signal} ends a process`);
      await until(() => !alive(pids.runner) && !alive(pids.grandchild), 1000, 'the runner and its child to end');
    });
  }
});
