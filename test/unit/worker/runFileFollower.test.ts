import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../../src/core/errors';
import { parseRunFile, runFileCurve } from '../../../src/core/runFile';
import { suggest } from '../../../src/core/suggest';
import type { WorkerEvent } from '../../../src/core/wire/workerChannel';
import { followRunFile } from '../../../src/worker/runFileFollower';
import { pythonEnv, runFiles, runPython, TEST_SCRIPTS, tempDir, torchPython } from '../python/cyclicalLrSupport';

// Following a run file while a separate Python process writes it (what the panel shows live).

describe('run file follower (real torch)', function () {
  this.timeout(120_000);
  before(() => torchPython());

  it('streams the points while the process runs, then ends with the suggestion clr suggest gives', async () => {
    const dir = tempDir();
    const file = join(dir, 'run.jsonl');
    const child = spawn(torchPython(), [join(TEST_SCRIPTS, 'slow_run.py'), file], { env: pythonEnv(), stdio: 'ignore' });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    while (!existsSync(file)) await new Promise((r) => setTimeout(r, 20));
    const events: WorkerEvent[] = [];
    let pointsWhileRunning = 0;
    const handle = followRunFile({
      file,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'progress' && child.exitCode === null) pointsWhileRunning++;
      },
    });
    const result = await handle.result;
    await exited;
    assert.ok(pointsWhileRunning >= 10, `${pointsWhileRunning} points arrived while the process was still training`);
    assert.equal(events[0].type, 'started');
    assert.equal(events[events.length - 1].type, 'result');
    const run = parseRunFile(readFileSync(file, 'utf8'), file);
    const curve = runFileCurve(run);
    const finderSweep = { lrs: curve.lrs, losses: curve.losses, iterations: curve.iterations };
    assert.deepEqual(result.suggestion, suggest(curve.lrs, curve.losses, { beta: curve.beta, diverged: curve.diverged, finderSweep }));
    assert.equal(result.stopReason, run.end?.stopReason);
    assert.deepEqual(result.lrs, curve.lrs.slice(0, result.lrs.length));
    assert.equal(events.filter((e) => e.type === 'progress').length, result.lrs.length);
  });

  it("a killed process's run ends as cut short, with its partial curve", async () => {
    const dir = tempDir();
    const r = runPython([join(TEST_SCRIPTS, 'killed_run.py'), dir, '40'], { cwd: dir });
    assert.equal(r.signal, 'SIGKILL');
    const [file] = runFiles(dir);
    const result = await followRunFile({ file }).result;
    assert.equal(result.stopReason, 'cancelled');
    assert.equal(result.lrs.length, 39);
  });

  it('a file that is not a run file is a clear error', async () => {
    const file = join(tempDir(), 'other.jsonl');
    writeFileSync(file, '{"a": 1}\n');
    await assert.rejects(followRunFile({ file }).result, (e: unknown) => e instanceof UserError && /not a Cyclical LR run file/.test(e.message) && e.location.line === 1);
  });
});
