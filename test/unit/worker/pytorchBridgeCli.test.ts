import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RangeTestResultSchema } from '../../../src/core/wire/rangeTestResult';
import { matches } from '../../../src/core/wire/schemaParts';
import { findTorchPython } from '../../../src/worker/pythonInterpreter';
import { DATA, fixtureDir, MLP, writeFixture } from './pytorchBridgeFixtures';

// `clr range-test --pytorch`, through the real CLI bundle (npm run build first).
const CLI = resolve(__dirname, '..', '..', '..', '..', 'dist', 'cli.js');

function clr(args: string[], cwd: string) {
  const run = spawnSync(process.execPath, [CLI, 'range-test', ...args], { cwd, encoding: 'utf8', timeout: 90_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('error:'));
}

describe('clr range-test --pytorch (real torch)', function () {
  this.timeout(120_000);
  let python: string;

  before(() => {
    python = findTorchPython().executable;
  });

  it('prints the same JSON as the built-in engine, with --python, --device and --accumulate', () => {
    const dir = fixtureDir();
    writeFixture(dir, 'model.py', DATA + MLP);
    const out = clr(['--pytorch', 'model.py', '--python', python, '--device', 'cpu', '--accumulate', '2', '--iterations', '40', '--start-lr', '1e-4', '--end-lr', '1', '--json', '-'], dir);
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout) as unknown;
    assert.ok(matches(RangeTestResultSchema, result), 'a RangeTestResult');
    assert.equal(result.backend, 'pytorch');
    assert.equal(result.config.dataset, join(dir, 'model.py'));
    assert.equal(result.config.iterations, 40);
    assert.deepEqual(result.config.pytorch, { device: 'cpu', accumulate: 2, amp: false });
    for (const key of ['backend', 'config', 'dataset', 'lrs', 'losses', 'smoothed', 'stopReason', 'stoppedAt', 'stepsPerSecond', 'suggestion']) {
      assert.ok(key in result, key);
    }
    assert.equal(result.lrs.length, result.losses.length);
    assert.ok(result.lrs.length > 10);
  });

  it('writes --json to a file and prints the bounds', () => {
    const dir = fixtureDir();
    writeFixture(dir, 'model.py', DATA + MLP);
    const out = clr(['--pytorch', 'model.py', '--iterations', '30', '--end-lr', '1', '--json', 'out.json'], dir);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /CyclicLR bounds: base_lr \S+, max_lr \S+/);
    const saved = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { backend: string };
    assert.equal(saved.backend, 'pytorch');
    // Python 3.11 aborted at exit while the runner's parent watch held stdin's lock, after every run.
    assert.doesNotMatch(out.stderr, /Fatal Python error/);
  });

  it('a missing name: exit 2, one error line naming the file and the name', () => {
    const dir = fixtureDir();
    writeFixture(dir, 'model.py', DATA);
    const out = clr(['--pytorch', 'model.py'], dir);
    assert.equal(out.code, 2);
    assert.doesNotMatch(out.stderr, /Fatal Python error/);
    assert.deepEqual(errorLines(out.stderr), [
      `error: ${join(dir, 'model.py')}: the file does not define \`model\`: define \`model\`, \`train_loader\` and \`criterion\` (optionally \`optimizer\`, \`val_loader\`) at the top level of the file, or return them as a dict from a function \`setup()\``,
    ]);
  });

  it("an exception in the user's code: their traceback, then one error line with file:line", () => {
    const dir = fixtureDir();
    const source = DATA + MLP + 'def broken():\n    return 1 / 0\nbroken()\n';
    writeFixture(dir, 'model.py', source);
    const out = clr(['--pytorch', 'model.py'], dir);
    assert.equal(out.code, 2);
    assert.doesNotMatch(out.stderr, /Fatal Python error/);
    const lines = errorLines(out.stderr);
    assert.equal(lines.length, 1);
    const line = source.split('\n').findIndex((l) => l.includes('1 / 0')) + 1;
    assert.equal(lines[0], `error: ${join(dir, 'model.py')}:${line}: ZeroDivisionError: division by zero while loading the file`);
    assert.match(out.stderr, /Traceback \(your code, most recent call last\):\n {2}File ".*model\.py", line \d+, in <module>\n {4}broken\(\)\n {2}File ".*model\.py", line \d+, in broken\n {4}return 1 \/ 0/);
    assert.doesNotMatch(out.stderr, /runpy|clr_torch_runner|Error: internal/);
  });

  it('Python not found, and a bad --device, are usage errors', () => {
    const dir = fixtureDir();
    writeFixture(dir, 'model.py', DATA + MLP);
    const missing = clr(['--pytorch', 'model.py', '--python', join(dir, 'nope', 'python3')], dir);
    assert.equal(missing.code, 2);
    assert.match(errorLines(missing.stderr)[0], /^error: Python not found: .*nope\/python3: set cyclicalLr.pythonPath \(or --python\)/);
    const device = clr(['--pytorch', 'model.py', '--device', 'tpu'], dir);
    assert.equal(device.code, 2);
    assert.deepEqual(errorLines(device.stderr), ["error: --device: 'tpu' is not valid: expected one of cpu, cuda, auto"]);
    const dataset = clr(['data.csv', '--pytorch', 'model.py'], dir);
    assert.equal(dataset.code, 2);
    assert.match(errorLines(dataset.stderr)[0], /unexpected argument 'data.csv' with --pytorch/);
  });
  it('Ctrl-C stops the Python process too, and keeps the partial curve', async () => {
    const dir = fixtureDir();
    writeFixture(dir, 'model.py', DATA + `
import time
class Slow(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 4)
    def forward(self, x):
        time.sleep(0.02)
        return self.fc(x)
model = Slow()
import os
open("runner.pid", "w").write(str(os.getpid()))
`);
    const child = spawn(process.execPath, [CLI, 'range-test', '--pytorch', 'model.py', '--iterations', '3000', '--end-lr', '1e-3', '--json', '-'], { cwd: dir });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    // Once the runner has loaded the file, let it train well past the first points, then interrupt the CLI only.
    const pidFile = join(dir, 'runner.pid');
    while (!existsSync(pidFile)) await new Promise((r) => setTimeout(r, 50));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.ok(Date.now() - t0 < 1500, `exited ${Date.now() - t0} ms after Ctrl-C`);
    assert.equal(code, 0);
    const result = JSON.parse(stdout) as { stopReason: string; lrs: number[] };
    assert.equal(result.stopReason, 'cancelled');
    assert.ok(result.lrs.length >= 10 && result.lrs.length < 3000);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'no runner left behind');
  });
});
