import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../../src/core/errors';
import { rangeTestLrs } from '../../../src/core/schedules';
import { RangeTestResultSchema } from '../../../src/core/wire/rangeTestResult';
import { matches } from '../../../src/core/wire/schemaParts';
import { fromWorker, WorkerEvent } from '../../../src/core/wire/workerChannel';
import { isRangeTestCancelled } from '../../../src/worker/client';
import { PyTorchUserError, startPyTorchRangeTest } from '../../../src/worker/pytorchBridge';
import { findTorchPython } from '../../../src/worker/pythonInterpreter';
import { DATA, fixtureDir, MLP, pythonWithoutTorch, STATE_DIGEST, sweepConfig, writeFixture } from './pytorchBridgeFixtures';

/** Runs the bridge to the end and returns its outcome with every event it sent. */
async function run(file: string, options: { python?: string; config?: Parameters<typeof sweepConfig>[1]; env?: NodeJS.ProcessEnv } = {}) {
  const events: WorkerEvent[] = [];
  const output: string[] = [];
  const handle = startPyTorchRangeTest({
    file,
    python: options.python ?? torchPython,
    config: sweepConfig(file, options.config),
    env: options.env,
    onEvent: (e) => events.push(e),
    onOutput: (line) => output.push(line),
  });
  try {
    return { result: await handle.result, events, output, error: undefined };
  } catch (error) {
    return { result: undefined, events, output, error: error as Error };
  }
}

function userError(outcome: { error?: Error }): PyTorchUserError | UserError {
  assert.ok(outcome.error instanceof UserError, `expected a UserError, got ${outcome.error?.stack ?? 'a result'}`);
  return outcome.error;
}

let torchPython: string;

