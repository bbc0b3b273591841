import * as assert from 'node:assert/strict';
import { describeRunEnd, runSummaryLine, stepCount, stopAtStep } from '../../../src/core/runOutcome';
import { DEFAULT_RANGE_TEST_CONFIG } from '../../../src/core/types';

describe('how a run ended, in plain words', () => {
  const config = { ...DEFAULT_RANGE_TEST_CONFIG, startLr: 1e-7, endLr: 10 };
  const lrs = [1e-7, 1e-3, 0.1, 2.4];

  it('says a run that blew up stopped early as expected, at which learning rate', () => {
    assert.equal(
      describeRunEnd({ stopReason: 'diverged', stoppedAt: 3, lrs, config }),
      'stopped early: the loss blew up at lr 2.4 — as expected at the end of a range test',
    );
  });

  it('names the sweep of a completed run and the steps of a cancelled one, without backend jargon', () => {
    assert.equal(describeRunEnd({ stopReason: 'completed', stoppedAt: 3, lrs, config }), 'finished: swept the learning rate from 1e-7 to 10 in 4 steps');
    assert.equal(describeRunEnd({ stopReason: 'cancelled', stoppedAt: 1, lrs: lrs.slice(0, 2), config }), 'stopped: cancelled after 2 steps');
    assert.match(describeRunEnd({ stopReason: 'non-finite', stoppedAt: 3, lrs, config }), /infinite at lr 2\.4/);
  });

  it('counts one step in the singular, and groups thousands', () => {
    assert.equal(describeRunEnd({ stopReason: 'cancelled', stoppedAt: 0, lrs: lrs.slice(0, 1), config }), 'stopped: cancelled after 1 step');
    assert.equal(stepCount(0), '0 steps');
    assert.equal(stepCount(12_345), '12,345 steps');
  });

  it("sums up a kept run in one line, as the history list and the Open Run quick pick both show it", () => {
    const entry = { points: 12_000, stopReason: 'diverged' as const, bounds: { baseLr: 0.0012, maxLr: 0.0634 }, confidence: 0.624 };
    assert.equal(runSummaryLine(entry), '12,000 steps · loss blew up · bounds 0.0012 – 0.0634 · confidence 62%');
    assert.equal(runSummaryLine({ ...entry, points: 1, stopReason: 'cancelled' }), '1 step · cancelled · bounds 0.0012 – 0.0634 · confidence 62%');
  });

  it('says where a run stopped in the short words of the history list, with the step a person counts from 1', () => {
    assert.equal(stopAtStep({ stopReason: 'diverged', stoppedAt: 1160, lrs }), 'loss blew up at step 1,161');
    assert.equal(stopAtStep({ stopReason: 'non-finite', stoppedAt: 3, lrs }), 'loss became infinite at step 4');
    assert.equal(stopAtStep({ stopReason: 'completed', stoppedAt: 3, lrs }), 'swept to the end: 4 steps');
  });
});
