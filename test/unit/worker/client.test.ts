import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../../../src/core/errors';
import { DEFAULT_RANGE_TEST_CONFIG, RangeTestConfig, RangeTestResult } from '../../../src/core/types';
import { WorkerEvent } from '../../../src/core/wire/workerChannel';
import { forkWorker, isRangeTestCancelled, SpareWorker, startRangeTest } from '../../../src/worker/client';
import { CRASH_ENV } from '../../../src/worker/testHooks';
import { testTempDir } from '../../support/tempDirs';

const root = resolve(__dirname, '..', '..', '..', '..');
const workerPath = join(root, 'dist', 'worker.js');
const cliPath = join(root, 'dist', 'cli.js');

/** A CSV with two noisy blobs per class, three classes. */
function writeCsv(dir: string, rows = 600): string {
  let state = 12345;
  const rand = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296);
  const lines = ['a,b,c,label'];
  for (let i = 0; i < rows; i++) {
    const k = i % 3;
    lines.push(`${(k + rand() * 1.5).toFixed(4)},${(k * -0.5 + rand()).toFixed(4)},${rand().toFixed(4)},class${k}`);
  }
  const path = join(dir, 'blobs.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntilDead(pid: number, limitMs: number): Promise<number> {
  const started = Date.now();
  while (alive(pid)) {
    if (Date.now() - started > limitMs) return Infinity;
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

describe('range-test worker (dist/worker.js)', () => {
  const dir = testTempDir('clr-worker-');
  const dataset = writeCsv(dir);
  const config = (overrides: Partial<RangeTestConfig> = {}): RangeTestConfig => ({
    ...DEFAULT_RANGE_TEST_CONFIG,
    dataset,
    hidden: [16],
    iterations: 50,
    startLr: 1e-4,
    endLr: 10,
    seed: 3,
    ...overrides,
  });

  it('streams started/progress events and gives the same curve as the CLI for the same seed', async () => {
    const events: WorkerEvent[] = [];
    const handle = startRangeTest(config(), { workerPath, onEvent: (e) => events.push(e) });
    const result = await handle.result;
    assert.equal(events[0].type, 'started');
    const points = events.filter((e) => e.type === 'progress');
    // Every step of every run (5 by default, in parallel threads) streams.
    assert.equal(points.length, (result.runCurves ?? []).reduce((n, run) => n + run.losses.length, 0));
    const out = join(dir, 'cli.json');
    await promisify(execFile)(process.execPath, [cliPath, 'range-test', dataset, '--hidden', '16', '--iterations', '50', '--start-lr', '1e-4', '--seed', '3', '--json', out]);
    const cli = JSON.parse(readFileSync(out, 'utf8')) as RangeTestResult;
    assert.deepEqual(cli.losses, result.losses);
    assert.deepEqual(cli.lrs, result.lrs);
    assert.equal(cli.backend, result.backend);
  });

  it('ends within one second of cancel(), with the partial curve', async () => {
    let cancelledAt = 0;
    const handle = startRangeTest(config({ iterations: 100000, endLr: 1.0001e-4 }), {
      workerPath,
      onEvent: (e) => {
        if (e.type === 'progress' && e.point.step === 20 && cancelledAt === 0) {
          cancelledAt = Date.now();
          handle.cancel();
        }
      },
    });
    const pid = handle.pid as number;
    let result: RangeTestResult | undefined;
    try {
      result = await handle.result;
    } catch (error) {
      assert.ok(isRangeTestCancelled(error), String(error));
    }
    const dead = await waitUntilDead(pid, 2000);
    assert.ok(Date.now() - cancelledAt < 1000 && dead < 1000, `worker ended ${Date.now() - cancelledAt} ms after cancel`);
    if (result) {
      assert.equal(result.stopReason, 'cancelled');
      assert.ok(result.lrs.length >= 21 && result.lrs.length < 100000);
    }
  });

  it("starts without the editor's NODE_EXTRA_CA_CERTS: it opens no connection, and Node parses that bundle first", async () => {
    const saved = process.env.NODE_EXTRA_CA_CERTS;
    // A bundle Node cannot load makes it say so on stderr as it starts, where it reads one.
    process.env.NODE_EXTRA_CA_CERTS = join(dir, 'no-such-bundle.pem');
    try {
      const child = forkWorker({ workerPath });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const result = await startRangeTest(config({ runs: 1 }), { workerPath, process: child }).result;
      assert.ok(result.losses.length > 0);
      assert.doesNotMatch(stderr, /extra certs/i);
    } finally {
      if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = saved;
    }
  });

  it('reports a worker killed with SIGKILL instead of hanging', async () => {
    const handle = startRangeTest(config({ iterations: 100000, endLr: 1.0001e-4 }), {
      workerPath,
      onEvent: (e) => {
        if (e.type === 'progress' && e.point.step === 5) process.kill(handle.pid as number, 'SIGKILL');
      },
    });
    await assert.rejects(handle.result, /worker was killed \(SIGKILL\) before finishing/);
  });

  it('reports a worker that dies abruptly by itself', async () => {
    const handle = startRangeTest(config(), { workerPath, env: { [CRASH_ENV]: '1' } });
    await assert.rejects(handle.result, (error: Error) => !(error instanceof UserError) && /before finishing/.test(error.message));
  });

  it("turns the worker's user errors into UserErrors", async () => {
    const missing = startRangeTest(config({ dataset: join(dir, 'nope.csv') }), { workerPath });
    await assert.rejects(missing.result, (error: unknown) => error instanceof UserError && /nope\.csv/.test(error.format()));
    const badLr = startRangeTest(config({ startLr: 1, endLr: 0.5 }), { workerPath });
    await assert.rejects(badLr.result, (error: unknown) => error instanceof UserError && /--end-lr/.test(error.message));
  });

  it('reports a worker file that does not exist', async () => {
    const handle = startRangeTest(config(), { workerPath: join(dir, 'missing-worker.js') });
    await assert.rejects(handle.result, /worker/);
  });

  describe('spare worker (forked ahead of the Run)', () => {
    it('runs the test on the spare, with the same result as a worker forked at the Run', async () => {
      const spares = new SpareWorker({ workerPath });
      spares.prepare();
      const spare = spares.take();
      assert.ok(spare?.pid, 'a spare was forked');
      // A user reads the panel before clicking Run: the spare has loaded its bundle and waits.
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(alive(spare.pid), 'an idle spare stays alive');
      const handle = startRangeTest(config(), { workerPath, process: spare });
      assert.equal(handle.pid, spare.pid, 'the run is on the spare');
      const onSpare = await handle.result;
      const forked = await startRangeTest(config(), { workerPath }).result;
      assert.deepEqual(onSpare.losses, forked.losses);
      assert.deepEqual(onSpare.suggestion, forked.suggestion);
      assert.ok((await waitUntilDead(spare.pid, 2000)) < 2000, 'the spare ends with its run');
    });

    it('is forked once, taken once, and ended when discarded or left idle', async () => {
      const spares = new SpareWorker({ workerPath });
      spares.prepare();
      const first = spares.take();
      assert.ok(first);
      assert.equal(spares.take(), undefined, 'a taken spare is not handed out twice');
      first.kill('SIGKILL');
      spares.prepare();
      const second = spares.take();
      spares.prepare();
      spares.prepare();
      const third = spares.take();
      assert.ok(second && third && second.pid !== third.pid, 'prepare() forks a new spare after take(), and only one');
      second.kill('SIGKILL');
      third.kill('SIGKILL');

      spares.prepare();
      const discarded = spares.take();
      assert.ok(discarded);
      spares.prepare();
      const pending = spares.waitingPid as number;
      spares.discard();
      assert.ok((await waitUntilDead(pending, 2000)) < 2000, 'discard() ends the spare');
      discarded.kill('SIGKILL');

      const shortLived = new SpareWorker({ workerPath }, 200);
      shortLived.prepare();
      const idle = shortLived.waitingPid as number;
      assert.ok((await waitUntilDead(idle, 3000)) < 3000, 'an unused spare ends after its idle time');
      assert.equal(shortLived.take(), undefined, 'and is not handed out');
    });

    it('hands out no spare that died: the run forks its own', async () => {
      const spares = new SpareWorker({ workerPath });
      spares.prepare();
      const pid = spares.waitingPid as number;
      process.kill(pid, 'SIGKILL');
      await waitUntilDead(pid, 2000);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(spares.take(), undefined);
      const result = await startRangeTest(config(), { workerPath, process: spares.take() }).result;
      assert.ok(result.losses.length > 0);
    });
  });
});
