// The insertion planner on a corpus of realistic training scripts (test/fixtures/training): each is edited by
// `clr insert`, then run with real torch; the rate it logs at every optimizer step must equal `clr schedule` for
// the configuration `clr insert` reports (≤ 1e-9 relative), and the edit must look as a person would write it.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { ScheduleSpec } from '../../../src/core/schedules';
import { REPO_ROOT, torchPython } from '../../support/pythonOracle';
import { REL_TOL, relErr, scheduleCliArgs } from '../../support/scheduleCases';
import { testTempDir } from '../../support/tempDirs';

const run = promisify(execFile);
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const CORPUS = path.join(REPO_ROOT, 'test', 'fixtures', 'training');
const LIGHTNING_STANDIN = path.join(REPO_ROOT, 'test', 'support', 'lightning_standin');

interface InsertOutput {
  action: 'inserted' | 'updated' | 'replaced';
  step: 'loop' | 'existing' | 'lightning' | 'none';
  schedule: ScheduleSpec;
  messages: string[];
  source: string;
}

interface CorpusCase {
  name: string;
  file: string;
  args: string[];
  /** Steps the script's log must have (its loop's optimizer steps). */
  steps: number;
  /** What the edited file must show, beyond training exactly as `clr schedule` says. */
  check: (edited: string, out: InsertOutput, original: string) => void;
  /** For a file without a loop: the training the inserted comment asks for, appended to the script. */
  driver?: string;
}

const FROM = ['--bounds-from', 'range test on data/train.csv, 2026-12-02'];

function once(text: string, what: string): void {
  assert.equal(text.split(what).length - 1, 1, `expected exactly one ${JSON.stringify(what)} in:\n${text}`);
}

/** The import sits with the file's imports (before any other statement), once. */
function importAtTop(edited: string, name: string): void {
  const lines = edited.split('\n');
  const importLine = lines.findIndex((l) => l.startsWith('from torch.optim.lr_scheduler import') && l.includes(name));
  assert.ok(importLine >= 0, `no import of ${name}`);
  const firstCode = lines.findIndex((l) => /^[A-Za-z_]/.test(l) && !/^(import|from)\s/.test(l));
  assert.ok(importLine < firstCode, `the import (line ${importLine + 1}) comes after code (line ${firstCode + 1})`);
  assert.equal(lines.filter((l) => /^from torch\.optim\.lr_scheduler import/.test(l)).length, 1, 'one import line');
}

/** `scheduler.step()` directly follows `after` (same indentation). */
function stepsRightAfter(edited: string, after: RegExp, call = 'scheduler.step()'): void {
  const lines = edited.split('\n');
  const i = lines.findIndex((l) => after.test(l));
  assert.ok(i >= 0, `no line matching ${after}`);
  assert.equal(lines[i + 1].trim(), call, `line after ${lines[i].trim()}: ${lines[i + 1]}`);
  assert.equal(/^\s*/.exec(lines[i + 1])?.[0], /^\s*/.exec(lines[i])?.[0], 'same indentation');
}

/** Every number written is short: at most 4 significant digits. */
function tidyNumbers(edited: string): void {
  for (const m of edited.matchAll(/\b(?:base_lr|max_lr|eta_min)=([0-9.e-]+)/g)) {
    const digits = m[1].replace(/e.*$/, '').replace(/^[0.]+/, '').replace('.', '');
    assert.ok(digits.length <= 4, `long number ${m[0]}`);
  }
}

