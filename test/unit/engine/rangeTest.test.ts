import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../../src/core/errors';
import { rangeTestLrs } from '../../../src/core/schedules';
import { InMemoryDataset } from '../../../src/data/dataset';
import { fileModelSaver } from '../../../src/engine/modelFile';
import { buildPreset } from '../../../src/engine/models';
import { parkedThreadCount, parkThreads } from '../../../src/engine/parallelRuns';
import { runRangeTestOnDataset } from '../../../src/engine/rangeTest';
import { loadTf } from '../../../src/engine/tf';
import { config, imageDataset, spiralDataset } from './fixtures';
import { testTempDir } from '../../support/tempDirs';

async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<UserError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
    assert.match(error.format(), pattern);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('range-test engine', () => {
  it('records a curve that starts near ln(k), falls, then diverges and stops', async () => {
    const result = await runRangeTestOnDataset(config({ iterations: 120, startLr: 1e-4, endLr: 100, hidden: [32, 32] }), spiralDataset(900));
    assert.equal(result.backend, 'wasm');
    assert.equal(result.stopReason === 'diverged' || result.stopReason === 'non-finite', true, `stopReason ${result.stopReason}`);
    assert.ok(result.stoppedAt < 119, 'stopped before the last step');
    assert.equal(result.lrs.length, result.stoppedAt + 1);
    assert.deepEqual(result.lrs, rangeTestLrs(1e-4, 100, 120, 'exp').slice(0, result.lrs.length));
    assert.ok(Math.abs(result.losses[0] - Math.log(3)) < 0.3, `first loss ${result.losses[0]} near ln 3`);
    const best = Math.min(...result.smoothed);
    assert.ok(best < result.smoothed[0] - 0.02, `the smoothed loss falls (${result.smoothed[0]} → ${best})`);
    assert.ok(result.smoothed[result.stoppedAt] > 4 * best || result.stopReason === 'non-finite');
    assert.ok(result.stepsPerSecond > 0);
    assert.ok(result.losses.every(Number.isFinite));
  });

  it('gives identical curves for the same seed and different ones for another seed', async () => {
    const data = spiralDataset();
    const a = await runRangeTestOnDataset(config({ seed: 7 }), data);
    const b = await runRangeTestOnDataset(config({ seed: 7 }), data);
    const c = await runRangeTestOnDataset(config({ seed: 8 }), data);
    assert.deepEqual(a.losses, b.losses);
    assert.notDeepEqual(a.losses, c.losses);
  });

  it('runs several seeds, the same in threads as in one thread; the curve is their median with a band', async () => {
    const data = spiralDataset();
    const cfg = config({ runs: 3, iterations: 40, endLr: 1, seed: 5 });
    const threaded = await runRangeTestOnDataset(cfg, data, { parallel: true });
    const sequential = await runRangeTestOnDataset(cfg, data, { parallel: false });
    assert.deepEqual(threaded.losses, sequential.losses);
    assert.deepEqual(threaded.suggestion, sequential.suggestion);
    const runs = threaded.runCurves ?? [];
    assert.deepEqual(runs.map((r) => r.seed), [5, 6, 7]);
    threaded.losses.forEach((median, i) => {
      const at = runs.map((r) => r.losses[i]).sort((a, b) => a - b);
      assert.equal(median, at[1]);
      assert.equal(threaded.band?.low[i], at[0]);
      assert.equal(threaded.band?.high[i], at[2]);
    });
    // Run r is the range test `--seed seed+r` would give alone (weights and batch order).
    const alone = await runRangeTestOnDataset(config({ runs: 1, iterations: 40, endLr: 1, seed: 6 }), data);
    assert.deepEqual(runs[1].losses, alone.losses);
    const [lo, hi] = threaded.suggestion.clr.maxLrRange ?? [NaN, NaN];
    assert.ok(lo <= threaded.suggestion.clr.maxLr && threaded.suggestion.clr.maxLr <= hi, `${lo} ≤ max_lr ≤ ${hi}`);
  });

  it('runs the seeds on threads parked ahead of the run (a spare worker\'s), with the same result as on new threads', async () => {
    const data = spiralDataset();
    const cfg = config({ runs: 3, iterations: 40, endLr: 1, seed: 5 });
    parkThreads(2);
    assert.equal(parkedThreadCount(), 2);
    const onParked = await runRangeTestOnDataset(cfg, data, { parallel: true });
    assert.equal(parkedThreadCount(), 0, 'the run took the parked threads');
    const onNew = await runRangeTestOnDataset(cfg, data, { parallel: true });
    assert.deepEqual(onParked.runCurves, onNew.runCurves);
    assert.deepEqual(onParked.suggestion, onNew.suggestion);
    // Parked threads run only the fused trainers: a run that needs TF.js in its threads ends them and starts its own.
    parkThreads(2);
    const tfjs = await runRangeTestOnDataset({ ...cfg, backend: 'cpu' }, data, { parallel: true });
    assert.equal(parkedThreadCount(), 0);
    assert.equal(tfjs.runCurves?.length, 3);
  });

  it('stops at the first non-finite loss or when the smoothed loss passes diverge × best', async () => {
    const result = await runRangeTestOnDataset(config({ startLr: 1e-3, endLr: 1e4, iterations: 80, diverge: 2, smoothing: 0.5 }), spiralDataset());
    assert.notEqual(result.stopReason, 'completed');
    assert.ok(result.stoppedAt < 79);
  });

  it('reports a NaN loss at the first step with a hint', async () => {
    const data = spiralDataset(100);
    const x = Float32Array.from(data.x);
    x[0] = NaN;
    const poisoned = new InMemoryDataset(data.summary, x, Float32Array.from(data.y));
    await rejectsWith(runRangeTestOnDataset(config({ batchSize: 100, model: 'linear' }), poisoned), /NaN from the first step.*check for NaN features or a too-high start_lr/);
  });

  it('rejects end_lr ≤ start_lr and other bad settings', async () => {
    await rejectsWith(runRangeTestOnDataset(config({ startLr: 1, endLr: 1 }), spiralDataset(50)), /--end-lr: must be above --start-lr/);
    await rejectsWith(runRangeTestOnDataset(config({ valEvery: 500, iterations: 20 }), spiralDataset(50)), /--val-every/);
    await rejectsWith(runRangeTestOnDataset(config({ model: 'cnn' }), spiralDataset(50)), /cnn model needs image data.*\[2\]/);
  });

  it('records a validation loss every k steps', async () => {
    const result = await runRangeTestOnDataset(config({ valEvery: 10, iterations: 50, endLr: 1 }), spiralDataset());
    assert.deepEqual(result.valLosses?.map(([step]) => step), [9, 19, 29, 39, 49]);
    assert.ok(result.valLosses?.every(([, loss]) => Number.isFinite(loss) && loss > 0));
  });

  it('says it is computing the suggestion once, after the last point of every run', async () => {
    const events: string[] = [];
    let trained = -1;
    const result = await runRangeTestOnDataset(config({ iterations: 30, runs: 2 }), spiralDataset(), {
      onEvent: (e) => {
        events.push(e.type);
        if (e.type === 'suggesting') trained = e.stepsTrained;
      },
    });
    assert.equal(events.filter((t) => t === 'suggesting').length, 1);
    assert.equal(events[events.length - 1], 'suggesting', 'no point follows it');
    assert.equal(trained, events.filter((t) => t === 'progress').length);
    assert.equal(trained, result.runCurves?.reduce((sum, run) => sum + run.losses.length, 0));
  });

  it('stops with the partial curve when cancelled', async () => {
    let points = 0;
    const result = await runRangeTestOnDataset(config({ iterations: 500 }), spiralDataset(), {
      onEvent: (e) => {
        if (e.type === 'progress') points++;
      },
      isCancelled: () => points >= 5,
    });
    assert.equal(result.stopReason, 'cancelled');
    assert.ok(result.lrs.length >= 5 && result.lrs.length < 500);
  });

  it('trains every optimizer, with and without weight decay, and the cnn preset', async () => {
    const data = spiralDataset(300);
    for (const optimizer of ['sgd', 'momentum', 'nesterov', 'adam', 'adamw', 'rmsprop'] as const) {
      const plain = await runRangeTestOnDataset(config({ optimizer, iterations: 30, startLr: 1e-3, endLr: 0.1 }), data);
      const decayed = await runRangeTestOnDataset(config({ optimizer, iterations: 30, startLr: 1e-3, endLr: 0.1, weightDecay: 0.5 }), data);
      assert.ok(plain.losses.every(Number.isFinite), optimizer);
      assert.equal(plain.losses[0], decayed.losses[0], `${optimizer}: same start`);
      assert.notEqual(plain.losses[29], decayed.losses[29], `${optimizer}: weight decay changes the curve`);
    }
    const cnn = await runRangeTestOnDataset(config({ model: 'cnn', iterations: 20, endLr: 1, batchSize: 16 }), imageDataset(64));
    assert.equal(cnn.lrs.length, 20);
    assert.ok(Math.abs(cnn.losses[0] - Math.log(4)) < 0.5);
  });

  describe("a user's TF.js Layers model", () => {
    const dir = testTempDir('clr-engine-');
    const write = (path: string, data: string | Uint8Array) => writeFileSync(path, data);

    it('trains like the preset it was saved from (TF.js Layers vs the fused trainer)', async () => {
      const data = spiralDataset();
      const { tf } = await loadTf('wasm');
      const built = buildPreset(tf, 'mlp', data.summary, [16, 16], 0);
      const folder = mkdtempSync(join(dir, 'mlp-'));
      await built.model.save(fileModelSaver(folder, write));
      const preset = await runRangeTestOnDataset(config({ seed: 0 }), data);
      const user = await runRangeTestOnDataset(config({ seed: 0, model: join(folder, 'model.json') }), data);
      assert.equal(user.losses.length, preset.losses.length);
      user.losses.forEach((loss, i) => assert.ok(Math.abs(loss - preset.losses[i]) < 1e-4 * Math.max(1, preset.losses[i]), `step ${i}: ${loss} vs ${preset.losses[i]}`));
    });

    it("names both shapes when the model's input does not fit the data", async () => {
      const { tf } = await loadTf('wasm');
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 3 })] });
      const folder = mkdtempSync(join(dir, 'bad-'));
      await model.save(fileModelSaver(folder, write));
      await rejectsWith(runRangeTestOnDataset(config({ model: join(folder, 'model.json') }), spiralDataset(50)), /input shape \[batch, 5\].*shape \[2\]/);
    });

    it("names both shapes when the model's output does not fit the classes", async () => {
      const { tf } = await loadTf('wasm');
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 7, activation: 'softmax' })] });
      const folder = mkdtempSync(join(dir, 'out-'));
      await model.save(fileModelSaver(folder, write));
      await rejectsWith(runRangeTestOnDataset(config({ model: join(folder, 'model.json') }), spiralDataset(50)), /output shape \[batch, 7\].*expected 3 output units/);
    });

    it('says what is wrong with a file that is not a model', async () => {
      const path = join(dir, 'not-a-model.json');
      writeFileSync(path, '{"hello": 1}');
      await rejectsWith(runRangeTestOnDataset(config({ model: path }), spiralDataset(50)), /not-a-model\.json: not a TensorFlow\.js Layers model/);
    });
  });
});
