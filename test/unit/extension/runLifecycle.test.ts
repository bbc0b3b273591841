import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticRun } from '../../../bench/panelChart/syntheticRun';
import { UserError } from '../../../src/core/errors';
import type { RangeTestResult } from '../../../src/core/types';
import type { ToWebview } from '../../../src/core/wire/panelChannel';
import { WORKER_PROTOCOL_VERSION, type WorkerEvent } from '../../../src/core/wire/workerChannel';
import { getLastRangeTestResult, LAST_RESULT_STATE_KEY } from '../../../src/extension/lastResult';
import { RENDER_INTERVAL_MS } from '../../../src/extension/panel/runController';
import { RunHistory } from '../../../src/extension/panel/runHistory';
import { RunLifecycle } from '../../../src/extension/panel/runLifecycle';
import type { RangeTestRunner } from '../../../src/extension/panel/runPorts';
import { RangeTestCancelledError } from '../../../src/worker/client';
import { FakeClock } from './fakeClock';
import { testTempDir } from '../../support/tempDirs';

const STEPS = 40;

/** A runner the test drives: it sends the worker's events and settles the result when told. */
class FakeRunner implements RangeTestRunner {
  readonly config = { ...syntheticRun(STEPS).config, runs: 1, iterations: STEPS };
  onEvent: ((event: WorkerEvent) => void) | undefined;
  started = 0;
  cancels = 0;
  settle!: { resolve(result: RangeTestResult): void; reject(error: unknown): void };

  constructor(readonly label = 'spirals.csv') {}

  start(onEvent: (event: WorkerEvent) => void): { result: Promise<RangeTestResult>; cancel(): void } {
    this.started++;
    this.onEvent = onEvent;
    const result = new Promise<RangeTestResult>((resolve, reject) => (this.settle = { resolve, reject }));
    return { result, cancel: () => this.cancels++ };
  }

  progress(step: number): void {
    this.onEvent?.({ v: WORKER_PROTOCOL_VERSION, type: 'progress', run: 0, point: { step, lr: 1e-6 * (step + 1), loss: 1, smoothed: 1 } });
  }
}

/** The lifecycle with a fake panel, notifications and status bar, a fake clock, and a real history in a temporary folder. */
function setup(dir: string, cancelWhenAsked = false) {
  const clock = new FakeClock();
  clock.time = Date.UTC(2026, 0, 2, 3, 4, 5);
  const posted: ToWebview[] = [];
  const failures: string[] = [];
  const statusBar: string[] = [];
  const state = new Map<string, unknown>();
  const history = new RunHistory(join(dir, 'runs'));
  let progressShown = 0;
  let progressDone = 0;
  const lifecycle = new RunLifecycle({
    panel: { reveal: () => undefined, post: (message) => posted.push(message) },
    history,
    showProgress: () => {
      progressShown++;
      return {
        report: (view) => statusBar.push(`${view.phase} ${view.stepsDone}/${view.stepsTotal}`),
        text: '',
        done: () => progressDone++,
      };
    },
    prompts: { alreadyRunning: async () => cancelWhenAsked, failed: (text) => failures.push(text) },
    clock,
    state: { update: async (key, value) => void state.set(key, value) },
    log: () => undefined,
    onStart: () => undefined,
  });
  const ofType = <T extends ToWebview['type']>(type: T) => posted.filter((m): m is Extract<ToWebview, { type: T }> => m.type === type);
  return { clock, posted, ofType, failures, statusBar, state, history, lifecycle, progress: () => ({ shown: progressShown, done: progressDone }) };
}

