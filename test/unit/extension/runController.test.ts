import * as assert from 'node:assert/strict';
import type { WorkerEvent } from '../../../src/core/wire/workerChannel';
import { WORKER_PROTOCOL_VERSION } from '../../../src/core/wire/workerChannel';
import { ACK_TIMEOUT_MS, FOLLOW_SILENCE_MS, IN_FLIGHT, LIVE_POINTS, RENDER_INTERVAL_MS, RunController, RunUpdate } from '../../../src/extension/panel/runController';
import { FakeClock } from './fakeClock';

function progress(run: number, step: number): WorkerEvent {
  return { v: WORKER_PROTOCOL_VERSION, type: 'progress', run, point: { step, lr: 1e-6 * (step + 1), loss: 1, smoothed: 1 } };
}

/** A controller whose panel acknowledges every update at once (`ack` true), after `ack` ms, or never. */
function setup(runs: number, iterations: number, ack: boolean | number = true) {
  const clock = new FakeClock();
  const updates: Array<RunUpdate & { at: number }> = [];
  const statusBar: number[] = [];
  const controller: RunController = new RunController(
    'r1',
    runs,
    iterations,
    (u) => {
      updates.push({ ...u, at: clock.now() });
      if (ack === true) controller.acknowledge();
      else if (typeof ack === 'number') clock.setTimeout(() => controller.acknowledge(), ack);
    },
    clock,
    (progress) => statusBar.push(progress.stepsDone),
  );
  return { clock, updates, controller, statusBar };
}

/** The steps the webview holds after `updates` (from the last redraw from scratch on) match the controller's live chart. */
function assertChartComplete(updates: RunUpdate[], controller: RunController): void {
  const lastReplace = updates.map((u) => u.replace).lastIndexOf(true);
  const shown = updates.slice(lastReplace).flatMap((u) => u.points.map((p) => p.step));
  const sentUpTo = updates[updates.length - 1].progress.stepsDone;
  assert.deepEqual(shown, controller.chartPoints.map((p) => p.step).filter((step) => step < sentUpTo), 'no point lost or repeated');
}

