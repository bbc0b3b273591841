import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { suggest } from '../../../src/core/suggest';
import { testTempDir } from '../../support/tempDirs';

const root = resolve(__dirname, '..', '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');

function clr(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// A clean U-shaped range test: plateau, fall around lr 1e-3, rise past lr 0.3.
const lrs = Array.from({ length: 100 }, (_, i) => 10 ** (-7 + (8 * i) / 99));
const losses = lrs.map((lr) => {
  const x = Math.log10(lr);
  return 1 + 1.5 / (1 + Math.exp(4 * (x + 3))) + 5 * Math.max(0, x + 0.5) ** 2;
});

describe('clr suggest (dist/cli.js)', () => {
  const dir = testTempDir('clr-suggest-');
  const write = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return name;
  };
  const csv = (rows: Array<[number | string, number | string]>, header = 'lr,loss'): string => [header, ...rows.map((r) => r.join(','))].join('\n') + '\n';
  const good = write('curve.csv', csv(lrs.map((lr, i) => [lr, losses[i]])));

  it('--json prints exactly what suggest() computes, with every documented field', () => {
    const r = clr(['suggest', good, '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out).sort(), ['clr', 'confidence', 'diagnostics', 'finders', 'minimum', 'oneCycle', 'slide', 'steepest', 'valley']);
    assert.deepEqual(out, JSON.parse(JSON.stringify(suggest(lrs, losses))));
  });

  it('prints a table by default', () => {
    const r = clr(['suggest', good], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /CyclicLR +base_lr \S+ +max_lr \S+/);
    assert.match(r.stdout, /fastai lr_find +valley \S+ +slide \S+ +minimum \S+ +steep \S+/);
    assert.match(r.stdout, /torch-lr-finder +steepest \S+/);
    assert.match(r.stdout, /Lightning lr_find +suggestion\(\) \S+/);
  });

  it('reads the JSON clr range-test writes (null = NaN, stopReason, the requested iterations)', () => {
    const nanTail = losses.map((v, i) => (i >= 90 ? null : v));
    const file = write('result.json', JSON.stringify({ lrs, losses: nanTail, stopReason: 'non-finite', config: { smoothing: 0.9, iterations: 150 } }));
    const r = clr(['suggest', file, '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const raw = nanTail.map((v) => v ?? NaN);
    const expected = suggest(lrs, raw, { diverged: true, finderSweep: { lrs, losses: raw, iterations: 150 } });
    assert.deepEqual(JSON.parse(r.stdout), JSON.parse(JSON.stringify(expected)));
    // fastai trims num_it // 10 = 15 points from the start of the 150 asked for, not 10 of the 100 recorded.
    assert.notDeepEqual(expected.finders, suggest(lrs, raw, { diverged: true }).finders);
    // --beta is deprecated: accepted, no effect on the libraries' values.
    assert.deepEqual(JSON.parse(clr(['suggest', file, '--json', '--beta', '0.5'], dir).stdout).finders, JSON.parse(r.stdout).finders);
  });

  it('accepts extra columns in any order, NaN/inf losses, comments and blank lines', () => {
    const rows = lrs.map((lr, i) => `${i},${i > 95 ? 'inf' : losses[i]},${lr}`);
    const file = write('extra.csv', ['# exported by hand', 'step,loss,lr', ...rows, ''].join('\n'));
    const r = clr(['suggest', file, '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).clr.maxLr, suggest(lrs, losses.map((v, i) => (i > 95 ? Infinity : v))).clr.maxLr);
  });

  const bad: Array<[string, () => string[], RegExp]> = [
    ['a missing file', () => ['suggest', 'nope.csv'], /nope\.csv: no such file/],
    ['no file', () => ['suggest'], /no curve file given/],
    ['a non-numeric lr (line and column)', () => ['suggest', write('text.csv', csv([[1e-5, 2], [2e-5, 2], ['abc', 2]]))], /text\.csv:4:1: lr 'abc' is not a number/],
    ['a non-numeric loss', () => ['suggest', write('loss.csv', csv([[1e-5, 2], [2e-5, 'x']]))], /loss\.csv:3:2: loss 'x' is not a number/],
    ['a missing loss column', () => ['suggest', write('cols.csv', csv([[1, 2]], 'lr,value'))], /cols\.csv:1: the header has no 'loss' column/],
    ['fewer than 10 points', () => ['suggest', write('short.csv', csv(lrs.slice(0, 9).map((lr, i) => [lr, losses[i]])))], /short\.csv: the curve has 9 points; at least 10/],
    ['a non-positive lr (its line)', () => ['suggest', write('neg.csv', csv(lrs.map((lr, i) => [i === 3 ? -lr : lr, losses[i]])))], /neg\.csv:5: learning rate -\S+ at point 4 is not a positive number/],
    ['lr not increasing (its line)', () => ['suggest', write('dec.csv', csv(lrs.map((lr, i) => [i === 30 ? lrs[29] : lr, losses[i]])))], /dec\.csv:32: learning rate not increasing at point 31/],
    ['all-NaN losses', () => ['suggest', write('nan.csv', csv(lrs.map((lr) => [lr, 'NaN'])))], /nan\.csv: every loss is NaN or infinite/],
    ['invalid JSON', () => ['suggest', write('broken.json', '{"lrs": [1, 2')], /broken\.json: not valid JSON/],
    ['JSON without losses', () => ['suggest', write('nolosses.json', JSON.stringify({ lrs }))], /nolosses\.json: 'losses' is missing/],
    ['--beta out of range', () => ['suggest', good, '--beta', '1'], /--beta: '1' is not valid/],
  ];
  for (const [what, args, pattern] of bad) {
    it(`exits 2 with one error line for ${what}`, () => {
      const r = clr(args(), dir);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /^error: /);
      assert.match(lines[0], pattern);
    });
  }
});
