// The panel's schedule form ↔ ScheduleSpec: which input sets which spec field, the defaults (core's, the same
// as `clr snippet`'s), and what the user reads when an input or the whole form is wrong.

import assert from 'node:assert/strict';
import { UserError } from '../../../src/core/errors';
import {
  defaultScheduleForm,
  formFromSpec,
  peakSpec,
  readScheduleField,
  type ScheduleForm,
  type ScheduleNumberField,
  scheduleFieldsUsed,
  specFromForm,
  withoutImportedLength,
  withStepsPerEpoch,
} from '../../../src/core/scheduleForm';
import {
  computeSchedule,
  CYCLIC_DEFAULTS,
  DEFAULT_BOUNDS,
  DEFAULT_EPOCHS,
  DEFAULT_EPOCHS_PER_HALF_CYCLE,
  DEFAULT_GAMMA,
  DEFAULT_SGDR,
  defaultPreviewSteps,
  SCHEDULE_POLICIES,
  type SchedulePolicy,
  type ScheduleSpec,
} from '../../../src/core/schedules';
import { defaultSnippetSpec } from '../../../src/core/snippets';

const form = (policy: SchedulePolicy, changes: Partial<ScheduleForm> = {}): ScheduleForm => ({ ...defaultScheduleForm(), policy, ...changes });
const field = (spec: ScheduleSpec, name: string): unknown => (spec as unknown as Record<string, unknown>)[name];

