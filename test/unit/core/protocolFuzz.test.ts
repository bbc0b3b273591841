// Property-based tests of the protocol validators (issue 16): fed with at least 100,000 generated values
// each, they never throw, and what they accept the engine accepts, and what the worker side accepts the
// panel side accepts.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromWebview, PanelRunRequestSchema, toWebview } from '../../../src/core/wire/panelChannel';
import { fromTestWebview, toTestWebview } from '../../../src/core/wire/panelTestChannel';
import { fromPythonRunner } from '../../../src/core/wire/pythonRunnerChannel';
import { RangeTestConfigSchema } from '../../../src/core/wire/rangeTestConfig';
import { describeValue as describeDropped, matches } from '../../../src/core/wire/schemaParts';
import { fromWorker, toWorker, WORKER_PROTOCOL_VERSION } from '../../../src/core/wire/workerChannel';
import { BACKENDS, DEFAULT_RANGE_TEST_CONFIG, MODEL_PRESETS, OPTIMIZERS, RangeTestConfig, RangeTestResult, STEP_MODES } from '../../../src/core/types';
import { validateConfig } from '../../../src/engine/validateConfig';

const RUNS = 100_000;

const parseFromWebview = (m: unknown) => {
  const parsed = fromWebview.parse(m);
  return parsed.ok ? parsed.value : null;
};
const parseToWebview = (m: unknown) => {
  const parsed = toWebview.parse(m);
  return parsed.ok ? parsed.value : null;
};
const isParentMessage = (m: unknown) => toWorker.parse(m).ok;
const isResultEvent = (m: unknown) => fromWorker.parse(m).ok && (m as { type: unknown }).type === 'result';
const isRangeTestConfig = (c: unknown) => matches(RangeTestConfigSchema, c);

/** Every table a message from another process meets, each called on the same value. */
const validators: Array<[string, (v: unknown) => unknown]> = [
  ['fromWebview', (m) => fromWebview.parse(m)],
  ['toWebview', (m) => toWebview.parse(m)],
  ['fromTestWebview', (m) => fromTestWebview.parse(m)],
  ['toTestWebview', (m) => toTestWebview.parse(m)],
  ['describeDropped', describeDropped],
  ['fromWorker', (m) => fromWorker.parse(m)],
  ['toWorker', (m) => toWorker.parse(m)],
  ['fromPythonRunner', (m) => fromPythonRunner.parse(m)],
  ['RangeTestConfigSchema', isRangeTestConfig],
  ['PanelRunRequestSchema', (m) => matches(PanelRunRequestSchema, m)],
];

function engineAccepts(config: RangeTestConfig): boolean {
  try {
    validateConfig(config);
    return true;
  } catch {
    return false;
  }
}

/** Numbers at and around every limit, plus anything else a double can be. */
const number = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, -1, 0.5, 0.98, 0.9, 1e-7, 10, 64, 100, 128, 2 ** 31, 2 ** 32, 2 ** 53, 1e9, 100_000, 100_001, 65_536, 65_537, 20, 21, 8192, 8193, NaN, Infinity, -Infinity),
  fc.integer({ min: -10, max: 200_000 }),
  fc.double(),
);
const anyValue = fc.oneof(number, fc.string(), fc.constant(null), fc.constant(undefined), fc.boolean(), fc.array(number, { maxLength: 3 }));

/** Mostly the right value (so that whole valid configurations are common), sometimes anything. */
const field = <T>(right: T, wrong: fc.Arbitrary<unknown>) => fc.oneof({ weight: 12, arbitrary: fc.constant(right) }, { weight: 1, arbitrary: wrong });

/** Configurations that are mostly right, with any field possibly wrong. */
const config = fc.record(
  {
    dataset: field('/data/d.csv', fc.string()),
    target: field(undefined, fc.string()),
    model: field('mlp', fc.oneof(fc.constantFrom(...MODEL_PRESETS, '/m/model.json'), fc.string())),
    hidden: field([128, 128], fc.array(fc.oneof(fc.integer({ min: -2, max: 10_000 }), number), { maxLength: 20 })),
    optimizer: field('momentum', fc.oneof(fc.constantFrom(...OPTIMIZERS), anyValue)),
    momentum: field(0.9, number),
    weightDecay: field(0, number),
    startLr: field(1e-7, number),
    endLr: field(10, number),
    iterations: field(100, number),
    stepMode: field('exp', fc.oneof(fc.constantFrom(...STEP_MODES), anyValue)),
    batchSize: field(64, number),
    smoothing: field(0.98, number),
    diverge: field(4, number),
    runs: field(1, number),
    seed: field(0, number),
    valEvery: field(0, number),
    backend: field('auto', fc.oneof(fc.constantFrom(...BACKENDS), anyValue)),
  },
  { requiredKeys: ['dataset', 'model', 'hidden', 'optimizer', 'momentum', 'weightDecay', 'startLr', 'endLr', 'iterations', 'stepMode', 'batchSize', 'smoothing', 'diverge', 'runs', 'seed', 'valEvery', 'backend'] },
);

const good: RangeTestConfig = { ...DEFAULT_RANGE_TEST_CONFIG, dataset: '/data/d.csv' };
const lossValue = fc.oneof(fc.double({ noNaN: true, min: 0, max: 10 }), fc.constant(null), number);

