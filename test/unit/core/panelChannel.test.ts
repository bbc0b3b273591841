import * as assert from 'node:assert/strict';
import { fromWebview, toWebview } from '../../../src/core/wire/panelChannel';
import { fromTestWebview, toTestWebview } from '../../../src/core/wire/panelTestChannel';
import { RangeTestResultSchema } from '../../../src/core/wire/rangeTestResult';
import { describeValue as describeDropped, matches } from '../../../src/core/wire/schemaParts';
import { syntheticRun } from '../../../bench/panelChart/syntheticRun';

/** The message as the table types it, or null where it refuses it. */
const parseFromWebview = (m: unknown) => {
  const parsed = fromWebview.parse(m);
  return parsed.ok ? parsed.value : null;
};
const parseToWebview = (m: unknown) => {
  const parsed = toWebview.parse(m);
  return parsed.ok ? parsed.value : null;
};
const isRangeTestResult = (r: unknown) => matches(RangeTestResultSchema, r);

describe('panel channel', () => {
  const result = syntheticRun(50);
  const run = { id: 'r1', label: 'spirals.csv', config: result.config, result };

  it('accepts every well-formed message from the webview', () => {
    const request = { dataset: '/d.csv', model: 'mlp', optimizer: 'adam', startLr: 1e-7, endLr: 10, iterations: 100, batchSize: 64, stepMode: 'exp', runs: 1 };
    const messages: unknown[] = [
      { type: 'ready', shownRunId: null, overlayRunId: 'r2' },
      { type: 'pickDataset' },
      { type: 'inspectDataset', requestId: 1, path: '/d.csv', target: 'label' },
      { type: 'run', request },
      { type: 'run', request: { ...request, target: 'y', model: '/m/model.json' } },
      { type: 'cancel' },
      { type: 'insert', framework: 'pytorch', spec: { policy: 'triangular', baseLr: 1e-4, maxLr: 1e-2, stepSizeUp: 400 }, stepsPerEpoch: 100, optimizer: 'sgd' },
      { type: 'openRun', id: 'r1' },
      { type: 'overlayRun', id: null },
      { type: 'deleteRun', id: 'r1' },
      { type: 'export', id: 'r1', format: 'csv' },
      { type: 'exportPng', id: 'r1', dataUrl: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==' },
      { type: 'png', requestId: 3, dataUrl: null },
      { type: 'log', level: 'warn', message: 'x' },
    ];
    for (const m of messages) assert.deepEqual(parseFromWebview(m), m, JSON.stringify(m));
  });

  it("keeps the tests' messages in the test table only", () => {
    const state = [
      {
        type: 'state',
        state: { status: 'done', runId: 'r1', pointsPlotted: 50, overlayRunId: null, overlayPoints: 0, suggestionRows: [['a', '1']], diagnostics: [], bounds: { baseLr: 1, maxLr: 2 }, policy: 'sgdr', schedulePoints: 10, error: null, theme: 'dark', historyIds: ['r1'], datasetInfo: '', datasetField: '/d.csv', statusLine: 'done', statusChangedAt: 1767000000000, stepsShown: 50, cancelClickedAt: null, timerDelay: 3 },
      },
    ][0];
    assert.deepEqual(fromTestWebview.parse(state), { ok: true, value: state });
    assert.equal(parseFromWebview(state), null, "the product's table does not know 'state'");
    assert.equal(fromTestWebview.parse({ type: 'state', state: { status: 'done' } }).ok, false);
    const click = { type: 'testAction', action: 'click', target: 'insert-pytorch' };
    assert.deepEqual(toTestWebview.parse(click), { ok: true, value: click });
    assert.equal(parseToWebview(click), null, "the product's table does not know 'testAction'");
    assert.equal(toTestWebview.parse({ type: 'testAction', action: 'eval', target: 'x' }).ok, false);
  });

  it('says which field of a refused message was wrong, and what was expected', () => {
    const request = { dataset: '/d.csv', model: 'mlp', optimizer: 'adam', startLr: 1e-7, endLr: 10, iterations: 100, batchSize: 64, stepMode: 'exp', runs: 1 };
    const refused = (m: unknown) => {
      const parsed = fromWebview.parse(m);
      assert.equal(parsed.ok, false);
      return parsed.ok ? '' : parsed.problem;
    };
    assert.match(refused({ type: 'run', request: { ...request, optimizer: 'lion' } }), /'run'.*request\.optimizer: .*"sgd".*received "lion"/);
    assert.match(refused({ type: 'run', request: { ...request, iterations: 2 ** 32 } }), /--iterations: 4294967296 is more than the 100,000 iterations we allow/);
    assert.match(refused({ type: 'openRun', id: 42 }), /id: .*Expected string but received 42/);
    assert.match(refused({ type: 'nope' }), /unknown message type "nope"/);
    assert.match(refused({ type: 'insert', framework: 'pytorch', spec: { policy: 'sgdr', maxLr: 0.1, t0: 0 } }), /spec: t0: Expected positive integer T_0, but got 0/);
  });

  it('drops malformed or unknown messages from the webview', () => {
    const request = { dataset: '/d.csv', model: 'mlp', optimizer: 'adam', startLr: 1e-7, endLr: 10, iterations: 100, batchSize: 64, stepMode: 'exp', runs: 1 };
    const bad: unknown[] = [
      null,
      'run',
      [],
      { type: 'nope' },
      { type: 'run' },
      { type: 'run', request: { ...request, startLr: -1 } },
      { type: 'run', request: { ...request, endLr: 1e-8 } },
      { type: 'run', request: { ...request, optimizer: 'lion' } },
      { type: 'run', request: { ...request, iterations: 1.5 } },
      { type: 'run', request: { ...request, iterations: 1 } },
      { type: 'run', request: { ...request, iterations: 2 ** 32 } },
      { type: 'run', request: { ...request, batchSize: 1e12 } },
      { type: 'run', request: { ...request, runs: 1e6 } },
      { type: 'exportPng', id: 'r1', dataUrl: 'data:image/png;base64,' },
      { type: 'exportPng', id: 'r1', dataUrl: 'data:image/png;base64,=' },
      { type: 'run', request: { ...request, dataset: '' } },
      { type: 'run', request: { ...request, model: 'resnet' } },
      { type: 'insert', framework: 'jax', spec: { policy: 'triangular', baseLr: 1e-4, maxLr: 1e-2 } },
      { type: 'insert', framework: 'pytorch', spec: { policy: 'sgdr', maxLr: 0.1, t0: 0 } },
      { type: 'insert', framework: 'pytorch', spec: { policy: 'one-cycle', maxLr: 0.1 } },
      { type: 'export', id: 'r1', format: 'xlsx' },
      { type: 'exportPng', id: 'r1', dataUrl: 'javascript:alert(1)' },
      { type: 'exportPng', id: 'r1', dataUrl: 'data:image/svg+xml;base64,AAAA' },
      { type: 'openRun', id: 42 },
      { type: 'log', level: 'debug', message: 'x' },
    ];
    for (const m of bad) assert.equal(parseFromWebview(m), null, JSON.stringify(m));
  });

  it('accepts well-formed messages to the webview and drops malformed ones', () => {
    const good: unknown[] = [
      { type: 'runStarted', run: { id: 'r1', label: 'x', config: result.config }, stepsExpected: 100 },
      { type: 'progress', runId: 'r1', progress: { phase: 'running', stepsDone: 2, stepsTotal: 100, runs: 1, chartRun: 0, suggesting: false, lastEventAt: 1767000000000, endedAt: null }, replace: false, points: [{ step: 0, lr: 1e-7, loss: 2.3, smoothed: 2.3 }, { step: 1, lr: 2e-7, loss: null, smoothed: null }] },
      { type: 'runFinished', run },
      { type: 'showRun', run },
      { type: 'overlay', run: null },
      { type: 'runFailed', runId: 'r1', message: 'bad', hint: 'fix', location: '/d.csv:3:4' },
      { type: 'runCancelled', runId: 'r1' },
      { type: 'setSchedule', spec: { policy: 'cosine', maxLr: 0.1, tMax: 100 } },
      { type: 'requestPng', requestId: 1 },
    ];
    for (const m of good) assert.ok(parseToWebview(m), JSON.stringify(m).slice(0, 100));
    const bad: unknown[] = [
      { type: 'progress', runId: 'r1', progress: { phase: 'running', stepsDone: 2, stepsTotal: 100, runs: 1, chartRun: 0, suggesting: false, lastEventAt: 1767000000000, endedAt: null }, replace: false, points: [{ step: 0, lr: 'x', loss: 1, smoothed: 1 }] },
      { type: 'progress', runId: 'r1', progress: { phase: 'lying', stepsDone: 2, stepsTotal: 100, runs: 1, chartRun: 0, suggesting: false, lastEventAt: null, endedAt: null }, replace: false, points: [] },
      { type: 'runFinished', run: { ...run, result: { ...result, losses: result.losses.slice(1) } } },
      { type: 'runFinished', run: { id: 'r1', label: 'x', config: result.config } },
      { type: 'setSchedule', spec: { policy: 'cyclic' } },
      { type: 'init', defaults: {}, datasets: [], history: [] },
    ];
    for (const m of bad) assert.equal(parseToWebview(m), null, JSON.stringify(m).slice(0, 100));
  });

  it('validates results round-tripped through JSON (NaN losses become null)', () => {
    const withNaN = { ...result, losses: [...result.losses.slice(0, -1), NaN] };
    assert.equal(isRangeTestResult(JSON.parse(JSON.stringify(withNaN))), true);
    assert.equal(isRangeTestResult({ ...result, suggestion: { clr: { baseLr: 1 } } }), false);
  });

  it('describes dropped messages briefly', () => {
    assert.equal(describeDropped({ type: 'x' }), '{"type":"x"}');
    assert.ok(describeDropped({ big: 'a'.repeat(1000) }).length < 350);
  });
});
