import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runWithProgress } from '../../../src/cli/commands/rangeTest';
import { DEFAULT_RANGE_TEST_CONFIG } from '../../../src/core/types';
import { testTempDir } from '../../support/tempDirs';

const root = resolve(__dirname, '..', '..', '..', '..');
const cli = join(root, 'dist', 'cli.js');

function clr(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('clr range-test and clr demo (dist/cli.js)', () => {
  const dir = testTempDir('clr-cli-rt-');
  const lines = ['x,y,label'];
  for (let i = 0; i < 300; i++) lines.push(`${((i * 37) % 100) / 50 - 1},${((i * 53) % 100) / 50 - 1},${(i * 37) % 100 > 50 ? 'yes' : 'no'}`);
  writeFileSync(join(dir, 'data.csv'), lines.join('\n') + '\n');

  it('draws its progress bar on a terminal, then says it is computing the suggestion', async () => {
    const printed: string[] = [];
    const io = { stdout: () => undefined, stderr: (text: string) => void printed.push(text), stderrIsTTY: true, cwd: dir };
    await runWithProgress({ ...DEFAULT_RANGE_TEST_CONFIG, dataset: join(dir, 'data.csv'), model: 'linear', iterations: 20, runs: 2 }, io);
    const text = printed.join('');
    assert.match(text, /^\r\[#* *\] 1\/40 \(2 runs\)/);
    assert.match(text, /\r\[#{24}\] 40\/40 \(2 runs\) +lr [0-9.e+-]+ +loss [0-9.]+ +computing the suggestion…\n$/);
  });

  it('writes the JSON atomically and a self-contained HTML report', () => {
    const r = clr(['range-test', 'data.csv', '--model', 'linear', '--iterations', '40', '--optimizer', 'adam', '--json', 'out/result.json', '--report', 'out/report.html'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /steps × 16 runs \(seeds 0\.\.15\)/);
    assert.match(r.stdout, /CyclicLR +base_lr [0-9.e-]+ \(seeds: [0-9.e-]+–[0-9.e-]+\) +max_lr [0-9.e-]+ \(seeds: [0-9.e-]+–[0-9.e-]+\)/);
    assert.match(r.stdout, /fastai lr_find +valley/);
    assert.match(r.stdout, /report: .*report\.html/);
    const result = JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8'));
    for (const key of ['backend', 'config', 'dataset', 'lrs', 'losses', 'smoothed', 'stopReason', 'stoppedAt', 'stepsPerSecond', 'suggestion']) {
      assert.ok(key in result, `JSON has ${key}`);
    }
    assert.equal(result.backend, 'wasm');
    assert.equal(result.suggestion.clr.maxLrRange.length, 2);
    assert.equal(result.suggestion.clr.baseLrRange.length, 2);
    assert.equal(result.runCurves.length, DEFAULT_RANGE_TEST_CONFIG.runs);
    assert.deepEqual(Object.keys(result.suggestion.finders), ['fastai', 'torchLrFinder', 'lightning']);
    // clr suggest on that JSON recomputes the same suggestion from the recorded runs.
    const reread = clr(['suggest', 'out/result.json', '--json'], dir);
    assert.equal(reread.code, 0, reread.stderr);
    assert.deepEqual(JSON.parse(reread.stdout), result.suggestion);
    assert.equal(result.config.optimizer, 'adam');
    assert.equal(result.lrs.length, result.stoppedAt + 1);
    assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['report.html', 'result.json'], 'no temporary files left');
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    assert.match(html, /<canvas id="curve"/);
    assert.match(html, /new Chart\(/);
    assert.ok(html.length > 100_000, 'chart.js is inlined');
    assert.doesNotMatch(html, /<script src=/);
  });

  it('prints the JSON on stdout with --json -', () => {
    const r = clr(['range-test', 'data.csv', '--model', 'linear', '--iterations', '20', '--json', '-'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).lrs.length > 0, true);
  });

  it('says which scaling its bounds assume, and --raw finds the bounds for unscaled training', () => {
    // A target in the hundreds: an mlp trained on it as written is stable only at far lower learning rates
    // (a linear model's stability limit does not depend on the target's scale, an mlp's does).
    const rows = ['a,b,price'];
    for (let i = 0; i < 400; i++) {
      const a = ((i * 37) % 100) / 50 - 1;
      const b = ((i * 53) % 100) / 50 - 1;
      rows.push(`${a},${b},${(300 + 60 * a - 40 * b + ((i * 29) % 7)).toFixed(2)}`);
    }
    writeFileSync(join(dir, 'prices.csv'), rows.join('\n') + '\n');
    const common = ['range-test', 'prices.csv', '--hidden', '16', '--iterations', '120', '--runs', '2'];
    const scaled = clr([...common, '--json', 'scaled.json'], dir);
    assert.equal(scaled.code, 0, scaled.stderr);
    const result = JSON.parse(readFileSync(join(dir, 'scaled.json'), 'utf8'));
    assert.equal(result.preprocessing.features, 'per-column');
    assert.equal(result.preprocessing.mean.length, 2);
    assert.ok(Math.abs(result.preprocessing.target.mean - 300) < 5, JSON.stringify(result.preprocessing));
    assert.match(scaled.stdout, /scaling: .*target as \(y − 30\d\.?\d*\) \/ [0-9.]+; if your training reads the raw values, rerun with --raw/);
    const raw = clr([...common, '--raw', '--json', 'raw.json'], dir);
    assert.equal(raw.code, 0, raw.stderr);
    const rawResult = JSON.parse(readFileSync(join(dir, 'raw.json'), 'utf8'));
    assert.deepEqual(rawResult.preprocessing, { features: 'none' });
    assert.equal(rawResult.config.raw, true);
    assert.match(raw.stdout, /scaling: the test trained on the values as the file holds them \(--raw\)/);
    const ratio = result.suggestion.clr.maxLr / rawResult.suggestion.clr.maxLr;
    // (Above 4 before the wide-basin rule; the scaled curve stays at its bottom for ~50× in lr, so its max_lr is
    // now held at 3× the end of its fall: about 3× the raw one.)
    assert.ok(ratio > 2, `scaled max_lr ${result.suggestion.clr.maxLr} vs raw ${rawResult.suggestion.clr.maxLr}`);
  });

  for (const [args, pattern] of [
    [['range-test', 'data.csv', '--start-lr', '1', '--end-lr', '0.1'], /--end-lr \(0\.1\) must be above --start-lr \(1\)/],
    [['range-test', 'data.csv', '--model', 'linear', '--hidden', '8'], /--hidden has no effect with --model linear/],
    [['range-test', 'data.csv', '--optimizer', 'adam', '--momentum', '0.5'], /--momentum has no effect with --optimizer adam/],
    [['range-test', 'data.csv', '--optimizer', 'lion'], /--optimizer: 'lion' is not valid: expected one of sgd/],
    [['range-test', 'missing.csv'], /missing\.csv/],
    [['range-test'], /range-test needs a dataset/],
    [['range-test', 'data.csv', '--model', 'cnn'], /cnn model needs image data/],
    [['range-test', 'data.csv', '--model', 'nothere/model.json'], /model\.json/],
    [['range-test', 'data.csv', '--backend', 'node'], /native TensorFlow backend .* is not installed/],
  ] as Array<[string[], RegExp]>) {
    it(`exits 2 with one error line: ${args.slice(1).join(' ')}`, () => {
      const r = clr(args, dir);
      assert.equal(r.code, 2, r.stderr);
      const errorLines = r.stderr.trim().split('\n');
      assert.equal(errorLines.length, 1, r.stderr);
      assert.match(errorLines[0], /^error: /);
      assert.match(errorLines[0], pattern);
    });
  }

  it('demo: prints the suggested bounds and where the report is', () => {
    const out = join(dir, 'demo');
    const r = clr(['demo', '--out', out], root);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /CyclicLR +base_lr [0-9.e-]+ \(seeds: [0-9.e-]+–[0-9.e-]+\) +max_lr [0-9.e-]+/);
    assert.match(r.stdout, new RegExp(`report: ${out.replace(/[/\\]/g, '.')}.report\\.html`));
    assert.ok(existsSync(join(out, 'report.html')));
  });
});