/** Lets the lifecycle's awaits (result, state, history file) finish. */
async function settled(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('run lifecycle (a range test from start to end, as the user sees it)', () => {
  let dir: string;
  beforeEach(() => (dir = testTempDir('clr-lifecycle-')));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('shows a run as it goes, then its result, and keeps it in the history and as the last result', async () => {
    const { clock, ofType, statusBar, state, history, lifecycle, progress } = setup(dir);
    const runner = new FakeRunner();
    const outcome = lifecycle.start(runner);
    assert.ok(lifecycle.running);
    const [started] = ofType('runStarted');
    assert.equal(started.run.label, 'spirals.csv');
    assert.equal(started.stepsExpected, STEPS);
    for (let step = 0; step < 10; step++) runner.progress(step);
    clock.advance(RENDER_INTERVAL_MS);
    const shown = ofType('progress');
    assert.ok(shown.length > 0, 'progress reached the panel');
    assert.ok(shown.every((m) => m.runId === started.run.id));
    assert.deepEqual(shown.flatMap((m) => m.points.map((p) => p.step)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(statusBar[statusBar.length - 1], 'running 10/40', 'the status bar shows the same count');

    const result = { ...syntheticRun(STEPS), config: runner.config };
    runner.settle.resolve(result);
    assert.deepEqual(await outcome, result);
    assert.ok(!lifecycle.running);
    const [finished] = ofType('runFinished');
    assert.equal(finished.run.id, started.run.id);
    assert.deepEqual(finished.run.result, result);
    assert.equal(ofType('progress').at(-1)?.progress.phase, 'done');

    const entries = await history.list();
    assert.deepEqual(entries.map((e) => [e.id, e.label, e.points]), [[started.run.id, 'spirals.csv', STEPS]]);
    assert.equal(entries[0].createdAt, new Date(clock.now()).toISOString());
    assert.deepEqual(ofType('history').at(-1)?.history, entries, 'the panel lists the kept run');
    // Snippet insertion and the CodeLens use this result: all of it but the curves, which the history keeps.
    const kept = state.get(LAST_RESULT_STATE_KEY) as RangeTestResult;
    assert.deepEqual(getLastRangeTestResult({ workspaceState: state } as unknown as Parameters<typeof getLastRangeTestResult>[0]), kept, 'a result snippet insertion reads');
    assert.deepEqual([kept.suggestion, kept.dataset, kept.config, kept.backend, kept.stopReason], [result.suggestion, result.dataset, result.config, result.backend, result.stopReason]);
    assert.deepEqual([kept.lrs, kept.losses, kept.smoothed, kept.runCurves, kept.band, kept.valLosses], [[], [], [], undefined, undefined, undefined], 'no curve is stored twice');
    assert.deepEqual(progress(), { shown: 1, done: 1 }, 'the status bar and notification are gone');
  });

  it('refuses a second run while one is running, and cancels the first only when the user asks', async () => {
    for (const cancelWhenAsked of [false, true]) {
      const { ofType, lifecycle } = setup(dir, cancelWhenAsked);
      const first = new FakeRunner('first.csv');
      void lifecycle.start(first);
      const second = new FakeRunner('second.csv');
      assert.equal(await lifecycle.start(second), undefined);
      assert.equal(second.started, 0, 'the second run never started');
      assert.deepEqual(ofType('runStarted').map((m) => m.run.label), ['first.csv']);
      assert.equal(first.cancels, cancelWhenAsked ? 1 : 0);
      assert.equal(ofType('progress').at(-1)?.progress.phase, cancelWhenAsked ? 'cancelling' : undefined);
      first.settle.reject(new RangeTestCancelledError());
      await settled();
    }
  });

  it('shows a cancelled run with its partial curve and keeps nothing', async () => {
    const { ofType, state, history, lifecycle, progress } = setup(dir);
    const runner = new FakeRunner();
    const outcome = lifecycle.start(runner);
    for (let step = 0; step < 12; step++) runner.progress(step);
    lifecycle.cancel();
    assert.equal(runner.cancels, 1);
    assert.equal(ofType('progress').at(-1)?.progress.phase, 'cancelling', 'Cancel is shown at once');
    const partial: RangeTestResult = { ...syntheticRun(12), config: runner.config, stopReason: 'cancelled', stoppedAt: 11 };
    runner.settle.resolve(partial);
    assert.equal(await outcome, undefined);
    const [cancelled] = ofType('runCancelled');
    assert.equal(cancelled.runId, ofType('runStarted')[0].run.id);
    assert.deepEqual(cancelled.partial, partial);
    assert.equal(ofType('progress').at(-1)?.progress.phase, 'cancelled');
    assert.equal(ofType('runFinished').length, 0);
    assert.deepEqual(await history.list(), []);
    assert.equal(state.has(LAST_RESULT_STATE_KEY), false);
    assert.deepEqual(progress(), { shown: 1, done: 1 });
  });

  it('shows a run whose worker was killed on cancel as cancelled, without a curve', async () => {
    const { ofType, history, lifecycle } = setup(dir);
    const runner = new FakeRunner();
    const outcome = lifecycle.start(runner);
    lifecycle.cancel();
    runner.settle.reject(new RangeTestCancelledError());
    assert.equal(await outcome, undefined);
    assert.equal(ofType('runCancelled').length, 1);
    assert.equal(ofType('runCancelled')[0].partial, undefined);
    assert.equal(ofType('runFailed').length, 0, 'a cancel is not a failure');
    assert.deepEqual(await history.list(), []);
  });

  it('reports a problem the user can fix with its message, hint and place, in the panel and a notification', async () => {
    const { ofType, failures, history, lifecycle, progress } = setup(dir);
    const runner = new FakeRunner();
    const outcome = lifecycle.start(runner);
    runner.settle.reject(new UserError('column "label" not found', { file: '/data/spirals.csv', line: 1, column: 7, hint: 'set cyclicalLr.target' }));
    assert.equal(await outcome, undefined);
    const [failed] = ofType('runFailed');
    assert.deepEqual(
      { message: failed.message, hint: failed.hint, location: failed.location },
      { message: 'column "label" not found', hint: 'set cyclicalLr.target', location: '/data/spirals.csv:1:7' },
    );
    assert.deepEqual(failures, ['Range test failed: /data/spirals.csv:1:7: column "label" not found — set cyclicalLr.target']);
    assert.equal(ofType('progress').at(-1)?.progress.phase, 'failed');
    assert.deepEqual(await history.list(), []);
    assert.deepEqual(progress(), { shown: 1, done: 1 });
    assert.ok(!lifecycle.running, 'a new run may start');
  });

  it('reports a crash (our bug) as unexpected, pointing at the log', async () => {
    const { ofType, failures, lifecycle } = setup(dir);
    const runner = new FakeRunner();
    const outcome = lifecycle.start(runner);
    runner.settle.reject(new Error('worker exited with code 134'));
    await outcome;
    const [failed] = ofType('runFailed');
    assert.equal(failed.message, 'The range test stopped unexpectedly: worker exited with code 134');
    assert.match(failed.hint ?? '', /output channel/);
    assert.equal(failed.location, undefined);
    assert.equal(failures.length, 1);
  });

  it('reports a runner that cannot start, and ends its status bar', async () => {
    const { ofType, failures, lifecycle, progress } = setup(dir);
    const runner = new FakeRunner();
    runner.start = () => {
      throw new UserError('python3 not found', { hint: 'set cyclicalLr.pythonPath' });
    };
    assert.equal(await lifecycle.start(runner), undefined);
    assert.equal(ofType('runFailed')[0].message, 'python3 not found');
    assert.deepEqual(failures, ['Range test failed: python3 not found — set cyclicalLr.pythonPath']);
    assert.deepEqual(progress(), { shown: 1, done: 1 });
    assert.ok(!lifecycle.running);
  });

  it('ignores the late events of an earlier run while the next one is shown', async () => {
    const { clock, ofType, lifecycle } = setup(dir);
    const first = new FakeRunner('first.csv');
    const firstOutcome = lifecycle.start(first);
    first.settle.resolve({ ...syntheticRun(STEPS), config: first.config });
    await firstOutcome;
    const second = new FakeRunner('second.csv');
    void lifecycle.start(second);
    const secondId = ofType('runStarted')[1].run.id;
    const before = ofType('progress').length;
    for (let step = 0; step < 5; step++) first.progress(step);
    clock.advance(10 * RENDER_INTERVAL_MS);
    assert.equal(ofType('progress').length, before, 'nothing was redrawn for the earlier run');
    second.progress(0);
    clock.advance(RENDER_INTERVAL_MS);
    const latest = ofType('progress').at(-1);
    assert.equal(latest?.runId, secondId);
    assert.equal(latest?.progress.stepsDone, 1, "the earlier run's steps are not counted");
    second.settle.reject(new RangeTestCancelledError());
    await settled();
  });

  it('shows a recreated webview the run it showed, or the history run the user opened since', async () => {
    const { ofType, lifecycle } = setup(dir);
    const runner = new FakeRunner();
    const outcome = lifecycle.start(runner);
    const result = { ...syntheticRun(STEPS), config: runner.config };
    runner.settle.resolve(result);
    await outcome;
    const runId = ofType('runStarted')[0].run.id;
    // The webview had saved an older run's id: the run that started since is the one it shows.
    assert.equal(lifecycle.shownRun('older-run'), runId);
    const before = ofType('runFinished').length;
    assert.ok(lifecycle.replay(runId));
    assert.equal(ofType('runStarted').at(-1)?.replay, true);
    assert.equal(ofType('runFinished').length, before + 1);
    assert.deepEqual(lifecycle.endedConfig(runId), runner.config, 'its PNG can be exported');
    lifecycle.showing('kept-run');
    assert.equal(lifecycle.shownRun(null), 'kept-run');
    assert.equal(lifecycle.replay('kept-run'), false, 'shown from the history instead');
  });
});