/** Results whose arrays may or may not line up, with suggestions that may be empty (NaN → null). */
const result = fc
  .record({
    n: fc.integer({ min: 0, max: 8 }),
    lossDelta: fc.integer({ min: -1, max: 1 }),
    spread: fc.boolean(),
    stoppedAt: fc.oneof(fc.constant('last'), number),
    bound: fc.oneof(fc.constant(1e-3), fc.constant(null), number),
    confidence: fc.oneof(fc.constant(0.5), number),
    stepsPerSecond: fc.oneof(fc.constant(10), fc.constant(null), number),
    valStep: fc.oneof(fc.constant(undefined), number),
    config: fc.oneof(fc.constant(good), config),
    losses: fc.array(lossValue, { maxLength: 10 }),
  })
  .map(({ n, lossDelta, spread, stoppedAt, bound, confidence, stepsPerSecond, valStep, config: cfg, losses }) => {
    const lrs = Array.from({ length: n }, (_, i) => 1e-5 * 10 ** i);
    const curve = (length: number) => Array.from({ length: Math.max(0, length) }, (_, i) => losses[i % Math.max(1, losses.length)] ?? 1);
    const r: Record<string, unknown> = {
      backend: 'wasm',
      config: cfg,
      dataset: { path: '/data/d.csv', format: 'csv', rows: 10, features: 2, featureNames: ['a', 'b'], inputShape: [2], target: 'y', task: 'classification', classes: ['0', '1'], warnings: [] },
      lrs,
      losses: curve(n + lossDelta),
      smoothed: curve(n),
      stopReason: 'completed',
      stoppedAt: stoppedAt === 'last' ? n - 1 : stoppedAt,
      stepsPerSecond,
      suggestion: { clr: { baseLr: bound, maxLr: 1e-2 }, oneCycle: { maxLr: 1e-2 }, steepest: null, minimum: bound, valley: null, slide: null, confidence, diagnostics: [] },
    };
    if (spread) r.spread = curve(n);
    if (valStep !== undefined) r.valLosses = [[valStep, 1]];
    return JSON.parse(JSON.stringify(r)) as RangeTestResult;
  });

describe('protocol validators under fuzzing (fast-check)', function () {
  this.timeout(300_000);

  it(`never throw on ${RUNS.toLocaleString('en-US')} arbitrary values, hostile objects included`, () => {
    const hostile: unknown[] = [
      { toString: 1, valueOf: 2, v: { toString: 3 }, type: { toString: null } },
      { v: WORKER_PROTOCOL_VERSION, type: Symbol('x') },
      { v: Symbol('v') },
      { v: 10n, type: 'result' },
      new Proxy({}, { get: () => { throw new Error('get'); }, has: () => { throw new Error('has'); }, ownKeys: () => { throw new Error('keys'); } }),
      Object.defineProperty({ v: WORKER_PROTOCOL_VERSION, type: 'log' }, 'message', { get: () => { throw new Error('getter'); }, enumerable: true }),
      (() => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      })(),
      Symbol('alone'),
      10n,
    ];
    for (const value of hostile) for (const [name, check] of validators) assert.doesNotThrow(() => check(value), name);
    const values = fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, withDate: true, maxDepth: 4 });
    const message = fc.oneof(values, fc.record({ v: fc.oneof(fc.constant(WORKER_PROTOCOL_VERSION), values), type: fc.oneof(fc.constantFrom('start', 'cancel', 'inspect', 'inspected', 'started', 'progress', 'progressBatch', 'suggesting', 'result', 'error', 'log', 'hello', 'run', 'insert', 'inspectDataset', 'exportPng', 'state', 'testAction', 'runFinished', 'points'), values) }, { requiredKeys: [] }).chain((head) => values.map((rest) => (typeof rest === 'object' && rest !== null ? { ...rest, ...head } : head))));
    fc.assert(
      fc.property(message, (value) => {
        for (const [, check] of validators) check(value);
      }),
      { numRuns: RUNS },
    );
  });

  it(`accept only configurations the engine runs (${RUNS.toLocaleString('en-US')} near-valid configurations)`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(config, (c) => {
        if (!isRangeTestConfig(c)) return true;
        accepted++;
        return engineAccepts(c as RangeTestConfig) && isParentMessage({ v: WORKER_PROTOCOL_VERSION, type: 'start', config: c });
      }),
      { numRuns: RUNS },
    );
    assert.ok(accepted > RUNS / 100, `only ${accepted} configurations were accepted: the property says little`);
  });

  it(`accept only panel run requests the engine runs (${RUNS.toLocaleString('en-US')} near-valid requests)`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(config, (c) => {
        const { dataset, model, optimizer, startLr, endLr, iterations, batchSize, stepMode, runs, target } = c;
        const request = { dataset, model, optimizer, startLr, endLr, iterations, batchSize, stepMode, runs, target };
        if (parseFromWebview({ type: 'run', request }) === null) return true;
        accepted++;
        return engineAccepts({ ...DEFAULT_RANGE_TEST_CONFIG, ...request } as RangeTestConfig);
      }),
      { numRuns: RUNS },
    );
    assert.ok(accepted > RUNS / 100, `only ${accepted} requests were accepted`);
  });

  it(`agree between the worker and the panel on results (${RUNS.toLocaleString('en-US')} results after JSON)`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(result, (r) => {
        const worker = isResultEvent({ v: WORKER_PROTOCOL_VERSION, type: 'result', result: r });
        const panel = parseToWebview({ type: 'runFinished', run: { id: 'r1', label: 'run', config: r.config, result: r } }) !== null;
        if (worker) {
          accepted++;
          // What the panel draws: one loss per learning rate, the last step inside the curve.
          assert.equal(r.losses.length, r.lrs.length);
          assert.ok(r.stoppedAt >= -1 && r.stoppedAt < r.lrs.length);
          assert.ok(engineAccepts(r.config));
        }
        return worker === panel;
      }),
      { numRuns: RUNS },
    );
    assert.ok(accepted > RUNS / 100, `only ${accepted} results were accepted`);
  });
});
