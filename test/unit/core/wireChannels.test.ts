// The worker, dataset-inspection and Python runner tables: what each side sends is accepted as sent, and a
// refusal names the field and what was expected (it is what the log or the error shows).
import assert from 'node:assert/strict';
import { fromPythonRunner } from '../../../src/core/wire/pythonRunnerChannel';
import { cancelMessage, fromWorker, startMessage, toWorker, WORKER_PROTOCOL_VERSION } from '../../../src/core/wire/workerChannel';
import { DEFAULT_RANGE_TEST_CONFIG } from '../../../src/core/types';

const v = WORKER_PROTOCOL_VERSION;
const summary = { path: '/d.csv', format: 'csv', rows: 3, features: 2, featureNames: ['a', 'b'], inputShape: [2], target: 'label', task: 'classification', classes: ['x', 'y'], warnings: [] };
const problemOf = (parsed: { ok: boolean; problem?: string }) => (parsed.ok ? '' : (parsed.problem ?? ''));

describe('wire tables: worker, dataset inspection, Python runner', () => {
  it('the worker accepts start, cancel and inspect as the callers build them', () => {
    const config = { ...DEFAULT_RANGE_TEST_CONFIG, dataset: '/d.csv' };
    for (const m of [startMessage(config), cancelMessage(), { v, type: 'inspect', requestId: 3, path: '/d.csv', target: 'label' }]) {
      assert.deepEqual(toWorker.parse(m), { ok: true, value: m });
    }
    assert.match(problemOf(toWorker.parse(startMessage({ ...config, runs: 21 }))), /config: --runs: 21 is more than the 20 runs we allow/);
  });

  it("the caller accepts the worker's events and the inspection's answer", () => {
    const events = [
      { v, type: 'started', backend: 'wasm', dataset: summary, lrs: [1e-5, 1e-4], runs: 2 },
      { v, type: 'progress', run: 1, point: { step: 0, lr: 1e-5, loss: null, smoothed: 2.3 } },
      { v, type: 'progressBatch', progress: [{ run: 0, point: { step: 1, lr: 1e-4, loss: 2, smoothed: 2.2, valLoss: 2.1 } }] },
      { v, type: 'error', userError: true, message: 'no such file', hint: 'check the path', file: '/d.csv', line: 3, column: 1 },
      { v, type: 'suggesting', stepsTrained: 18_000 },
      { v, type: 'log', message: 'hello' },
      { v, type: 'inspected', requestId: 3, summary },
      { v, type: 'inspected', requestId: 4, summary: null, error: '/d.csv: no such file' },
    ];
    for (const m of events) assert.deepEqual(fromWorker.parse(m), { ok: true, value: m }, JSON.stringify(m));
  });

  it('says why a worker message was refused: another version, or which field', () => {
    assert.match(problemOf(fromWorker.parse({ v: 2, type: 'log', message: 'x' })), /protocol version 2, expected 1/);
    assert.match(problemOf(fromWorker.parse({ v, type: 'progress', run: 20, point: { step: 0, lr: 1, loss: 1, smoothed: 1 } })), /'progress'.*run: .*<=19/);
    assert.match(problemOf(fromWorker.parse({ v, type: 'started', backend: 'wasm', dataset: { ...summary, format: 'xlsx' }, lrs: [], runs: 1 })), /dataset\.format: .*"csv".*received "xlsx"/);
    assert.match(problemOf(fromWorker.parse({ v, type: 'inspected', requestId: -1, summary: null })), /requestId/);
    assert.match(problemOf(fromWorker.parse({ v, type: 'teleport' })), /unknown message type "teleport"/);
  });

  it("reads the Python runner's events as bridge.py writes them", () => {
    const events = [
      { type: 'hello', torch: '1.13.0', python: '/usr/bin/python3' },
      { type: 'started', device: 'cpu', dataset: { ...summary, format: 'pytorch', batchSize: 32 } },
      { type: 'progress', points: [{ step: 0, lr: 1e-5, loss: 2.3, smoothed: 2.3 }, { step: 1, lr: 2e-5, loss: 2.2, smoothed: 2.29, valLoss: 2.4 }] },
      { type: 'result', stopReason: 'diverged', stoppedAt: 1, steps: 2, seconds: 0.5, cpuSeconds: 0.4, stepsPerSecond: 4 },
      { type: 'error', kind: 'user-code', message: 'boom', file: '/m.py', line: 12, traceback: 'Traceback…' },
    ];
    for (const m of events) assert.deepEqual(fromPythonRunner.parse(m), { ok: true, value: m }, JSON.stringify(m));
    assert.match(problemOf(fromPythonRunner.parse({ type: 'progress', points: [{ step: 0, lr: 'fast', loss: 1, smoothed: 1 }] })), /points\.0\.lr: .*Expected number/);
    assert.match(problemOf(fromPythonRunner.parse({ type: 'result', stopReason: 'bored', stoppedAt: 0, steps: 1, seconds: 1, stepsPerSecond: 1 })), /stopReason/);
  });
});