describe('PyTorch bridge (real torch)', function () {
  this.timeout(120_000);

  before(() => {
    // Fails (never skips) with the install hint when no interpreter has torch.
    torchPython = findTorchPython().executable;
  });

  it('runs a real model and loader: the curve falls, then diverges, on the engine\'s learning rates', async () => {
    const dir = fixtureDir();
    const file = writeFixture(dir, 'model.py', DATA + MLP + 'print("hello from the user")\n');
    const { result, events, output, error } = await run(file);
    assert.equal(error, undefined);
    assert.ok(result && matches(RangeTestResultSchema, result), 'a valid RangeTestResult');
    assert.equal(result.backend, 'pytorch');
    assert.equal(result.dataset.format, 'pytorch');
    assert.equal(result.dataset.path, file);
    assert.equal(result.dataset.rows, 1536);
    assert.deepEqual(result.dataset.inputShape, [16]);
    assert.equal(result.config.batchSize, 32);
    assert.equal(result.pytorchRuntime?.device, 'cpu');
    assert.equal(result.stopReason, 'diverged');
    const n = result.lrs.length;
    assert.ok(n > 40 && n < 120, `stopped within the sweep (${n} points)`);
    assert.equal(result.stoppedAt, n - 1);
    assert.deepEqual(result.lrs, rangeTestLrs(1e-5, 100, 120, 'exp').slice(0, n));
    // Shape: flat at the smallest rates, a clear fall, then divergence (the smoothed loss above 4× its best).
    const raw = result.losses;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const head = mean(raw.slice(0, 10));
    const argmin = raw.indexOf(Math.min(...raw));
    assert.ok(Math.max(...raw.slice(0, 10)) < 1.3 * head, 'flat at the smallest learning rates');
    assert.ok(raw[argmin] < 0.4 * head, `the loss falls (${head} → ${raw[argmin]})`);
    assert.ok(argmin > 20 && argmin < n - 3, `the minimum is inside the curve (step ${argmin})`);
    const s = result.smoothed;
    assert.ok(Math.min(...s) < 0.85 * s[0], 'the smoothed loss falls too');
    assert.ok(s[n - 1] > 4 * Math.min(...s), 'the run ends where the smoothed loss exceeded 4× its best');
    assert.ok(raw[n - 1] > 3 * head, 'the raw loss blew up at the end');
    // Bounds inside the fall: a learning rate that trains, well below the divergence.
    assert.ok(result.suggestion.clr.maxLr > 1e-3 && result.suggestion.clr.maxLr < 1, `max_lr ${result.suggestion.clr.maxLr}`);
    assert.ok(result.suggestion.clr.baseLr < result.suggestion.clr.maxLr);
    assert.ok(result.suggestion.clr.maxLr <= result.lrs[n - 1]);
    // The same events as the TF.js worker: started, one progress per point, result.
    assert.ok(events.every((e) => fromWorker.parse(e).ok), 'every event is a valid worker event');
    assert.equal(events[0].type, 'started');
    assert.equal(events.filter((e) => e.type === 'progress').length, n);
    assert.equal(events[events.length - 1].type, 'result');
    assert.ok(output.includes('hello from the user'), "the user's print arrives as output, not in the JSON stream");
  });

  it('leaves the model, the optimizer and the RNG exactly as they were', async () => {
    const dir = fixtureDir();
    const file = writeFixture(dir, 'model.py', DATA + MLP + STATE_DIGEST);
    const digest = join(dir, 'digest');
    const { result, error } = await run(file, { env: { CLR_TEST_DIGEST: digest } });
    assert.equal(error, undefined);
    assert.ok(result && result.lrs.length > 10, 'the test trained');
    const before = readFileSync(digest + '.before', 'utf8');
    const after = readFileSync(digest + '.after', 'utf8');
    assert.match(before, /^[0-9a-f]{64}$/);
    assert.equal(after, before, 'state digest after the range test equals the one before');
  });

  it('accumulates gradients, reports the validation loss and writes nothing beside the user\'s file', async () => {
    const dir = fixtureDir();
    writeFixture(dir, 'helpers.py', 'from torch import nn\ndef make():\n    return nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4))\n');
    const file = writeFixture(dir, 'model.py', DATA + 'import helpers\nmodel = helpers.make()\n');
    const { result, error } = await run(file, { config: { iterations: 30, endLr: 1, valEvery: 5, pytorch: { device: 'cpu', accumulate: 3, amp: false } } });
    assert.equal(error, undefined);
    assert.ok(result);
    assert.equal(result.lrs.length, 30);
    assert.deepEqual(result.valLosses?.map(([step]) => step), [4, 9, 14, 19, 24, 29]);
    assert.ok(result.valLosses?.every(([, loss]) => loss > 0 && loss < 5));
    assert.equal(result.config.pytorch?.accumulate, 3);
    assert.deepEqual(readdirSync(dir).sort(), ['helpers.py', 'model.py'], 'no __pycache__ in the user\'s folder');
  });

  it('supports setup() returning the objects as a dict', async () => {
    const dir = fixtureDir();
    const file = writeFixture(dir, 'model.py', 'def setup():\n' + (DATA + MLP).split('\n').map((l) => '    ' + l).join('\n') +
      '\n    return {"model": model, "train_loader": train_loader, "criterion": criterion}\n');
    const { result, error } = await run(file, { config: { iterations: 20, endLr: 1, valEvery: 5 } });
    assert.equal(error, undefined);
    assert.equal(result?.lrs.length, 20);
    assert.equal(result?.valLosses, undefined);
    assert.deepEqual(result?.dataset.warnings, ['val_every is set but the file defines no val_loader: no validation loss']);
  });

  describe('clear errors', () => {
    it('Python not found', async () => {
      const dir = fixtureDir();
      const file = writeFixture(dir, 'model.py', DATA + MLP);
      const e = userError(await run(file, { python: join(dir, 'no-such-python3') }));
      assert.match(e.format(), /Python not found: .*no-such-python3: .*cyclicalLr\.pythonPath/);
    });

    it('torch not installed, with the install hint', async () => {
      const dir = fixtureDir();
      const file = writeFixture(dir, 'model.py', DATA + MLP);
      const e = userError(await run(file, { python: pythonWithoutTorch(dir, torchPython) }));
      assert.match(e.message, /PyTorch is not installed/);
      assert.match(e.hint ?? '', /pip install torch.*python3-torch/);
    });

    it('a missing name, saying which', async () => {
      const dir = fixtureDir();
      const file = writeFixture(dir, 'model.py', DATA.replace(/^train_loader = .*$/m, '') + MLP);
      const e = userError(await run(file));
      assert.match(e.message, /does not define `train_loader`/);
      assert.doesNotMatch(e.message, /`model`|`criterion`/);
      assert.equal(e.location.file, file);
      assert.match(e.hint ?? '', /setup\(\)/);
    });

    it("an exception in the user's code: their line, their frames only", async () => {
      const dir = fixtureDir();
      const source = DATA + `
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 4)
    def forward(self, x):
        return check(self.fc(x))
def check(y):
    raise ValueError("bad activations in my model")
model = Net()
`;
      const file = writeFixture(dir, 'model.py', source);
      const e = userError(await run(file));
      assert.ok(e instanceof PyTorchUserError);
      assert.match(e.message, /ValueError: bad activations in my model during the range test/);
      assert.equal(e.location.file, file);
      assert.equal(e.location.line, source.split('\n').findIndex((l) => l.includes('raise ValueError')) + 1);
      const trace = e.traceback ?? '';
      assert.match(trace, /in forward\n\s+return check\(self.fc\(x\)\)/);
      assert.match(trace, /in check\n\s+raise ValueError/);
      assert.doesNotMatch(trace, /clr_torch_runner|site-packages|dist-packages|torch\/nn/, 'only the user\'s frames');
    });

    it('an exception while loading the file points at its line', async () => {
      const dir = fixtureDir();
      const file = writeFixture(dir, 'model.py', DATA + MLP + 'import no_such_module_xyz\n');
      const e = userError(await run(file));
      assert.match(e.message, /ModuleNotFoundError: No module named 'no_such_module_xyz' while loading the file/);
      assert.equal(e.location.line, (DATA + MLP).split('\n').length);
    });

    it('CUDA out of memory', async () => {
      const dir = fixtureDir();
      const file = writeFixture(dir, 'model.py', DATA + `
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 4)
    def forward(self, x):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")
model = Net()
`);
      const e = userError(await run(file));
      assert.ok(e instanceof PyTorchUserError);
      assert.equal(e.kind, 'cuda-oom');
      assert.match(e.message, /CUDA out of memory/);
      assert.match(e.hint ?? '', /batch size.*--accumulate.*--device cpu/);
    });

    it('NaN from the first step', async () => {
      const dir = fixtureDir();
      const file = writeFixture(dir, 'model.py', DATA.replace('_x = torch.randn(2048, 16)', '_x = torch.randn(2048, 16)\n_x[:, 3] = float("nan")') + MLP);
      const e = userError(await run(file));
      assert.match(e.message, /the loss is nan from the first step/);
      assert.match(e.hint ?? '', /NaN.*inputs|start_lr/);
    });

    it('a loss that diverges at once: too few points, with the hint to lower start_lr', async () => {
      const dir = fixtureDir();
      const file = writeFixture(dir, 'model.py', DATA + MLP);
      const e = userError(await run(file, { config: { startLr: 1e4, endLr: 1e8, iterations: 50 } }));
      assert.match(e.message, /the loss diverged after \d steps, too few to suggest bounds/);
      assert.match(e.hint ?? '', /lower start_lr/);
    });

    it('setup() that returns something else than a dict', async () => {
      const dir = fixtureDir();
      const file = writeFixture(dir, 'model.py', 'def setup():\n    return 42\n');
      const e = userError(await run(file));
      assert.match(e.message, /setup\(\) returned int, not a dict/);
    });

    it('a model that is not an nn.Module', async () => {
      const dir = fixtureDir();
      const file = writeFixture(dir, 'model.py', DATA + 'model = "resnet"\n');
      const e = userError(await run(file));
      assert.match(e.message, /`model` is a str, not a torch.nn.Module/);
    });

    it('the error reaches onEvent as an error event too', async () => {
      const dir = fixtureDir();
      const file = writeFixture(dir, 'model.py', DATA);
      const { events } = await run(file);
      const last = events[events.length - 1];
      assert.equal(last.type, 'error');
      assert.ok(last.type === 'error' && last.userError && /`model`/.test(last.message));
    });
  });

  it('cancel ends the Python process within one second', async () => {
    const dir = fixtureDir();
    const file = writeFixture(dir, 'model.py', DATA + `
import time
class Slow(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 4)
    def forward(self, x):
        time.sleep(0.05)
        return self.fc(x)
model = Slow()
`);
    let firstPoint: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (firstPoint = resolve));
    const handle = startPyTorchRangeTest({
      file,
      python: torchPython,
      config: sweepConfig(file, { iterations: 5000, endLr: 1e-3 }),
      onEvent: (e) => {
        if (e.type === 'progress' && e.point.step >= 12) firstPoint();
      },
    });
    await started;
    const pid = handle.pid;
    assert.ok(pid !== undefined);
    const t0 = Date.now();
    handle.cancel();
    let outcome: string;
    try {
      const result = await handle.result;
      outcome = result.stopReason;
      assert.ok(result.lrs.length >= 12, 'the partial curve is kept');
    } catch (error) {
      assert.ok(isRangeTestCancelled(error), String(error));
      outcome = 'cancelled';
    }
    const elapsed = Date.now() - t0;
    assert.equal(outcome, 'cancelled');
    assert.ok(elapsed < 1000, `settled ${elapsed} ms after cancel`);
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the Python process is gone');
  });

});
