// `clr snippet` through the real bundle: output formats and usage errors.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../../support/pythonOracle';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const clr = (...args: string[]) => spawnSync(process.execPath, [CLI, 'snippet', ...args], { encoding: 'utf8' });

function expectUsageError(args: string[], ...patterns: RegExp[]): void {
  const r = clr(...args);
  assert.equal(r.status, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^error: /);
  for (const p of patterns) assert.match(lines[0], p);
}

describe('clr snippet', () => {
  it('prints plain code, snippet syntax, or JSON', () => {
    const code = clr('--framework', 'pytorch', '--policy', 'sgdr', '--max-lr', '0.05', '--t0', '3', '--steps-per-epoch', '100');
    assert.equal(code.status, 0, code.stderr);
    assert.match(code.stdout, /CosineAnnealingWarmRestarts\(/);
    assert.match(code.stdout, /group\["lr"\] = 0\.05/);
    assert.match(code.stdout, /scheduler\.step\(epoch \+ \(i \+ 1\) \/ iters\)/);
    const snippet = clr('--framework', 'pytorch', '--policy', 'sgdr', '--max-lr', '0.05', '--t0', '3', '--format', 'snippet');
    assert.match(snippet.stdout, /group\["lr"\] = \$\{1:0\.05\}/);
    const json = JSON.parse(clr('--framework', 'lightning', '--policy', 'one-cycle', '--max-lr', '0.1', '--rows', '1000', '--batch-size', '32', '--format', 'json').stdout);
    assert.equal(json.language, 'python');
    assert.deepEqual(json.schedule, { policy: 'one-cycle', maxLr: 0.1, epochs: 10, stepsPerEpoch: 32, cycleMomentum: true });
  });

  it('refuses bad input naming the flag and the allowed values', () => {
    expectUsageError(['--policy', 'triangular'], /--framework is required/, /pytorch, lightning, keras, tfjs, fastai/);
    expectUsageError(['--framework', 'jax', '--policy', 'triangular'], /--framework/, /pytorch, lightning, keras, tfjs, fastai/);
    expectUsageError(['--framework', 'pytorch', '--policy', 'cosine'], /--policy/, /triangular, triangular2, exp_range, one-cycle, sgdr/);
    expectUsageError(['--framework', 'pytorch', '--policy', 'triangular', '--optimizer', 'lion'], /--optimizer/, /sgd, momentum, nesterov, adam, adamw, rmsprop/);
    expectUsageError(['--framework', 'pytorch', '--policy', 'triangular', '--rows', '100'], /--rows and --batch-size go together/);
    expectUsageError(['--framework', 'pytorch', '--policy', 'triangular', '--optimizer-var', '2opt'], /not a valid identifier/);
    expectUsageError(['--framework', 'keras', '--policy', 'sgdr', '--t-mult', '0'], /--t-mult/, /integer ≥ 1/);
  });
});