describe('schedule form', () => {
  it("starts from core's defaults, the numbers `clr snippet` and the generated code use", () => {
    const f = defaultScheduleForm();
    assert.equal(f.gamma, DEFAULT_GAMMA);
    assert.equal(f.gamma, 0.99994);
    assert.equal(f.t0, DEFAULT_SGDR.t0);
    assert.equal(f.t0, 10);
    assert.equal(f.tMult, DEFAULT_SGDR.tMult);
    assert.equal(f.baseLr, DEFAULT_BOUNDS.baseLr);
    assert.equal(f.maxLr, DEFAULT_BOUNDS.maxLr);
    assert.equal(f.epochs, DEFAULT_EPOCHS);
    assert.equal(f.stepSizeUp, DEFAULT_EPOCHS_PER_HALF_CYCLE * f.stepsPerEpoch);
    assert.equal(f.cycleMomentum, CYCLIC_DEFAULTS.cycleMomentum);
    // The untouched form describes the same schedule a snippet without a range test gets.
    const spe = f.stepsPerEpoch;
    assert.deepEqual(specFromForm(form('triangular')), { ...defaultSnippetSpec('triangular', { stepsPerEpoch: spe }), cycleMomentum: true });
    assert.deepEqual(specFromForm(form('exp_range')), { ...defaultSnippetSpec('exp_range', { stepsPerEpoch: spe }), cycleMomentum: true });
    assert.deepEqual(specFromForm(form('one-cycle')), { ...defaultSnippetSpec('one-cycle', { stepsPerEpoch: spe }), cycleMomentum: true });
    assert.deepEqual(specFromForm(form('sgdr')), defaultSnippetSpec('sgdr', { stepsPerEpoch: spe }));
    for (const policy of ['wsd', 'linear-decay'] as const) assert.deepEqual(specFromForm(form(policy)), defaultSnippetSpec(policy, { stepsPerEpoch: spe }));
  });

  it('maps every input the policy shows to its spec field', () => {
    // [policy, input, new value, spec field, expected value of the field]
    const cases: Array<[SchedulePolicy, ScheduleNumberField | 'cycleMomentum', number | boolean, string, unknown]> = [
      ['triangular', 'baseLr', 0.002, 'baseLr', 0.002],
      ['triangular', 'maxLr', 0.5, 'maxLr', 0.5],
      ['triangular', 'stepSizeUp', 123, 'stepSizeUp', 123],
      ['triangular', 'stepsPerEpoch', 7, 'stepsPerEpoch', 7],
      ['triangular', 'cycleMomentum', false, 'cycleMomentum', false],
      ['triangular2', 'stepSizeUp', 50, 'stepSizeUp', 50],
      ['exp_range', 'gamma', 0.995, 'gamma', 0.995],
      ['one-cycle', 'maxLr', 0.3, 'maxLr', 0.3],
      ['one-cycle', 'epochs', 3, 'epochs', 3],
      ['one-cycle', 'stepsPerEpoch', 40, 'stepsPerEpoch', 40],
      ['one-cycle', 'cycleMomentum', false, 'cycleMomentum', false],
      ['sgdr', 'maxLr', 0.2, 'maxLr', 0.2],
      ['sgdr', 'baseLr', 0.001, 'etaMin', 0.001],
      ['sgdr', 't0', 3, 't0', 3],
      ['sgdr', 'tMult', 1, 'tMult', 1],
      ['sgdr', 'stepsPerEpoch', 9, 'stepsPerEpoch', 9],
      ['cosine', 'baseLr', 0, 'etaMin', 0],
      ['cosine', 'epochs', 4, 'tMax', 4 * 100],
      ['cosine', 'stepsPerEpoch', 20, 'tMax', 10 * 20],
      ['warmup-cosine', 'baseLr', 1e-5, 'etaMin', 1e-5],
      ['warmup-cosine', 'epochs', 2, 'totalSteps', 200],
      ['wsd', 'maxLr', 0.05, 'maxLr', 0.05],
      ['wsd', 'epochs', 5, 'totalSteps', 500],
      ['linear-decay', 'stepsPerEpoch', 30, 'totalSteps', 300],
    ];
    for (const [policy, input, value, specField, expected] of cases) {
      assert.ok(scheduleFieldsUsed(policy).has(input), `${policy} shows ${input}`);
      const before = specFromForm(form(policy));
      const after = specFromForm(form(policy, { [input]: value }));
      assert.deepEqual(field(after, specField), expected, `${policy}: ${input} = ${value} → ${specField}`);
      assert.notDeepEqual(field(before, specField), expected, `${policy}: the case changes ${specField}`);
    }
  });

  it('ignores the inputs a policy hides', () => {
    for (const policy of SCHEDULE_POLICIES) {
      const base = specFromForm(form(policy));
      const hidden = (['baseLr', 'stepSizeUp', 'gamma', 'epochs', 't0', 'tMult'] as const).filter((k) => !scheduleFieldsUsed(policy).has(k));
      for (const key of hidden) assert.deepEqual(specFromForm(form(policy, { [key]: 7 })), base, `${policy} ignores ${key}`);
    }
  });

  it('gives a spec every policy previews', () => {
    for (const policy of SCHEDULE_POLICIES) {
      const spec = specFromForm(form(policy));
      assert.equal(spec.policy, policy);
      assert.ok(computeSchedule(spec, Math.min(defaultPreviewSteps(spec), 10_000)).lr.every(Number.isFinite), policy);
    }
  });

  it('reads what the user types, with a message naming the input when it is not usable', () => {
    assert.deepEqual(readScheduleField('maxLr', ' 3e-3 '), { value: 0.003 });
    assert.deepEqual(readScheduleField('baseLr', '0'), { value: 0 });
    assert.deepEqual(readScheduleField('t0', '4'), { value: 4 });
    const error = (f: ScheduleNumberField, text: string): string => {
      const read = readScheduleField(f, text);
      assert.ok('error' in read, `${f} '${text}' is refused`);
      return read.error;
    };
    assert.equal(error('maxLr', 'abc'), "max_lr: 'abc' is not a number; enter a number > 0, e.g. 0.01");
    assert.equal(error('maxLr', '0'), 'max_lr must be a number > 0, e.g. 0.01, but got 0');
    assert.equal(error('baseLr', '-1e-4'), 'base_lr must be a number ≥ 0, e.g. 1e-4, but got -1e-4');
    assert.equal(error('t0', '2.5'), 'T_0 (epochs to first restart) must be a whole number ≥ 1, but got 2.5');
    assert.equal(error('stepsPerEpoch', ''), 'Iterations per epoch is empty: enter a whole number ≥ 1');
    assert.match(error('gamma', 'Infinity'), /^gamma: 'Infinity' is not a number/);
    assert.match(error('epochs', '0'), /^Epochs must be a whole number ≥ 1/);
  });

  it('names the input at fault when the form describes a schedule PyTorch refuses', () => {
    const refuse = (f: ScheduleForm, pattern: RegExp) =>
      assert.throws(
        () => specFromForm(f),
        (e: unknown) => e instanceof UserError && pattern.test(e.message),
      );
    // One step in all leaves wsd no stable phase: the training length is the input to change.
    refuse(form('wsd', { epochs: 1, stepsPerEpoch: 1 }), /^Epochs: warm-up \(0\) \+ decay \(1\) steps leave no stable phase in 1 total steps$/);
    refuse(form('sgdr', { t0: 1.5 }), /^T_0 \(epochs to first restart\): Expected positive integer T_0, but got 1\.5$/);
    refuse(form('sgdr', { baseLr: -1 }), /^eta_min \(lowest rate\): etaMin must be a number ≥ 0, but got -1$/);
    refuse(form('triangular', { maxLr: NaN }), /^max_lr: maxLr must be a number ≥ 0, but got NaN$/);
    // A parameter only an imported scheduler call set is named as such.
    const imported: ScheduleSpec = { policy: 'one-cycle', maxLr: 0.1, totalSteps: 100, pctStart: 2 };
    refuse(formFromSpec(imported, defaultScheduleForm()), /^pctStart \(from the imported scheduler call\): Expected float between 0 and 1 pct_start, but got 2$/);
  });

  it('shows an imported spec and gives it back unchanged while the form is untouched', () => {
    const specs: ScheduleSpec[] = [
      { policy: 'exp_range', baseLr: 0.001, maxLr: 0.1, stepSizeUp: 300, gamma: 0.999, cycleMomentum: false, stepsPerEpoch: 150 },
      { policy: 'one-cycle', maxLr: 0.1, totalSteps: 1234, pctStart: 0.25, divFactor: 10, cycleMomentum: true },
      { policy: 'sgdr', maxLr: 0.05, t0: 3, tMult: 2, etaMin: 1e-5, stepsPerEpoch: 40 },
      { policy: 'cosine', maxLr: 0.05, tMax: 777, etaMin: 0, stepsPerEpoch: 10 },
      { policy: 'wsd', maxLr: 0.02, totalSteps: 1000, warmupSteps: 50, decaySteps: 200, cooldown: '1-sqrt', stepsPerEpoch: 100 },
    ];
    for (const spec of specs) {
      const f = formFromSpec(spec, defaultScheduleForm());
      assert.equal(f.policy, spec.policy);
      assert.equal(f.maxLr, spec.maxLr);
      assert.deepEqual(computeSchedule(specFromForm(f), 500).lr, computeSchedule(spec, 500).lr, spec.policy);
    }
    // Editing the training length replaces the imported one.
    const oneCycle = formFromSpec(specs[1], defaultScheduleForm());
    const edited = specFromForm(withoutImportedLength({ ...oneCycle, epochs: 4 }));
    assert.equal(field(edited, 'totalSteps'), undefined);
    assert.equal(field(edited, 'epochs'), 4);
    assert.equal(field(edited, 'pctStart'), 0.25, 'the other imported parameters stay');
  });

  it('follows a new dataset size and a range test peak', () => {
    const f = withStepsPerEpoch(defaultScheduleForm(), 938);
    assert.equal(f.stepsPerEpoch, 938);
    assert.equal(f.stepSizeUp, DEFAULT_EPOCHS_PER_HALF_CYCLE * 938);
    assert.deepEqual(peakSpec(form('triangular'), 0.4), { policy: 'one-cycle', maxLr: 0.4, epochs: DEFAULT_EPOCHS, stepsPerEpoch: 100 });
    const warm = peakSpec(form('warmup-cosine'), 0.4);
    assert.equal(warm.policy, 'warmup-cosine');
    assert.equal(warm.maxLr, 0.4);
  });
});
