// Properties of src/core/schedules/ that the PyTorch oracle does not cover: the range-test sweep, validation, defaults.

import assert from 'node:assert/strict';
import { UserError } from '../../../src/core/errors';
import { computeSchedule, defaultPreviewSteps, rangeTestLrs, ScheduleSpecError, validateScheduleSpec } from '../../../src/core/schedules';

describe('rangeTestLrs', () => {
  it('sweeps exponentially from start to end, inclusive, with a constant ratio', () => {
    const lrs = rangeTestLrs(1e-7, 10, 101, 'exp');
    assert.equal(lrs.length, 101);
    assert.equal(lrs[0], 1e-7);
    assert.ok(Math.abs(lrs[100] / 10 - 1) < 1e-12);
    assert.ok(Math.abs(lrs[50] / 1e-3 - 1) < 1e-12, `midpoint ${lrs[50]}`);
    const ratio = lrs[1] / lrs[0];
    for (let t = 1; t < 101; t++) assert.ok(Math.abs(lrs[t] / lrs[t - 1] / ratio - 1) < 1e-9);
  });

  it('sweeps linearly with a constant difference', () => {
    const lrs = rangeTestLrs(0.001, 1.001, 5, 'linear');
    assert.deepEqual(lrs.map((v) => Math.round(v * 1e6) / 1e6), [0.001, 0.251, 0.501, 0.751, 1.001]);
  });

  it('uses start_lr for a single step and refuses bad bounds', () => {
    assert.deepEqual(rangeTestLrs(0.01, 1, 1, 'exp'), [0.01]);
    assert.throws(() => rangeTestLrs(0, 1, 10, 'exp'), UserError);
    assert.throws(() => rangeTestLrs(1, 0.5, 10, 'linear'), /end_lr/);
    assert.throws(() => rangeTestLrs(0.1, 1, 0, 'exp'), /steps/);
  });
});

describe('validateScheduleSpec', () => {
  it('accepts each policy with only its required fields', () => {
    for (const spec of [
      { policy: 'triangular', baseLr: 0.001, maxLr: 0.01 },
      { policy: 'one-cycle', maxLr: 0.1, totalSteps: 100 },
      { policy: 'sgdr', maxLr: 0.1, t0: 10 },
      { policy: 'cosine', maxLr: 0.1, tMax: 10 },
    ]) {
      assert.equal(validateScheduleSpec(spec), spec);
      const values = computeSchedule(validateScheduleSpec(spec), defaultPreviewSteps(validateScheduleSpec(spec)));
      assert.ok(values.lr.every(Number.isFinite));
    }
  });

  it("refuses what PyTorch refuses, naming the field and quoting PyTorch's message", () => {
    const refuse = (spec: unknown, field: string, message: RegExp) => {
      assert.throws(() => validateScheduleSpec(spec), (e: unknown) => e instanceof ScheduleSpecError && e.field === field && message.test(e.message));
    };
    refuse(null, 'policy', /object/);
    refuse({ policy: 'cyclic' }, 'policy', /unknown schedule policy/);
    refuse({ policy: 'triangular', maxLr: 0.01 }, 'baseLr', /baseLr must be/);
    refuse({ policy: 'sgdr', maxLr: 0.1, t0: 0 }, 't0', /Expected positive integer T_0, but got 0/);
    refuse({ policy: 'sgdr', maxLr: 0.1, t0: 5, tMult: 0.5 }, 'tMult', /Expected integer T_mult >= 1, but got 0.5/);
    refuse({ policy: 'one-cycle', maxLr: 0.1 }, 'totalSteps', /You must define either total_steps OR \(epochs AND steps_per_epoch\)/);
    refuse({ policy: 'one-cycle', maxLr: 0.1, totalSteps: 10.5 }, 'totalSteps', /Expected positive integer total_steps/);
    refuse({ policy: 'one-cycle', maxLr: 0.1, totalSteps: 10, pctStart: -0.1 }, 'pctStart', /Expected float between 0 and 1 pct_start/);
    refuse({ policy: 'one-cycle', maxLr: 0.1, totalSteps: 10, annealStrategy: 'cosine' }, 'annealStrategy', /anneal_strategy must by one of 'cos' or 'linear'/);
    refuse({ policy: 'cosine', maxLr: 0.1, tMax: 0 }, 'tMax', /T_max/);
    refuse({ policy: 'exp_range', baseLr: 0.1, maxLr: 1, stepSizeUp: 0 }, 'stepSizeUp', /stepSizeUp/);
  });

  it('warns about legal but suspicious schedules', () => {
    const w = computeSchedule({ policy: 'triangular', baseLr: 0.1, maxLr: 0.01, stepSizeUp: 10, stepsPerEpoch: 100 }, 5).warnings;
    assert.equal(w.length, 2, w.join('\n'));
    assert.deepEqual(computeSchedule({ policy: 'triangular', baseLr: 0.001, maxLr: 0.01, stepSizeUp: 400, stepsPerEpoch: 100 }, 5).warnings, []);
    assert.match(computeSchedule({ policy: 'cosine', maxLr: 0.1, tMax: 3 }, 10).warnings.join(), /periodic/);
  });
});
