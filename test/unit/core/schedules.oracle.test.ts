// src/core/schedules/ against the real torch.optim.lr_scheduler (Debian python3-torch), and `clr schedule` likewise.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { SCHEDULE_POLICIES, WARMUP_POLICIES } from '../../../src/core/schedules';
import { REPO_ROOT, runPythonJson } from '../../support/pythonOracle';
import { Case, OracleResult, REL_TOL, makeCases, mismatch, relErr, scheduleCliArgs, tryCompute } from '../../support/scheduleCases';

function cliFlags(c: Case): string[] {
  return scheduleCliArgs(c.spec, c.steps);
}

describe('schedules: identical to torch.optim.lr_scheduler', function () {
  this.timeout(300_000);
  const cases = makeCases(20240611);
  let oracle: OracleResult[];

  before(() => {
    oracle = runPythonJson<OracleResult[]>('torch_schedule_oracle.py', cases);
    assert.equal(oracle.length, cases.length);
  });

  it('draws at least 200 configurations covering every policy and option', () => {
    assert.ok(cases.length >= 200, `${cases.length} cases`);
    const count = (f: (c: Case) => boolean) => cases.filter(f).length;
    const spec = (c: Case) => c.spec as unknown as Record<string, unknown>;
    for (const policy of SCHEDULE_POLICIES) {
      assert.ok(count((c) => c.spec.policy === policy) >= 30, policy);
    }
    const options: Array<[string, (c: Case) => boolean]> = [
      ['scale_mode iterations on triangular', (c) => c.spec.policy === 'triangular' && spec(c).scaleMode === 'iterations'],
      ['scale_mode cycle on exp_range', (c) => c.spec.policy === 'exp_range' && spec(c).scaleMode === 'cycle'],
      ['fractional step size', (c) => typeof spec(c).stepSizeUp === 'number' && !Number.isInteger(spec(c).stepSizeUp)],
      ['step_size_down', (c) => spec(c).stepSizeDown !== undefined],
      ['cycle_momentum false', (c) => spec(c).cycleMomentum === false],
      ['one-cycle by epochs', (c) => spec(c).epochs !== undefined],
      ['three_phase', (c) => spec(c).threePhase === true],
      ['linear anneal', (c) => spec(c).annealStrategy === 'linear'],
      ['Adam beta1', (c) => c.spec.policy === 'one-cycle' && c.optimizer === 'adam' && spec(c).cycleMomentum !== false],
      ['sgdr per batch', (c) => c.spec.policy === 'sgdr' && spec(c).stepsPerEpoch !== undefined],
      ['sgdr per epoch', (c) => c.spec.policy === 'sgdr' && spec(c).stepsPerEpoch === undefined],
      ['T_mult > 1', (c) => (spec(c).tMult as number) > 1],
      ['eta_min > 0', (c) => (spec(c).etaMin as number) > 0],
      ['warm-up', (c) => (spec(c).warmupSteps as number) > 0],
      ['no warm-up', (c) => c.spec.policy !== 'wsd' && (spec(c).warmupSteps ?? 0) === 0 && (WARMUP_POLICIES as readonly string[]).includes(c.spec.policy)],
      ['1-sqrt cool-down', (c) => spec(c).cooldown === '1-sqrt'],
      ['linear cool-down', (c) => c.spec.policy === 'wsd' && spec(c).cooldown !== '1-sqrt'],
      ['stepped past total_steps', (c) => (WARMUP_POLICIES as readonly string[]).includes(c.spec.policy) && c.steps > (spec(c).totalSteps as number) + 1],
    ];
    for (const [name, f] of options) assert.ok(count(f) >= 3, `too few cases with ${name}: ${count(f)}`);
    // Refusals must be exercised too, and most cases must be real schedules.
    const refused = oracle.filter((r) => 'error' in r).length;
    assert.ok(refused >= 3 && refused < cases.length / 5, `${refused} refusals`);
  });

  it(`matches PyTorch at every step with relative error ≤ ${REL_TOL}`, () => {
    const failures: string[] = [];
    let compared = 0;
    let worst = 0;
    cases.forEach((c, i) => {
      const ours = tryCompute(c);
      const problem = mismatch(ours, oracle[i]);
      if (problem) failures.push(`case ${i} ${JSON.stringify(c.spec)} steps=${c.steps} (${c.optimizer}): ${problem}`);
      const theirs = oracle[i];
      if (!(ours instanceof Error) && !('error' in theirs)) {
        compared += ours.lr.length + (ours.momentum?.length ?? 0);
        ours.lr.forEach((v, t) => (worst = Math.max(worst, relErr(v, theirs.lr[t]))));
      }
    });
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${cases.length} cases differ`);
    assert.ok(compared > 50_000, `only ${compared} values compared`);
    console.log(`      ${cases.length} configurations, ${compared} values, worst relative error ${worst.toExponential(2)}`);
  });

  it('`clr schedule` prints the same values as PyTorch (every 6th case, through the real CLI)', async () => {
    const run = promisify(execFile);
    const cli = path.join(REPO_ROOT, 'dist', 'cli.js');
    const subset = cases.map((c, i) => ({ c, i })).filter(({ i }) => i % 6 === 0 || i >= cases.length - 11);
    const failures: string[] = [];
    const queue = [...subset];
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const { c, i } = job;
        const argv = cliFlags(c);
        let ours: { lr: number[]; momentum: number[] | null } | Error;
        try {
          const { stdout } = await run(process.execPath, [cli, ...argv], { maxBuffer: 1 << 28 });
          const parsed = JSON.parse(stdout) as { policy: string; lr: number[]; momentum: number[] | null };
          assert.equal(parsed.policy, c.spec.policy);
          ours = parsed;
        } catch (error) {
          const e = error as { code?: number; stderr?: string };
          if (e.code !== 2) throw error;
          const lines = (e.stderr ?? '').trim().split('\n').filter((l) => !l.startsWith('warning:'));
          assert.equal(lines.length, 1, e.stderr);
          assert.match(lines[0], /^error: --[a-z-]+/);
          ours = new Error(lines[0]);
        }
        const problem = mismatch(ours, oracle[i]);
        if (problem) failures.push(`clr ${argv.join(' ')}: ${problem}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    assert.ok(subset.length >= 40);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} CLI runs differ`);
  });
});
