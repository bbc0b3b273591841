import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunFile } from '../../../src/core/runFile';
import { CurveError, suggest } from '../../../src/core/suggest';
import { DEFAULT_RANGE_TEST_CONFIG, WIDE_START_LR } from '../../../src/core/types';
import { mulberry32 } from '../../support/seededRandom';
import { clr, launchRanks, lastJson, PACKAGE_DIR, runFiles, runPython, tempDir, TEST_SCRIPTS, torchPython } from './cyclicalLrSupport';

// The cyclical_lr package (python/cyclical_lr) with real torch: the "done when" list.

/** Deep equality with numbers equal to 1e-9 relative (Python's and V8's log10 may differ in the last bit). */
function assertClose(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(Math.abs(expected), 1e-300), `${path}: ${actual} != ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
    expected.forEach((v, i) => assertClose((actual as unknown[])[i], v, `${path}[${i}]`));
  } else if (typeof expected === 'object' && expected !== null) {
    assert.ok(typeof actual === 'object' && actual !== null, `${path}: not an object`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), path);
    for (const [k, v] of Object.entries(expected)) assertClose((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else {
    assert.deepEqual(actual, expected, path);
  }
}

function suggestJson(file: string, cwd: string): unknown {
  const r = clr(['suggest', file, '--json'], cwd);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

interface LoopReport {
  restored: boolean;
  groupLrsAfter: number[];
  seenLrs: number[][];
  path: string;
  stopReason: string;
  steps: number;
  suggestion: unknown;
  error: string | null;
}

describe('cyclical_lr Python package (real torch)', function () {
  this.timeout(180_000);
  before(() => torchPython());

  it("sweeps as the extension does a user's own model by default (RangeTest and the Keras callback): same lrs, steps, EMA and divergence stop", () => {
    const script = [
      'import inspect, json',
      'from cyclical_lr import RangeTest',
      'from cyclical_lr.keras import RangeTestCallback',
      'names = ["start_lr", "end_lr", "iterations", "step_mode", "smoothing", "diverge"]',
      'print(json.dumps([{n: inspect.signature(c).parameters[n].default for n in names} for c in (RangeTest, RangeTestCallback)]))',
    ].join('\n');
    const r = runPython(['-c', script]);
    assert.equal(r.code, 0, r.stderr);
    const d = DEFAULT_RANGE_TEST_CONFIG;
    // A user's own model and optimizer: the wide start, as `clr range-test --pytorch` (the built-in models' SGD starts higher).
    const extension = { start_lr: WIDE_START_LR, end_lr: d.endLr, iterations: d.iterations, step_mode: d.stepMode, smoothing: d.smoothing, diverge: d.diverge };
    assert.deepEqual(lastJson(r), [extension, extension]);
  });

  it("a user's loop with dict batches, accumulation, clipping and two parameter groups: ratios kept, state restored to the bit", () => {
    const dir = tempDir();
    const r = runPython([join(TEST_SCRIPTS, 'user_loop.py'), join(dir, 'runs'), 'ok'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const report = lastJson<LoopReport>(r);
    assert.equal(report.error, null);
    assert.equal(report.restored, true, 'model, AdamW moments, param groups and RNG are bit-identical after the test');
    assert.deepEqual(report.groupLrsAfter, [1e-4, 1e-3], 'the original rates are back');
    assert.equal(report.stopReason, 'completed');
    assert.equal(report.steps, 80);
    const run = parseRunFile(readFileSync(report.path, 'utf8'), report.path);
    assert.equal(run.steps.length, 80);
    assert.equal(run.end?.stopReason, 'completed');
    // The swept rate is the larger group's; the other keeps its 1:10 ratio at every step.
    for (const [i, [body, head]] of report.seenLrs.slice(0, 80).entries()) {
      assert.ok(Math.abs(head - run.steps[i].lr) <= 1e-15 * head, `step ${i}: head lr ${head} = swept ${run.steps[i].lr}`);
      assert.ok(Math.abs(body / head - 0.1) < 1e-12, `step ${i}: ratio ${body / head}`);
    }
    assert.equal(run.steps[0].lr, 1e-5);
    assert.ok(Math.abs(run.steps[79].lr - 10) < 1e-12);
    // What the loop printed is what `clr suggest RUN.jsonl` computes from the file.
    assertClose(suggestJson(report.path, dir), report.suggestion);
  });

  it('a loop that raises halfway: the state is still restored and the run file ends with the error', () => {
    const dir = tempDir();
    const r = runPython([join(TEST_SCRIPTS, 'user_loop.py'), join(dir, 'runs'), 'raise'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const report = lastJson<LoopReport>(r);
    assert.equal(report.error, 'the data pipeline broke at step 30');
    assert.equal(report.restored, true);
    assert.deepEqual(report.groupLrsAfter, [1e-4, 1e-3]);
    const lines = readFileSync(report.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const end = lines[lines.length - 1];
    assert.equal(end.type, 'end');
    assert.equal(end.stopReason, 'error');
    assert.deepEqual(end.error, { type: 'RuntimeError', message: 'the data pipeline broke at step 30' });
    assert.equal(lines.filter((l) => l.type === 'step').length, 30);
  });

  it('two ranks under torch.distributed (gloo, DDP, CPU): both exit 0, stop at the same step on the mean loss, one run file', async () => {
    const dir = tempDir();
    const out = join(dir, 'runs');
    const ranks = await launchRanks(join(TEST_SCRIPTS, 'ddp_check.py'), [out], 2, dir);
    ranks.forEach((r, i) => assert.equal(r.code, 0, `rank ${i}: ${r.stderr}`));
    const [r0, r1] = ranks.map((r) => lastJson<{ rank: number; local: number[]; losses: number[]; stopReason: string; path: string | null; suggestion: unknown }>(r));
    assert.deepEqual([r0.rank, r1.rank], [0, 1]);
    assert.equal(r0.stopReason, 'diverged', 'the sweep to lr 100 diverges');
    assert.equal(r1.stopReason, r0.stopReason);
    assert.equal(r0.losses.length, r1.losses.length, 'both ranks stopped at the same step');
    assert.ok(r0.losses.length > 20 && r0.losses.length < 200, `${r0.losses.length} steps`);
    assert.deepEqual(r1.losses, r0.losses, 'every rank recorded the same (all-reduced) losses');
    assert.notDeepEqual(r0.local, r1.local, 'the ranks trained on different shards');
    r0.losses.forEach((loss, i) => assert.ok(Math.abs(loss - (r0.local[i] + r1.local[i]) / 2) <= 1e-12 * Math.abs(loss), `step ${i}: the mean of both ranks`));
    assert.equal(r1.path, null, 'rank 1 writes nothing');
    assert.deepEqual(runFiles(out), [r0.path]);
    const run = parseRunFile(readFileSync(r0.path as string, 'utf8'), r0.path as string);
    assert.equal(run.header.worldSize, 2);
    assert.equal(run.steps.length, r0.losses.length);
    assert.deepEqual(r1.suggestion, r0.suggestion);
    assertClose(suggestJson(r0.path as string, dir), r0.suggestion);
  });

  it("a killed process's run file is read by clr suggest, also with a half-written last line", () => {
    const dir = tempDir();
    const out = join(dir, 'runs');
    const r = runPython([join(TEST_SCRIPTS, 'killed_run.py'), out, '40'], { cwd: dir });
    assert.equal(r.signal, 'SIGKILL');
    const [file] = runFiles(out);
    const text = readFileSync(file, 'utf8');
    const run = parseRunFile(text, file);
    assert.equal(run.end, undefined, 'no end line');
    assert.equal(run.steps.length, 39);
    const lrs = run.steps.map((s) => s.lr);
    const losses = run.steps.map((s) => s.loss);
    // The finders read the sweep the header asked for (fastai trims num_it // 10 of the requested iterations).
    const expected = JSON.parse(JSON.stringify(suggest(lrs, losses, { beta: 0.98, finderSweep: { lrs, losses, iterations: run.header.iterations } })));
    assert.deepEqual(suggestJson(file, dir), expected);
    // A kill in the middle of a write leaves a line without its newline.
    const cut = join(dir, 'cut.jsonl');
    copyFileSync(file, cut);
    appendFileSync(cut, '{"type":"step","step":39,"lr":0.0');
    assert.deepEqual(suggestJson(cut, dir), expected);
    const bad = join(dir, 'bad.jsonl');
    copyFileSync(file, bad);
    appendFileSync(bad, 'garbage\n{"type":"step","step":40,"lr":1,"loss":1}\n');
    const failed = clr(['suggest', bad], dir);
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, new RegExp(`^error: .*bad\\.jsonl:41.*not a JSON line`, 'm'));
  });

  it("RangeTest.suggestion is the extension's suggestion on the same curves (catches a rule change on either side)", () => {
    const random = mulberry32(13);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const curves: Array<{ lrs: number[]; losses: Array<number | null>; beta: number; diverged: boolean }> = [];
    // Fall depths (÷ the loss after the fall) on both sides of the rule's thresholds: no fall under 5% of the
    // starting loss, a shallow one under 20% — a threshold changed on one side only shows on these.
    const depths = [1.5, 0.035, 0.045, 0.06, 0.18, 0.3];
    for (let c = 0; c < 72; c++) {
      const n = [12, 40, 100, 100, 160, 300][c % 6];
      const linear = c % 9 === 4;
      const lrs = Array.from({ length: n }, (_, i) => (linear ? 1e-4 + (1 - 1e-4) * (i / (n - 1)) : 10 ** (-7 + (8 * i) / (n - 1))));
      const kind = c % 4;
      const noise = [0.002, 0.02, 0.2][(c + Math.floor(c / 6)) % 3];
      const depth = depths[Math.floor(c / 6) % depths.length];
      const centre = -4 + 3 * random();
      const losses: Array<number | null> = lrs.map((lr) => {
        const x = Math.log10(lr);
        const fall = kind === 2 ? 0 : depth / (1 + Math.exp(4 * (x - centre)));
        const rise = kind === 3 ? 0 : 5 * Math.max(0, x - centre - 2) ** 2;
        const spike = random() < 0.03 ? 2 : 0;
        return 1 + fall + rise + noise * gauss() + spike;
      });
      if (c % 5 === 1) losses.splice(Math.floor(n * 0.8), n, ...Array<null>(n - Math.floor(n * 0.8)).fill(null));
      curves.push({ lrs, losses, beta: c % 7 === 3 ? 0.9 : 0.98, diverged: c % 2 === 0 });
    }
    curves.push({ lrs: [1, 2, 3], losses: [1, 1, 1], beta: 0.98, diverged: false });
    const r = runPython([join(TEST_SCRIPTS, 'suggest_curves.py')], { input: JSON.stringify({ curves }) });
    assert.equal(r.code, 0, r.stderr);
    const fromPython = JSON.parse(r.stdout) as unknown[];
    assert.equal(fromPython.length, curves.length);
    let compared = 0;
    curves.forEach((curve, i) => {
      let expected: unknown;
      try {
        expected = JSON.parse(JSON.stringify(suggest(curve.lrs, curve.losses.map((l) => l ?? NaN), { beta: curve.beta, diverged: curve.diverged })));
      } catch (error) {
        assert.ok(error instanceof CurveError, String(error));
        assert.ok(fromPython[i] && typeof (fromPython[i] as { error?: string }).error === 'string', `curve ${i}: Python should refuse it too`);
        return;
      }
      assertClose(fromPython[i], expected, `curve ${i}`);
      compared++;
    });
    assert.ok(compared >= 60, `${compared} curves compared`);
  });
});

describe('cyclical_lr: the plain loop, NaN, the Keras callback, packaging', function () {
  this.timeout(180_000);
  before(() => torchPython());

  it('RangeTest.run: accumulation, clipping, AMP, validation loss every 5 steps, state restored; step() with floats, tensors and NaN', () => {
    const dir = tempDir();
    const r = runPython([join(TEST_SCRIPTS, 'plain_run.py'), dir], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const report = lastJson<{
      run: { path: string; stopReason: string; steps: number; restored: boolean; suggestion: unknown };
      nan: { path: string; stopReason: string; steps: number; lastIsNan: boolean; lrAfter: number; suggestion: unknown };
    }>(r);
    assert.equal(report.run.restored, true);
    assert.equal(report.run.stopReason, 'diverged');
    const lines = readFileSync(report.run.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const config = lines[0].config as Record<string, unknown>;
    assert.deepEqual([config.accumulate, config.clipGradNorm, config.amp], [2, 0.5, true]);
    const withVal = lines.filter((l) => l.type === 'step' && typeof l.valLoss === 'number').map((l) => l.step);
    assert.deepEqual(withVal, Array.from({ length: Math.floor(report.run.steps / 5) }, (_, i) => 5 * i + 4));
    assertClose(suggestJson(report.run.path, dir), report.run.suggestion);

    assert.equal(report.nan.stopReason, 'non-finite');
    assert.equal(report.nan.steps, 21, 'stopped at the first NaN');
    assert.equal(report.nan.lastIsNan, true);
    assert.equal(report.nan.lrAfter, 1.0, 'the rate is back to what it was');
    const nanRun = parseRunFile(readFileSync(report.nan.path, 'utf8'), report.nan.path);
    assert.ok(Number.isNaN(nanRun.steps[20].loss), 'written as null');
    assert.equal(nanRun.end?.stopReason, 'non-finite');
    assertClose(suggestJson(report.nan.path, dir), report.nan.suggestion);
  });

  it('the Keras callback, driven like keras.Model.fit drives it (a stand-in: Keras is not installed here)', () => {
    const dir = tempDir();
    const r = runPython([join(TEST_SCRIPTS, 'keras_standin.py'), join(dir, 'runs')], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const report = lastJson<{
      batchLosses: number[];
      batchLrs: number[];
      before: unknown;
      after: unknown;
      stopReason: string;
      path: string;
      losses: number[];
      lrs: number[];
      suggestion: unknown;
    }>(r);
    assert.equal(report.stopReason, 'diverged');
    assert.ok(report.batchLosses.length > 32, 'more than one epoch: the running mean restarts each epoch');
    assertCloseTo(report.losses, report.batchLosses, 1e-9, "each batch's own loss, recovered from Keras's running mean");
    assert.deepEqual(report.lrs, report.batchLrs, 'each batch trained at the rate the run file records');
    assert.deepEqual(report.after, report.before, 'weights, optimizer variables and learning rate restored');
    const run = parseRunFile(readFileSync(report.path, 'utf8'), report.path);
    assert.equal(run.header.framework, 'keras');
    assertClose(suggestJson(report.path, dir), report.suggestion);
  });

  it('imports with the standard library only (torch is imported when a RangeTest is made)', () => {
    const r = runPython(['-c', 'import sys, cyclical_lr, cyclical_lr.keras, cyclical_lr.suggest, cyclical_lr.runfile; print("torch" in sys.modules)']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'False');
  });

  it('installs offline: pip install --no-index --no-build-isolation', () => {
    const dir = tempDir();
    // A copy: setuptools builds in the source tree.
    cpSync(PACKAGE_DIR, join(dir, 'src'), { recursive: true });
    const target = join(dir, 'site');
    const install = runPython(['-m', 'pip', 'install', '--no-index', '--no-build-isolation', '--no-deps', '--target', target, join(dir, 'src')], { env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
    assert.equal(install.code, 0, install.stdout + install.stderr);
    const check = runPython(['-c', 'import cyclical_lr, cyclical_lr.keras, cyclical_lr.bridge; print(cyclical_lr.__version__, cyclical_lr.__file__)'], {
      env: { ...process.env, PYTHONPATH: target },
    });
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stdout.trim(), `0.1.0 ${join(target, 'cyclical_lr', '__init__.py')}`);
  });
});

function assertCloseTo(actual: number[], expected: number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tolerance * Math.max(1, Math.abs(expected[i])), `${what}: [${i}] ${v} != ${expected[i]}`));
}
