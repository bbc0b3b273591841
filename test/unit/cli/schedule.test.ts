// `clr schedule` through the real bundle: output formats, and one `error:` line with exit 2 for bad input.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../../support/pythonOracle';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');

function clr(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'schedule', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectUsageError(args: string[], ...patterns: RegExp[]): void {
  const r = clr(...args);
  assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^error: /);
  assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/, 'no stack trace');
  for (const p of patterns) assert.match(lines[0], p);
}

describe('clr schedule', () => {
  it('prints JSON {policy, lr, momentum} with one value per step', () => {
    const r = clr('--policy', 'triangular', '--base-lr', '0.001', '--max-lr', '0.006', '--step-size-up', '2', '--steps', '6');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ['policy', 'lr', 'momentum']);
    assert.equal(out.policy, 'triangular');
    assert.deepEqual(out.lr, [0.001, 0.0035, 0.006, 0.0035, 0.001, 0.0035]);
    assert.equal(out.momentum.length, 6);
    assert.equal(out.momentum[2], 0.8);
  });

  it('prints null momentum where the scheduler does not cycle it, and CSV on request', () => {
    const json = JSON.parse(clr('--policy', 'cosine', '--max-lr', '0.1', '--t-max', '4', '--steps', '5').stdout);
    assert.equal(json.momentum, null);
    assert.equal(json.lr[4], 0);
    const csv = clr('--policy', 'one-cycle', '--max-lr', '0.1', '--total-steps', '10', '--format', 'csv');
    assert.equal(csv.code, 0, csv.stderr);
    const lines = csv.stdout.trim().split('\n');
    assert.equal(lines[0], 'step,lr,momentum');
    assert.equal(lines.length, 11, 'defaults to total_steps rows');
    assert.equal(lines[3], '2,0.1,0.85');
    const noMomentum = clr('--policy', 'sgdr', '--max-lr', '0.1', '--t0', '2', '--steps', '3', '--format', 'csv');
    assert.equal(noMomentum.stdout, 'step,lr\n0,0.1\n1,0.05\n2,0.1\n');
  });

  it('warns on stderr about legal but suspicious settings, without failing', () => {
    const r = clr('--policy', 'triangular', '--base-lr', '0.1', '--max-lr', '0.01', '--step-size-up', '10', '--steps-per-epoch', '50', '--steps', '3');
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^warning: max_lr .* not above base_lr/m);
    assert.match(r.stderr, /^warning: step_size_up \(10\) is below one epoch \(50/m);
    JSON.parse(r.stdout);
  });

  it('shows help', () => {
    const r = clr('--help');
    assert.equal(r.code, 0);
    for (const flag of ['--step-size-down', '--scale-mode', '--three-phase', '--t-mult', '--t-max', '--final-div-factor', '--format']) {
      assert.ok(r.stdout.includes(flag), flag);
    }
  });

  it('refuses bad flags naming the flag and the allowed values', () => {
    expectUsageError(['--policy', 'cyclic'], /--policy/, /triangular, triangular2, exp_range, one-cycle, sgdr, cosine/);
    expectUsageError(['--max-lr', '0.1'], /--policy is required/, /one-cycle/);
    expectUsageError(['--policy', 'one-cycle', '--max-lr', '0.1', '--anneal-strategy', 'cosine'], /--anneal-strategy/, /cos, linear/);
    expectUsageError(['--policy', 'sgdr', '--max-lr', '0.1', '--t0', '10', '--t-mult', '1.5'], /--t-mult/, /integer ≥ 1/);
    expectUsageError(['--policy', 'one-cycle', '--max-lr', '0.1', '--total-steps', '100', '--pct-start', '1.5'], /--pct-start/, /≤ 1/);
    expectUsageError(['--policy', 'triangular', '--base-lr', '1e-3', '--max-lr', '1e-2', '--format', 'xml'], /--format/, /json, csv/);
    expectUsageError(['--policy', 'triangular', '--base-lr', '1e-3', '--max-lr', 'big'], /--max-lr/, /a number/);
    expectUsageError(['--policy', 'triangular', '--base-lr', '1e-3', '--max-lr', '1e-2', '--gamma', '0.99'], /--gamma is not used by --policy triangular/, /exp_range/);
    expectUsageError(['--policy', 'triangular', '--max-lr', '1e-2'], /needs --base-lr/);
    expectUsageError(['--policy', 'sgdr', '--max-lr', '0.1'], /needs --t0/, /integer ≥ 1/);
    expectUsageError(['--policy', 'triangular2', '--base-lr', '1e-3', '--max-lr', '1e-2', '--scale-mode', 'iterations'], /--scale-mode/, /'cycle'/);
    expectUsageError(['--policy', 'triangular', '--base-lr', '1e-3', '--max-lr', '1e-2', '--stepsize', '5'], /unknown flag --stepsize/, /--step-size-up/);
  });

  it('refuses what PyTorch refuses, quoting it', () => {
    expectUsageError(['--policy', 'one-cycle', '--max-lr', '0.1', '--total-steps', '10', '--steps', '12'], /--steps/, /Tried to step 12 times\. The specified number of total steps is 10/);
    expectUsageError(['--policy', 'one-cycle', '--max-lr', '0.1', '--total-steps', '10', '--pct-start', '0.1'], /--pct-start/, /ZeroDivisionError/);
    expectUsageError(['--policy', 'one-cycle', '--max-lr', '0.1', '--epochs', '3'], /--steps-per-epoch/, /Expected positive integer steps_per_epoch/);
    expectUsageError(['--policy', 'exp_range', '--base-lr', '1e-3', '--max-lr', '1e-2', '--gamma', '2', '--steps', '3000'], /--gamma/, /OverflowError/);
  });
});
