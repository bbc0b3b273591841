import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunFile } from '../../../src/core/runFile';
import { launchRanks, ROOT, runFiles, runPython, tempDir, torchPython } from './cyclicalLrSupport';

// The examples under examples/cyclical_lr run as a user would run them, from a folder of their own.

const EXAMPLES = join(ROOT, 'examples', 'cyclical_lr');

function onlyRun(dir: string) {
  const files = runFiles(join(dir, '.cyclical-lr', 'runs'));
  assert.equal(files.length, 1, `one run file in .cyclical-lr/runs (${files.join(', ')})`);
  return parseRunFile(readFileSync(files[0], 'utf8'), files[0]);
}

describe('examples/cyclical_lr (real torch)', function () {
  this.timeout(180_000);
  before(() => torchPython());

  for (const [script, name] of [
    ['hf_style_model.py', 'hf-style'],
    ['notebook_style.py', 'notebook'],
  ]) {
    it(`${script} runs and writes its run to .cyclical-lr/runs`, () => {
      const dir = tempDir();
      const r = runPython([join(EXAMPLES, script)], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      const run = onlyRun(dir);
      assert.equal(run.header.name, name);
      assert.ok(run.end && ['completed', 'diverged'].includes(run.end.stopReason), run.end?.stopReason);
      assert.ok(run.steps.length >= 50);
    });
  }

  it('ddp_torchrun.py runs on two ranks (gloo, CPU) started as torchrun starts them', async () => {
    const dir = tempDir();
    const ranks = await launchRanks(join(EXAMPLES, 'ddp_torchrun.py'), [], 2, dir);
    ranks.forEach((r, i) => assert.equal(r.code, 0, `rank ${i}: ${r.stderr}`));
    const run = onlyRun(dir);
    assert.equal(run.header.worldSize, 2);
    const summaries = ranks.map((r) => /rank \d: (\S+) after (\d+) steps/.exec(r.stdout)?.slice(1));
    assert.deepEqual(summaries[0], summaries[1], 'both ranks stopped at the same step, for the same reason');
    assert.equal(Number(summaries[0]?.[1]), run.steps.length);
  });
});