describe('run controller (the one source of truth about a run)', () => {
  it('coalesces a flood of worker events into at most 10 updates a second (RENDER_INTERVAL_MS), each with the latest count', () => {
    const { clock, updates, controller } = setup(3, 20_000);
    // Three repeats in parallel, 3,000 events a second each, for 2 s.
    for (let ms = 0; ms < 2000; ms++) {
      for (let k = 0; k < 3; k++) for (let run = 0; run < 3; run++) controller.event(progress(run, ms * 3 + k));
      clock.advance(1);
    }
    clock.advance(100);
    assert.ok(updates.length <= 2000 / RENDER_INTERVAL_MS + 2, `${updates.length} updates in 2 s`);
    assert.ok(updates.length >= 2000 / RENDER_INTERVAL_MS - 2, `${updates.length} updates in 2 s: progress is not held back`);
    for (let i = 1; i < updates.length; i++) assert.ok(updates[i].at - updates[i - 1].at >= RENDER_INTERVAL_MS, 'spaced by the interval');
    const last = updates[updates.length - 1];
    assert.equal(last.progress.stepsDone, 3 * 6000, 'the last update carries the latest count of all repeats');
    assert.equal(last.progress.stepsTotal, 60_000);
  });

  it('keeps the chart on one repeat while repeats interleave, and sends its points exactly once', () => {
    const { clock, updates, controller } = setup(3, 1000);
    for (let step = 0; step < 300; step++) {
      for (let run = 0; run < 3; run++) controller.event(progress(run, step));
      clock.advance(2);
    }
    clock.advance(100);
    assert.ok(updates.every((u) => u.progress.chartRun === 0), 'never flips to another repeat');
    assert.equal(updates.filter((u) => u.replace).length, 1, 'one reset, at the first point');
    const plotted = updates.flatMap((u) => u.points.map((p) => p.step));
    assert.deepEqual(plotted, Array.from({ length: 300 }, (_, i) => i));
  });

  it('follows the next repeat once the followed one has ended (repeats run one after another)', () => {
    const { clock, updates, controller } = setup(2, 100);
    const start = clock.now();
    for (let step = 0; step < 100; step++) {
      controller.event(progress(0, step));
      clock.advance(1);
    }
    for (let step = 0; step < 100; step++) {
      controller.event(progress(1, step));
      clock.advance(10);
    }
    const switched = updates.find((u) => u.progress.chartRun === 1);
    assert.ok(switched, 'the chart moved to repeat 2');
    assert.ok(switched.replace, 'on an empty chart');
    assert.equal(switched.points[0].step, 0, 'with repeat 2 from its first point');
    assert.ok(switched.at - (start + 100) <= FOLLOW_SILENCE_MS + RENDER_INTERVAL_MS + 10, 'soon after the first repeat fell silent');
    assert.equal(controller.chartPoints.length, 100);
  });

  it('shows Cancel and the end at once, not at the next tick', () => {
    const { clock, updates, controller } = setup(1, 1000);
    controller.event(progress(0, 0));
    controller.event(progress(0, 1));
    const before = updates.length;
    controller.cancelRequested();
    assert.equal(updates.length, before + 1);
    assert.equal(updates[updates.length - 1].progress.phase, 'cancelling');
    assert.equal(updates[updates.length - 1].points.length, 2, 'pending points go with it');
    controller.event(progress(0, 2));
    controller.end('cancelled');
    const last = updates[updates.length - 1];
    assert.equal(last.progress.phase, 'cancelled');
    assert.equal(last.progress.endedAt, clock.now());
    assert.equal(last.progress.stepsDone, 3);
    // Late events after the end change nothing.
    controller.event(progress(0, 3));
    clock.advance(1000);
    assert.equal(updates[updates.length - 1], last);
  });

  it('shows at once that the suggestion is being computed, even to a panel that has not drawn the last update', () => {
    const { clock, updates, controller, statusBar } = setup(1, 3, false);
    for (let step = 0; step < 3; step++) {
      controller.event(progress(0, step));
      clock.advance(RENDER_INTERVAL_MS);
    }
    const before = updates.length;
    assert.equal(updates[before - 1].progress.suggesting, false);
    controller.event({ v: WORKER_PROTOCOL_VERSION, type: 'suggesting', stepsTrained: 3 });
    assert.equal(updates.length, before + 1, 'sent without waiting for an acknowledgement or the next tick');
    const shown = updates[before];
    assert.equal(shown.progress.suggesting, true);
    assert.equal(shown.progress.phase, 'running');
    assert.equal(shown.progress.stepsDone, 3);
    assert.equal(statusBar[statusBar.length - 1], 3, 'the status bar got it too');
    controller.end('done');
    assert.equal(updates[updates.length - 1].progress.phase, 'done');
  });

  it('thins the live chart of a very long run, so each redraw stays cheap, and keeps its ends', () => {
    const { clock, updates, controller } = setup(1, 100_000);
    for (let step = 0; step < 100_000; step++) {
      controller.event(progress(0, step));
      if (step % 100 === 0) clock.advance(1);
    }
    clock.advance(100);
    // What the webview holds: everything since the last replace.
    const lastReplace = updates.map((u) => u.replace).lastIndexOf(true);
    const shown = updates.slice(lastReplace).flatMap((u) => u.points);
    assert.ok(shown.length <= LIVE_POINTS + 1 && shown.length > LIVE_POINTS / 2, `${shown.length} points on the live chart`);
    assert.equal(shown[0].step, 0);
    assert.ok(shown[shown.length - 1].step > 99_000, 'up to the latest steps');
    assert.deepEqual(shown.map((p) => p.step), [...shown.map((p) => p.step)].sort((a, b) => a - b), 'in order');
    assert.equal(controller.progress.stepsDone, 100_000, 'the count is of every step');
  });

  it('sends a slow panel the next update only when it has drawn the last, while the status bar keeps up', () => {
    const { clock, updates, controller, statusBar } = setup(1, 100_000, false);
    for (let ms = 0; ms < 3000; ms++) {
      controller.event(progress(0, ms));
      clock.advance(1);
    }
    // No answer from the panel: IN_FLIGHT updates per ACK_TIMEOUT_MS, each carrying everything since the last.
    assert.ok(updates.length <= IN_FLIGHT * (3000 / ACK_TIMEOUT_MS + 1), `${updates.length} updates to a panel that never answers`);
    assertChartComplete(updates, controller);
    assert.ok(statusBar.length >= 3000 / RENDER_INTERVAL_MS - 2, `the status bar got ${statusBar.length} updates`);
    // Cancel does not wait for the panel.
    const before = updates.length;
    controller.cancelRequested();
    assert.equal(updates.length, before + 1);
    assert.equal(updates[updates.length - 1].progress.phase, 'cancelling');
  });

  it('keeps 10 updates a second flowing to a panel whose answers take a slow round trip, with a bounded backlog', () => {
    // 150 ms from an update to its answer: a browser-hosted VS Code on a busy machine (measured 50–600 ms).
    const roundTrip = 150;
    const { clock, updates, controller } = setup(1, 100_000, roundTrip);
    const acknowledge = controller.acknowledge.bind(controller);
    let answered = 0;
    controller.acknowledge = () => {
      answered++;
      acknowledge();
    };
    let mostInFlight = 0;
    for (let ms = 0; ms < 3000; ms++) {
      controller.event(progress(0, ms));
      clock.advance(1);
      mostInFlight = Math.max(mostInFlight, updates.length - answered);
    }
    const rate = updates.length / 3;
    assert.ok(rate >= 0.8 * (1000 / RENDER_INTERVAL_MS), `${rate.toFixed(1)} updates a second (one in flight at a time gave ${(1000 / roundTrip).toFixed(1)})`);
    assert.ok(rate <= 1000 / RENDER_INTERVAL_MS + 1, `${rate.toFixed(1)} updates a second`);
    assert.ok(mostInFlight <= IN_FLIGHT, `${mostInFlight} updates unanswered at once`);
    assertChartComplete(updates, controller);
  });
});
