// `clr insert` through the real bundle: stdout vs --write, and usage errors (exit 2, one `error:` line).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../support/pythonOracle';
import { testTempDir } from '../../support/tempDirs';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const clr = (...args: string[]) => spawnSync(process.execPath, [CLI, 'insert', ...args], { encoding: 'utf8' });
const SCRIPT = 'import torch\noptimizer = torch.optim.Adam(m.parameters())\nfor x in loader:\n    optimizer.step()\n';

function expectUsageError(args: string[], ...patterns: RegExp[]): void {
  const r = clr(...args);
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^error: /);
  for (const p of patterns) assert.match(lines[0], p);
}

describe('clr insert', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = testTempDir('clr-insert-');
    file = path.join(dir, 'train.py');
    writeFileSync(file, SCRIPT);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the edited file and notes on stderr; --write edits the file instead', () => {
    const printed = clr(file, '--policy', 'warmup-cosine', '--max-lr', '0.001', '--total-steps', '100');
    assert.equal(printed.status, 0, printed.stderr);
    assert.match(printed.stdout, /scheduler = SequentialLR\(/);
    assert.match(printed.stdout, /optimizer\.step\(\)\n {4}scheduler\.step\(\)\n$/);
    assert.equal(readFileSync(file, 'utf8'), SCRIPT);

    const written = clr(file, '--policy', 'triangular', '--base-lr', '0.001', '--max-lr', '0.01', '--write');
    assert.equal(written.status, 0, written.stderr);
    assert.equal(written.stdout, '');
    assert.match(written.stderr, /note: Adam has no momentum to cycle on this torch: cycle_momentum=False\./);
    assert.match(written.stderr, /note: inserted the scheduler in .*train\.py \(line \d+\)/);
    assert.match(readFileSync(file, 'utf8'), /cycle_momentum=False/);
    // Again: the call is updated, not duplicated.
    clr(file, '--policy', 'triangular', '--base-lr', '0.002', '--max-lr', '0.02', '--write');
    const twice = readFileSync(file, 'utf8');
    assert.equal(twice.split('CyclicLR(').length - 1, 1, twice);
    assert.match(twice, /base_lr=0\.002,/);
  });

  it('--torch-version 2.3 lets CyclicLR cycle Adam’s beta1', () => {
    const r = clr(file, '--policy', 'triangular', '--torch-version', '2.3.1');
    assert.match(r.stdout, /cycle_momentum=True, {2}# torch 2\.3\.1: cycles Adam's beta1/);
  });

  it('refuses bad input with one error line', () => {
    expectUsageError([path.join(dir, 'missing.py'), '--policy', 'triangular'], /missing\.py: no such file/);
    expectUsageError([file], /--policy is required/);
    expectUsageError([], /which file/);
    writeFileSync(file, 'import torch\n');
    expectUsageError([file, '--policy', 'triangular'], /no optimizer is created in this file/);
    expectUsageError([file, '--policy', 'triangular', '--framework', 'keras'], /--framework/);
    expectUsageError([file, '--policy', 'triangular', '--scheduler-var', '2x'], /not a Python name|no optimizer/);
  });
});
