// Snippet text properties: tab stops, escaping, comments on where numbers come from, indentation.

import assert from 'node:assert/strict';
import { UserError } from '../../../src/core/errors';
import { defaultSnippetSpec, escapeSnippet, generateSnippet, SNIPPET_FRAMEWORKS, SNIPPET_POLICIES, snippetForRequest } from '../../../src/core/snippets';
import { RangeTestResult } from '../../../src/core/types';

describe('snippets', () => {
  it('turns every number into a tab stop, repeated numbers sharing one', () => {
    const g = generateSnippet({ framework: 'pytorch', spec: defaultSnippetSpec('triangular', { baseLr: 0.0002, maxLr: 0.03, stepsPerEpoch: 938 }), stepsPerEpoch: 938, optimizer: 'momentum' });
    assert.match(g.snippet, /base_lr=\$\{1:0\.0002\}/);
    assert.match(g.snippet, /max_lr=\$\{2:0\.03\}/);
    assert.match(g.snippet, /step_size_up=\$\{3:4\} \* \$\{4:938\}/);
    assert.match(g.code, /step_size_up=4 \* 938, {2}# 4 epochs × iterations per epoch/);
    const tfjs = generateSnippet({ framework: 'tfjs', spec: { policy: 'triangular', baseLr: 0.001, maxLr: 0.01, stepSizeUp: 50 } });
    // `stepSizeDown` repeats the step size: same tab stop, so editing one edits both.
    const up = /const stepSizeUp = \$\{(\d+):50\}/.exec(tfjs.snippet);
    assert.ok(up, tfjs.snippet);
    assert.ok(tfjs.snippet.includes(`const stepSizeDown = \${${up[1]}:50}`));
  });

  it('escapes $, } and \\ outside tab stops, so the snippet expands to exactly the plain code', () => {
    assert.equal(escapeSnippet('a$b}c\\d'), 'a\\$b\\}c\\\\d');
    for (const framework of SNIPPET_FRAMEWORKS) {
      for (const policy of SNIPPET_POLICIES) {
        const g = generateSnippet({ framework, spec: defaultSnippetSpec(policy, { stepsPerEpoch: 100 }), stepsPerEpoch: 100 });
        // Expand: tab stops become their defaults, escapes become the characters.
        const expanded = g.snippet.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\\([\\$}])/g, '$1');
        assert.equal(expanded, g.code, `${framework} ${policy}`);
        assert.ok(!g.code.includes(String.fromCharCode(0)) && !g.code.includes(String.fromCharCode(1)));
      }
    }
  });

  it('says where the numbers came from', () => {
    const g = generateSnippet({ framework: 'pytorch', spec: defaultSnippetSpec('triangular2', { stepsPerEpoch: 469 }), rows: 60000, batchSize: 128, boundsFrom: 'the range test on train.csv' });
    assert.match(g.code, /# Bounds from the range test on train\.csv\./);
    assert.match(g.code, /# Iterations per epoch: ceil\(60000 rows \/ 128 batch size\) = 469\./);
    const defaults = generateSnippet({ framework: 'keras', spec: defaultSnippetSpec('sgdr') });
    assert.match(defaults.code, /Bounds are defaults: run a range test/);
  });

  it('uses the variable names it is given and refuses invalid ones', () => {
    const g = generateSnippet({ framework: 'pytorch', spec: defaultSnippetSpec('one-cycle', { stepsPerEpoch: 10 }), optimizerVar: 'opt', schedulerVar: 'sched' });
    assert.match(g.code, /^sched = OneCycleLR\(\n {4}opt,$/m);
    assert.match(g.code, /# {13}sched\.step\(\)/);
    assert.throws(() => generateSnippet({ framework: 'pytorch', spec: defaultSnippetSpec('one-cycle'), optimizerVar: 'my-opt' }), UserError);
    assert.throws(() => generateSnippet({ framework: 'pytorch', spec: { policy: 'cosine', maxLr: 0.1, tMax: 10 } }), /no snippet for policy 'cosine'/);
  });

  it('takes bounds and iterations per epoch from the last range test unless the request gives them', () => {
    const last = {
      dataset: { path: '/data/train.csv', rows: 60000 },
      config: { batchSize: 128 },
      suggestion: { clr: { baseLr: 0.00031, maxLr: 0.027 }, oneCycle: { maxLr: 0.045 } },
    } as unknown as RangeTestResult;
    const clr = snippetForRequest({ framework: 'pytorch', policy: 'triangular' }, last, 'python');
    assert.deepEqual(clr.schedule, { policy: 'triangular', baseLr: 0.00031, maxLr: 0.027, stepSizeUp: 4 * 469, stepsPerEpoch: 469, cycleMomentum: true });
    assert.match(clr.code, /# Bounds from the range test on train\.csv\./);
    assert.match(clr.code, /ceil\(60000 rows \/ 128 batch size\) = 469/);
    const one = snippetForRequest({ framework: 'keras', policy: 'one-cycle' }, last, 'python');
    assert.equal((one.schedule as { maxLr: number }).maxLr, 0.045);
    const given = snippetForRequest({ framework: 'tfjs', policy: 'sgdr', spec: { policy: 'sgdr', maxLr: 0.5, t0: 3 }, stepsPerEpoch: 10 }, last, 'typescript');
    assert.equal(given.language, 'typescript');
    assert.deepEqual(given.schedule, { policy: 'sgdr', maxLr: 0.5, t0: 3, tMult: 1, etaMin: 0, stepsPerEpoch: 10 });
    assert.match(given.code, /Bounds from the Cyclical LR panel/);
    const none = snippetForRequest({ framework: 'pytorch', policy: 'triangular' }, undefined, 'python');
    assert.match(none.code, /Bounds are defaults/);
  });

  it('says which scaling the bounds were found on, when the user must match it', () => {
    const last = (preprocessing: unknown) =>
      ({
        dataset: { path: '/data/houses.csv', rows: 1000 },
        config: { batchSize: 64 },
        suggestion: { clr: { baseLr: 0.001, maxLr: 0.01 }, oneCycle: { maxLr: 0.02 } },
        preprocessing,
      }) as unknown as RangeTestResult;
    const scaled = snippetForRequest({ framework: 'pytorch', policy: 'triangular' }, last({ features: 'per-column', mean: [1], std: [2], target: { mean: 250.5, std: 40 } }), 'python');
    assert.match(scaled.code, /# Bounds from the range test on houses\.csv; the test trained on standardised feature columns and the target as \(y − 250\.5\) \/ 40: scale your data the same way, or run `clr range-test --raw` for raw values\./);
    const panel = snippetForRequest({ framework: 'keras', policy: 'sgdr', spec: { policy: 'sgdr', maxLr: 0.5, t0: 3 } }, last({ features: 'all-pixels', mean: [33.3], std: [78.6] }), 'python');
    assert.match(panel.code, /# Bounds from the Cyclical LR panel; the test trained on pixels scaled as \(x − 33\.3\) \/ 78\.6: scale/);
    for (const unscaled of [{ features: 'none' }, undefined]) {
      assert.match(snippetForRequest({ framework: 'pytorch', policy: 'triangular' }, last(unscaled), 'python').code, /# Bounds from the range test on houses\.csv\.\n/);
    }
  });
});
