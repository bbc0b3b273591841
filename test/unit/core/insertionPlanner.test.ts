// The insertion planner on small sources: what a user sees in the edited file. (The corpus test runs whole
// scripts with torch; this one pins the edge cases.)

import assert from 'node:assert/strict';
import { applyEdits, planInsertion, roundScheduleRates } from '../../../src/core/insertion/planner';
import { isUserError } from '../../../src/core/errors';
import { roundBounds } from '../../../src/core/pythonNumbers';
import { providesOwnModel } from '../../../src/core/frameworkDetection';

const LOOP = ['for epoch in range(3):', '    for x, y in loader:', '        optimizer.step()', ''].join('\n');
const cyclic = { policy: 'triangular' as const, baseLr: 0.001, maxLr: 0.01, stepSizeUp: 40 };

describe('insertion planner', () => {
  it('rounds to 3 significant digits, 4 when 3 would make base ≥ max', () => {
    assert.deepEqual(roundBounds(0.03183836259260234, 0.3183836259260234), { baseLr: 0.0318, maxLr: 0.318 });
    assert.deepEqual(roundBounds(0.012341, 0.012349), { baseLr: 0.01234, maxLr: 0.01235 });
    assert.deepEqual(roundBounds(0.0123451, 0.0123452), { baseLr: 0.0123451, maxLr: 0.0123452 }, 'exact when 4 digits are not enough');
    const spec = roundScheduleRates({ policy: 'sgdr', maxLr: 0.123456, t0: 2, etaMin: 1.23456e-5 });
    assert.deepEqual(spec, { policy: 'sgdr', maxLr: 0.123, t0: 2, etaMin: 0.0000123 });
  });

  it('merges the import into an existing `from torch.optim.lr_scheduler import`', () => {
    const source = ['import torch', 'from torch.optim.lr_scheduler import StepLR', 'optimizer = torch.optim.SGD(p, lr=0.1)', LOOP].join('\n');
    const plan = planInsertion({ source, framework: 'pytorch', spec: cyclic });
    assert.match(plan.result, /^from torch\.optim\.lr_scheduler import StepLR, CyclicLR$/m);
    assert.equal(plan.result.split('import CyclicLR').length + plan.result.split(', CyclicLR').length, 3);
  });

  it('puts the import after a module docstring and __future__ imports, before the code', () => {
    const source = ['"""Training.', '', 'Long docstring."""', 'from __future__ import annotations', 'import torch', '', 'optimizer = torch.optim.SGD(p, lr=0.1)', LOOP].join('\n');
    const lines = planInsertion({ source, framework: 'pytorch', spec: cyclic }).result.split('\n');
    assert.equal(lines[5], 'from torch.optim.lr_scheduler import CyclicLR');
  });

  it('drives the optimizer nearest above the cursor, or the one named; refuses a file without one', () => {
    const source = ['import torch', 'opt_d = torch.optim.Adam(d.parameters())', 'opt_g = torch.optim.SGD(g.parameters(), lr=0.1, momentum=0.9)', 'for x in data:', '    opt_d.step()', '    opt_g.step()', ''].join('\n');
    const nearest = planInsertion({ source, framework: 'pytorch', spec: cyclic, cursorLine: 1 });
    assert.equal(nearest.optimizer?.variable, 'opt_d');
    assert.match(nearest.result, /cycle_momentum=False/);
    assert.match(nearest.result, /opt_d\.step\(\)\n {4}scheduler\.step\(\)\n {4}opt_g\.step\(\)/);
    const named = planInsertion({ source, framework: 'pytorch', spec: cyclic, optimizerVar: 'opt_g' });
    assert.equal(named.optimizer?.kind, 'momentum');
    assert.match(named.result, /opt_g\.step\(\)\n {4}scheduler\.step\(\)\n$/);
    assert.throws(
      () => planInsertion({ source: 'import torch\n', framework: 'pytorch', spec: cyclic }),
      (e: unknown) => isUserError(e) && /no optimizer is created in this file/.test(e.message),
    );
  });

  it('reads self.optimizer and SGD without momentum (cycling would switch momentum on)', () => {
    const source = ['class Trainer:', '    def __init__(self, model):', '        self.optimizer = torch.optim.SGD(model.parameters(), lr=0.1)', ''].join('\n');
    const plan = planInsertion({ source, framework: 'pytorch', spec: cyclic });
    assert.match(plan.result, /\n {8}self\.scheduler = CyclicLR\(\n {12}self\.optimizer,\n {12}base_lr=0\.001,/);
    assert.match(plan.result, /cycle_momentum=False, {2}# SGD built with momentum=0/);
    assert.equal(plan.step, 'none');
  });

  it('does not step in a loop of another function, and says where to', () => {
    const source = ['import torch', 'def train(model, optimizer, loader):', '    for x in loader:', '        optimizer.step()', '', 'def main():', '    optimizer = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)', '    train(m, optimizer, loader)', ''].join('\n');
    const plan = planInsertion({ source, framework: 'pytorch', spec: cyclic });
    assert.equal(plan.step, 'none');
    assert.ok(plan.messages.some((m) => /called in train\(\): pass the scheduler there/.test(m)), plan.messages.join('\n'));
  });

  it('updates positional arguments in place and replaces a call of another class', () => {
    const source = ['from torch.optim.lr_scheduler import CyclicLR', 'optimizer = torch.optim.SGD(p, lr=0.1, momentum=0.9)', 'sched = CyclicLR(optimizer, 1e-5, 1e-3, step_size_down=10)', LOOP].join('\n');
    const updated = planInsertion({ source, framework: 'pytorch', spec: cyclic });
    assert.equal(updated.action, 'updated');
    assert.match(updated.result, /sched = CyclicLR\(optimizer, 0\.001, 0\.01, step_size_down=10, step_size_up=40, mode="triangular", cycle_momentum=True\)/);
    assert.match(updated.result, /optimizer\.step\(\)\n {8}sched\.step\(\)/, 'the existing scheduler is stepped under its own name');
    assert.equal((updated.schedule as { stepSizeDown?: number }).stepSizeDown, 10, "the user's step_size_down is part of the schedule");

    const replaced = planInsertion({ source, framework: 'pytorch', spec: { policy: 'one-cycle', maxLr: 0.1, totalSteps: 100 } });
    assert.equal(replaced.action, 'replaced');
    assert.match(replaced.result, /^from torch\.optim\.lr_scheduler import CyclicLR, OneCycleLR$/m);
    assert.match(replaced.result, /sched = OneCycleLR\(\n {4}optimizer,\n {4}max_lr=0\.1,/);
    assert.doesNotMatch(replaced.result, /sched = CyclicLR/);
  });

  it('rebuilds a warm-up chain it wrote in place (Use last range test over SequentialLR), or replaces it', () => {
    const source = ['import torch', 'loader = make_loader()', 'optimizer = torch.optim.SGD(p, lr=0.1, momentum=0.9)', LOOP].join('\n');
    const wsd = { policy: 'wsd' as const, maxLr: 0.05, totalSteps: 100, warmupSteps: 5, decaySteps: 20 };
    const first = planInsertion({ source, framework: 'pytorch', spec: wsd, stepsPerEpoch: 5 }).result;
    const again = planInsertion({ source: first, framework: 'pytorch', spec: { ...wsd, maxLr: 0.07, cooldown: '1-sqrt' }, stepsPerEpoch: 5 });
    assert.equal(again.action, 'updated');
    assert.equal(again.result.match(/SequentialLR\(/g)?.length, 1, again.result);
    assert.equal(again.result.match(/# Cyclical LR:/g)?.length, 1, 'one provenance comment');
    assert.equal(again.result.match(/^steps_per_epoch = /gm)?.length, 1);
    assert.equal(again.result.match(/scheduler\.step\(\)/g)?.length, 1, 'stepped once');
    assert.match(again.result, /group\["lr"\] = 0\.07\n/);
    assert.match(again.result, /scheduler_decay = LambdaLR\(optimizer, lr_lambda=lambda k: 1 - math\.sqrt/);
    assert.doesNotMatch(again.result, /= 0\.05\n|scheduler_decay = LinearLR/);
    assert.deepEqual(again.schedule, { ...wsd, maxLr: 0.07, cooldown: '1-sqrt' });

    const replaced = planInsertion({ source: again.result, framework: 'pytorch', spec: cyclic });
    assert.equal(replaced.action, 'replaced');
    assert.doesNotMatch(replaced.result, /SequentialLR\(|param_groups|scheduler_warmup/);
    assert.match(replaced.result, /scheduler = CyclicLR\(/);

    // A chain kept on an object (self.scheduler_warmup, ...) is read and rebuilt too.
    const onSelf = source.replace(/optimizer/g, 'self.optimizer');
    const selfFirst = planInsertion({ source: onSelf, framework: 'pytorch', spec: wsd }).result;
    const selfAgain = planInsertion({ source: selfFirst, framework: 'pytorch', spec: { ...wsd, maxLr: 0.07 } });
    assert.equal(selfAgain.action, 'updated');
    assert.equal(selfAgain.result.match(/self\.scheduler = SequentialLR\(/g)?.length, 1, selfAgain.result);
  });

  it('Lightning: returns the step-interval dict from configure_optimizers that returned a name', () => {
    const source = [
      'import torch',
      'import pytorch_lightning as pl',
      'class M(pl.LightningModule):',
      '    def configure_optimizers(self):',
      '        opt = torch.optim.Adam(self.parameters(), lr=1e-3)',
      '        return opt',
      '',
    ].join('\n');
    const plan = planInsertion({ source, framework: 'lightning', spec: { policy: 'one-cycle', maxLr: 0.01, totalSteps: 500 } });
    assert.match(plan.result, /\n {8}return \{"optimizer": opt, "lr_scheduler": \{"scheduler": scheduler, "interval": "step", "frequency": 1\}\}\n/);
    assert.doesNotMatch(plan.result, /return opt\n/);
    assert.match(plan.result, /cycle_momentum=True, {2}# cycles Adam's beta1/);
    assert.throws(
      () => planInsertion({ source: 'class M:\n    pass\n', framework: 'lightning', spec: cyclic }),
      (e: unknown) => isUserError(e) && /configure_optimizers/.test(e.message),
    );
  });

  it('edits are non-overlapping and apply to the original source', () => {
    const source = ['import torch', 'optimizer = torch.optim.SGD(p, lr=0.1, momentum=0.9)', LOOP].join('\n');
    const plan = planInsertion({ source, framework: 'pytorch', spec: cyclic });
    for (let i = 1; i < plan.edits.length; i++) assert.ok(plan.edits[i - 1].end <= plan.edits[i].start);
    assert.equal(applyEdits(source, plan.edits), plan.result);
  });

  it('knows when the range test can train the file’s own model', () => {
    assert.equal(providesOwnModel('def setup():\n    return {}\n'), true);
    assert.equal(providesOwnModel('model = M()\ntrain_loader = L()\ncriterion = C()\n'), true);
    assert.equal(providesOwnModel('model = M()\ntrain_loader = L()\n'), false);
  });
});
