// Reading scheduler calls out of Python source for the CodeLens preview.

import assert from 'node:assert/strict';
import { detectFramework } from '../../../src/core/frameworkDetection';
import { blankCommentsAndStrings, evaluateLiteral, parseSchedulerCalls } from '../../../src/core/schedulerCallParser';
import { generateSnippet, defaultSnippetSpec, SNIPPET_POLICIES } from '../../../src/core/snippets';
import { ScheduleSpec, WARMUP_POLICIES } from '../../../src/core/schedules';

describe('schedulerCallParser', () => {
  it('evaluates Python literals and simple arithmetic', () => {
    assert.equal(evaluateLiteral('4 * 938'), 3752);
    assert.equal(evaluateLiteral(' 1e-3 '), 0.001);
    assert.equal(evaluateLiteral('-2 ** 2'), -4);
    assert.equal(evaluateLiteral('(1 + 2) / 4'), 0.75);
    assert.equal(evaluateLiteral('1_000'), 1000);
    assert.equal(evaluateLiteral('"exp_range"'), 'exp_range');
    assert.equal(evaluateLiteral('True'), true);
    assert.equal(evaluateLiteral('None'), null);
    assert.equal(evaluateLiteral('len(loader)'), undefined);
    assert.equal(evaluateLiteral('x * 2'), undefined);
  });

  it('blanks comments and string contents without moving offsets', () => {
    const src = 'a = "CyclicLR(" # CyclicLR(\nb = 1';
    const blank = blankCommentsAndStrings(src);
    assert.equal(blank.length, src.length);
    assert.ok(!blank.includes('CyclicLR'));
    assert.ok(blank.endsWith('\nb = 1'));
  });

  it('reads keyword and positional arguments, skipping comments, strings and definitions', () => {
    const src = [
      'import torch',
      '# scheduler = CyclicLR(optimizer, 1, 2)',
      'doc = """OneCycleLR(optimizer, max_lr=5)"""',
      'class CyclicLR(object): pass',
      'optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)',
      'scheduler = torch.optim.lr_scheduler.CyclicLR(optimizer, 0.001, 0.01,',
      '    step_size_up=4 * 100,  # four epochs',
      '    mode="exp_range", gamma=0.999, cycle_momentum=False)',
      '    ',
      'one = OneCycleLR(optimizer, max_lr=0.1, epochs=10, steps_per_epoch=len(loader), three_phase=True)',
      'sgdr = CosineAnnealingWarmRestarts(optimizer, T_0=10, T_mult=2, eta_min=1e-6)',
    ].join('\n');
    const calls = parseSchedulerCalls(src);
    assert.deepEqual(calls.map((c) => `${c.className}@${c.line}`), ['CyclicLR@5', 'OneCycleLR@9', 'CosineAnnealingWarmRestarts@10']);
    assert.equal(calls[0].column, src.split('\n')[5].indexOf('CyclicLR'));
    assert.deepEqual(calls[0].spec, { policy: 'exp_range', baseLr: 0.001, maxLr: 0.01, stepSizeUp: 400, gamma: 0.999, cycleMomentum: false });
    assert.deepEqual(calls[0].defaulted, []);
    assert.equal(calls[1].spec.policy, 'one-cycle');
    assert.deepEqual(calls[1].defaulted, ['steps_per_epoch', 'total_steps']);
    assert.deepEqual(calls[2].spec, { policy: 'sgdr', maxLr: 0.05, t0: 10, tMult: 2, etaMin: 1e-6 });
  });

  it('falls back to defaults for invalid literals, naming them', () => {
    const [call] = parseSchedulerCalls('s = CosineAnnealingWarmRestarts(opt, T_0=0)');
    assert.equal(call.spec.policy, 'sgdr');
    assert.ok(call.defaulted.includes('t0'));
    assert.ok(call.defaulted.includes('lr (of the optimizer)'));
  });

  it('reads back the schedule of every PyTorch snippet we generate (CyclicLR, OneCycleLR, SGDR)', () => {
    for (const policy of SNIPPET_POLICIES.filter((p) => !(WARMUP_POLICIES as readonly string[]).includes(p))) {
      const spec = defaultSnippetSpec(policy, { baseLr: 0.0003, maxLr: 0.02, stepsPerEpoch: 50 });
      const g = generateSnippet({ framework: 'pytorch', spec, stepsPerEpoch: 50, optimizer: 'momentum' });
      const [call] = parseSchedulerCalls(`optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)\n${g.code}`);
      assert.ok(call, policy);
      const { stepsPerEpoch: _spe, ...want } = g.schedule as unknown as Record<string, unknown>;
      const got = call.spec as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(want)) {
        if (key === 'stepsPerEpoch' || key === 'maxLr' && policy === 'sgdr') continue;
        if (policy === 'one-cycle' && (key === 'epochs' || key === 'stepsPerEpoch')) continue;
        assert.deepEqual(got[key], value, `${policy}.${key}`);
      }
    }
  });

  it('reads the warm-up schedules back from the SequentialLR chains we write (PyTorch and Lightning)', () => {
    const specs = [
      ...WARMUP_POLICIES.map((policy) => defaultSnippetSpec(policy, { maxLr: 0.02, stepsPerEpoch: 50, epochs: 10 })),
      { policy: 'wsd', maxLr: 0.03, totalSteps: 400, warmupSteps: 20, warmupStartFactor: 0.1, decaySteps: 90, cooldown: '1-sqrt' },
      { policy: 'warmup-cosine', maxLr: 0.03, totalSteps: 400, warmupSteps: 7, etaMin: 1e-5 },
    ] as ScheduleSpec[];
    for (const spec of specs) {
      for (const framework of ['pytorch', 'lightning'] as const) {
        const g = generateSnippet({ framework, spec, stepsPerEpoch: 50, optimizer: 'momentum' });
        const calls = parseSchedulerCalls(`optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)\n${g.code}`);
        const label = `${framework} ${JSON.stringify(spec)}`;
        assert.equal(calls.length, 1, label);
        assert.equal(calls[0].className, 'SequentialLR', label);
        assert.deepEqual(calls[0].defaulted, [], label);
        const { stepsPerEpoch: _spe, ...want } = g.schedule as unknown as Record<string, unknown>;
        for (const [key, value] of Object.entries(want)) assert.deepEqual((calls[0].spec as unknown as Record<string, unknown>)[key], value, `${label}: ${key}`);
        // The chain starts at the comment above the peak-setting loop (plain PyTorch) or at its first scheduler
        // (the source above has one more line than the snippet).
        assert.match(g.code.split('\n')[(calls[0].firstLine as number) - 1], framework === 'pytorch' ? /^# These schedulers scale/ : /^ {4}scheduler_warmup = /);
      }
    }
  });

  it('reads step counts written with a name from its literal value, else as 1 (saying so); ignores other chains', () => {
    const chain = (spe: string) =>
      [
        `steps_per_epoch = ${spe}`,
        'for group in opt.param_groups:',
        '    group["lr"] = 0.05',
        'warm = LinearLR(opt, start_factor=0.01, end_factor=1.0, total_iters=2 * steps_per_epoch)',
        'decay = CosineAnnealingLR(opt, T_max=8 * steps_per_epoch, eta_min=0.0)',
        'sched = SequentialLR(opt, schedulers=[warm, decay], milestones=[2 * steps_per_epoch])',
      ].join('\n');
    const [known] = parseSchedulerCalls(chain('100'));
    assert.deepEqual(known.spec, { policy: 'warmup-cosine', maxLr: 0.05, totalSteps: 1000, warmupSteps: 200, warmupStartFactor: 0.01, etaMin: 0 });
    assert.equal(known.firstLine, 1);
    const [unknown] = parseSchedulerCalls(chain('len(train_loader)'));
    assert.equal((unknown.spec as { totalSteps: number }).totalSteps, 10);
    assert.deepEqual(unknown.defaulted, ['steps_per_epoch (taken as 1)']);
    // Not a warm-up schedule: a step decay chained after an exponential one.
    assert.deepEqual(parseSchedulerCalls('a = StepLR(opt, 10)\nb = ExponentialLR(opt, 0.9)\ns = SequentialLR(opt, schedulers=[a, b], milestones=[5])'), []);
  });

  it('detects the framework from imports', () => {
    assert.equal(detectFramework('import torch\nimport lightning as L\n', 'python'), 'lightning');
    assert.equal(detectFramework('from fastai.vision.all import *\nimport torch', 'python'), 'fastai');
    assert.equal(detectFramework('import keras\n', 'python'), 'keras');
    assert.equal(detectFramework('import tensorflow as tf\n', 'python'), 'keras');
    assert.equal(detectFramework('import torch.nn as nn\n', 'python'), 'pytorch');
    assert.equal(detectFramework('x = 1  # torch\n', 'python'), undefined);
    assert.equal(detectFramework('', 'typescript'), 'tfjs');
  });
});