const CASES: CorpusCase[] = [
  {
    name: 'plain loop, SGD with momentum, triangular',
    file: 'plain_loop.py',
    args: ['--policy', 'triangular', '--base-lr', '0.0031838362592602344', '--max-lr', '0.031838362592602344', '--steps-per-epoch', '6', ...FROM],
    steps: 36,
    check: (edited, out) => {
      importAtTop(edited, 'CyclicLR');
      stepsRightAfter(edited, /^\s+optimizer\.step\(\)$/);
      once(edited, 'steps_per_epoch = len(train_loader)');
      assert.match(edited, /base_lr=0\.00318,/);
      assert.match(edited, /max_lr=0\.0318,/);
      assert.match(edited, /step_size_up=4 \* steps_per_epoch,/);
      assert.match(edited, /# Cyclical LR: numbers from the range test on data\/train\.csv, 2026-12-02\./);
      assert.match(edited, /cycle_momentum=True/);
      assert.match(edited, /\)\n\nlr_log = \[\]/, 'the blank line after the scheduler stays');
      tidyNumbers(edited);
      assert.equal(out.action, 'inserted');
    },
  },
  {
    name: 'plain loop, linear warm-up then linear decay to zero',
    file: 'plain_loop.py',
    args: ['--policy', 'linear-decay', '--max-lr', '0.05', '--total-steps', '36', '--warmup-steps', '6', '--steps-per-epoch', '6'],
    steps: 36,
    check: (edited) => {
      importAtTop(edited, 'SequentialLR');
      assert.match(edited, /LinearLR\(optimizer, start_factor=1\.0, end_factor=0\.0, total_iters=5 \* steps_per_epoch\)/);
      assert.match(edited, /milestones=\[1 \* steps_per_epoch\]/);
      stepsRightAfter(edited, /^\s+optimizer\.step\(\)$/);
    },
  },
  {
    name: 'gradient accumulation, nesterov SGD, one-cycle',
    file: 'accumulation.py',
    args: ['--policy', 'one-cycle', '--max-lr', '0.3', '--epochs', '5', '--steps-per-epoch', '4', ...FROM],
    steps: 20,
    check: (edited) => {
      stepsRightAfter(edited, /^\s+optimizer\.step\(\)$/, 'scheduler.step()');
      assert.match(edited, /\n {12}optimizer\.step\(\)\n {12}scheduler\.step\(\)\n/, 'inside the accumulation block');
      once(edited, 'steps_per_epoch = len(train_loader) // accum_steps');
      assert.match(edited, /cycle_momentum=True/);
    },
  },
  {
    name: 'AMP with GradScaler, triangular2',
    file: 'amp_scaler.py',
    args: ['--policy', 'triangular2', '--base-lr', '0.001', '--max-lr', '0.01', '--step-size-up', '8', '--steps-per-epoch', '8'],
    steps: 32,
    check: (edited) => {
      stepsRightAfter(edited, /^\s+scaler\.update\(\)$/);
      assert.match(edited, /scaler\.step\(optimizer\)\n\s+scaler\.update\(\)\n\s+scheduler\.step\(\)/);
      assert.match(edited, /step_size_up=1 \* steps_per_epoch,/);
    },
  },
  {
    name: 'two parameter groups, exp_range',
    file: 'two_param_groups.py',
    args: ['--policy', 'exp_range', '--base-lr', '0.0001', '--max-lr', '0.005', '--gamma', '0.99', '--steps-per-epoch', '6', '--epochs-per-half-cycle', '2'],
    steps: 30,
    check: (edited) => {
      // The optimizer call spans several lines: the scheduler comes after its closing parenthesis.
      assert.match(edited, /momentum=0\.9,\n\)\n# Cyclical LR:/);
      assert.match(edited, /gamma=0\.99,/);
    },
  },
  {
    name: 'Adam: cycle_momentum=False, or torch 1.13 raises',
    file: 'adam.py',
    args: ['--policy', 'triangular', '--base-lr', '0.0001', '--max-lr', '0.003', '--steps-per-epoch', '10', '--epochs-per-half-cycle', '2'],
    steps: 60,
    check: (edited, out) => {
      assert.match(edited, /cycle_momentum=False,\s+# Adam has no `momentum`/);
      assert.doesNotMatch(edited, /base_momentum/);
      assert.ok(out.messages.some((m) => /Adam has no momentum/.test(m)), out.messages.join('\n'));
    },
  },
  {
    name: 'SGD with momentum inside main(), one-cycle cycling momentum',
    file: 'sgd_momentum_onecycle.py',
    args: ['--policy', 'one-cycle', '--max-lr', '0.5', '--epochs', '8', '--steps-per-epoch', '5'],
    steps: 40,
    check: (edited) => {
      assert.match(edited, /\n {4}optimizer = optim\.SGD\(.*\)\n {4}# Cyclical LR: numbers from the values given to clr insert\./);
      assert.match(edited, /\n {4}steps_per_epoch = len\(train_loader\)/);
      stepsRightAfter(edited, /^\s+optimizer\.step\(\)$/);
    },
  },
  {
    name: 'epoch-based SGDR with the fractional epoch',
    file: 'sgdr_epochs.py',
    args: ['--policy', 'sgdr', '--max-lr', '0.05', '--t0', '2', '--t-mult', '2', '--eta-min', '0.0001', '--steps-per-epoch', '5'],
    steps: 35,
    check: (edited, out) => {
      stepsRightAfter(edited, /^\s+optimizer\.step\(\)$/, 'scheduler.step(epoch + (i + 1) / steps_per_epoch)');
      assert.match(edited, /T_0=2,\s+# epochs until the first restart/);
      assert.equal((out.schedule as { stepsPerEpoch?: number }).stepsPerEpoch, 5);
    },
  },
  {
    name: 'Lightning module: configure_optimizers returns the step-interval dict (stand-in trainer)',
    file: 'lightning_module.py',
    args: ['--framework', 'lightning', '--policy', 'warmup-cosine', '--max-lr', '0.001', '--total-steps', '40', '--warmup-steps', '4', '--steps-per-epoch', '8'],
    steps: 40,
    check: (edited, out) => {
      assert.match(edited, /\n {8}optimizer = torch\.optim\.AdamW\(self\.parameters\(\), lr=3e-4, weight_decay=0\.01\)\n/);
      assert.match(edited, /return \{"optimizer": optimizer, "lr_scheduler": \{"scheduler": scheduler, "interval": "step", "frequency": 1\}\}/);
      assert.doesNotMatch(edited, /return torch\.optim/);
      importAtTop(edited, 'CosineAnnealingLR');
      assert.equal(out.step, 'lightning');
    },
  },
  {
    name: 'existing CyclicLR updated in place, keeping the other arguments and comments',
    file: 'existing_cyclic.py',
    args: ['--policy', 'triangular', '--base-lr', '0.0002', '--max-lr', '0.004', '--steps-per-epoch', '10', ...FROM],
    steps: 60,
    check: (edited, out, original) => {
      assert.equal(out.action, 'updated');
      assert.equal(out.step, 'existing');
      once(edited, 'CyclicLR(');
      once(edited, 'scheduler.step()');
      assert.match(edited, /base_lr=0\.0002, {2}# old lower bound\n/);
      assert.match(edited, /max_lr=0\.004,\n/);
      assert.match(edited, /step_size_up=4 \* steps_per_epoch,\n/);
      assert.match(edited, /mode="triangular",\n/);
      assert.match(edited, /base_momentum=0\.85, {2}# tuned by hand\n {4}max_momentum=0\.95,\n/);
      assert.match(edited, /max_momentum=0\.95,\n {4}cycle_momentum=True, {2}# momentum moves opposite to the rate\n\)/);
      assert.equal(edited.split('\n').length, original.split('\n').length + 3, 'provenance, steps_per_epoch and cycle_momentum lines only');
      assert.equal((out.schedule as { baseMomentum?: number }).baseMomentum, 0.85);
    },
  },
  {
    name: 'existing OneCycleLR: peak and length change, pct_start and divisors stay',
    file: 'existing_onecycle.py',
    args: ['--policy', 'one-cycle', '--max-lr', '0.2', '--epochs', '4', '--steps-per-epoch', '8'],
    steps: 32,
    check: (edited, out) => {
      assert.equal(out.action, 'updated');
      assert.match(edited, /OneCycleLR\(optimizer, max_lr=0\.2, pct_start=0\.25, div_factor=10\.0, final_div_factor=100\.0, epochs=4, steps_per_epoch=steps_per_epoch, cycle_momentum=True\)/);
      assert.equal((out.schedule as { pctStart?: number }).pctStart, 0.25);
    },
  },
  {
    name: 'no loop: a comment says where to step, and a message says so',
    file: 'no_loop.py',
    args: ['--policy', 'one-cycle', '--max-lr', '0.01', '--total-steps', '30'],
    steps: 30,
    driver: [
      'import json, os',
      'lr_log = []',
      'for _ in range(30):',
      '    lr_log.append(optimizer.param_groups[0]["lr"])',
      '    optimizer.step()',
      '    scheduler.step()',
      'json.dump(lr_log, open(os.environ["LR_LOG"], "w"))',
    ].join('\n'),
    check: (edited, out) => {
      assert.equal(out.step, 'none');
      assert.match(edited, /# Call scheduler\.step\(\) once per batch, right after optimizer\.step\(\)/);
      assert.ok(out.messages.some((m) => /No training loop/.test(m)));
      assert.match(edited, /cycle_momentum=False,\s+# RMSprop/);
    },
  },
  {
    name: 'step-budgeted while loop, AdamW, warmup-stable-decay with a 1-sqrt cool-down',
    file: 'wsd_steps.py',
    args: ['--policy', 'wsd', '--max-lr', '0.0006', '--total-steps', '60', '--warmup-steps', '6', '--decay-steps', '12', '--cooldown', '1-sqrt', '--steps-per-epoch', '10'],
    steps: 60,
    check: (edited) => {
      importAtTop(edited, 'LambdaLR');
      assert.match(edited, /^import math$/m);
      stepsRightAfter(edited, /^\s+optimizer\.step\(\)$/);
    },
  },
];

describe('clr insert: a corpus of training scripts trains exactly as `clr schedule` says (real torch)', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = testTempDir('clr-insert-corpus-');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('covers the kinds of script the issue lists', () => {
    assert.ok(CASES.length >= 10);
    assert.ok(new Set(CASES.map((c) => c.file)).size >= 10);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      const fixture = path.join(CORPUS, c.file);
      const original = readFileSync(fixture, 'utf8');
      const { stdout } = await run(process.execPath, [CLI, 'insert', fixture, '--format', 'json', ...c.args]);
      const out = JSON.parse(stdout) as InsertOutput;
      assert.equal(readFileSync(fixture, 'utf8'), original, 'clr insert without --write leaves the file alone');
      c.check(out.source, out, original);

      const script = path.join(dir, c.file);
      writeFileSync(script, c.driver ? `${out.source}\n${c.driver}\n` : out.source);
      const log = path.join(dir, `${c.file}.${c.args[1]}.json`);
      await run(torchPython(), [script], {
        cwd: dir,
        env: { ...process.env, LR_LOG: log, PYTHONPATH: LIGHTNING_STANDIN, PYTHONWARNINGS: 'ignore' },
      }).catch((error: { stderr?: string }) => assert.fail(`the edited ${c.file} failed:\n${error.stderr}\n--- edited file ---\n${out.source}`));
      const logged = JSON.parse(readFileSync(log, 'utf8')) as number[] | { lr: number[]; momentum: number[] };
      const lr = Array.isArray(logged) ? logged : logged.lr;
      assert.equal(lr.length, c.steps, 'optimizer steps logged');

      const expected = JSON.parse((await run(process.execPath, [CLI, ...scheduleCliArgs(out.schedule, lr.length)])).stdout) as { lr: number[]; momentum: number[] | null };
      lr.forEach((value, t) => assert.ok(relErr(value, expected.lr[t]) <= REL_TOL, `step ${t}: the script trained with ${value}, clr schedule says ${expected.lr[t]}`));
      assert.ok(new Set(lr).size > 2, 'the rate changes during training');
      if (!Array.isArray(logged)) {
        assert.ok(expected.momentum, 'clr schedule cycles momentum too');
        logged.momentum.forEach((value, t) => assert.ok(relErr(value, (expected.momentum as number[])[t]) <= REL_TOL, `momentum at step ${t}`));
      }
    });
  }
});
