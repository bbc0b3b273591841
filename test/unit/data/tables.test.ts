import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { inspectDataset, openDataset } from '../../../src/data/index';
import { tempDir, write } from './fixtures';
import { mulberry32 } from '../../support/seededRandom';

const dir = tempDir('clr-tables-');

function rows(n: number, make: (i: number) => string): string {
  return Array.from({ length: n }, (_, i) => make(i)).join('\n') + '\n';
}

describe('CSV/TSV reading and schema inference', () => {
  it('finds the header, the target by name, one-hot encodes text and standardizes numbers', async () => {
    const file = write(dir, 'mixed.csv', 'age,city,label,score\n' + rows(40, (i) => `${20 + i},${['Lima', 'Oslo'][i % 2]},${i % 3 === 0 ? 'yes' : 'no'},${i / 4}`));
    const data = await openDataset(file);
    const s = data.summary;
    assert.equal(s.format, 'csv');
    assert.equal(s.rows, 40);
    assert.equal(s.target, 'label');
    assert.equal(s.task, 'classification');
    assert.deepEqual(s.classes, ['no', 'yes']);
    assert.deepEqual(s.featureNames, ['age', 'city=Lima', 'city=Oslo', 'score']);
    assert.equal(data.x.length, 40 * 4);
    // Row 0: age 20 is the smallest, Lima, label yes (index 1).
    let mean = 0;
    for (let i = 0; i < 40; i++) mean += data.x[i * 4];
    assert.ok(Math.abs(mean / 40) < 1e-6, 'age is centred');
    assert.ok(data.x[0] < -1.6);
    assert.deepEqual([data.x[1], data.x[2]], [1, 0]);
    assert.equal(data.y[0], 1);
    assert.equal(data.y[1], 0);
  });

  it('sniffs tab and semicolon delimiters, strips a BOM, reads CRLF and quoted numbers', async () => {
    const tsv = await inspectDataset(write(dir, 'a.tsv', 'x\ty\tclass\r\n' + rows(10, (i) => `${i}\t${i * 2}\t${i % 2}`).replace(/\n/g, '\r\n')));
    assert.equal(tsv.format, 'tsv');
    assert.deepEqual([tsv.rows, tsv.target, tsv.featureNames.join()], [10, 'class', 'x,y']);
    const semi = await inspectDataset(write(dir, 'semi.txt', '\ufeff"a";"b";"target"\n' + rows(12, (i) => `"${i}";"${i % 4}";${i * 1.5}`)));
    assert.equal(semi.format, 'csv');
    assert.deepEqual([semi.rows, semi.target, semi.task, semi.featureNames.join()], [12, 'target', 'regression', 'a,b']);
  });

  it('without a header names the columns and takes the last one as target', async () => {
    const s = await inspectDataset(write(dir, 'nohead.csv', rows(30, (i) => `${i},${i % 7},${i % 2}`)));
    assert.deepEqual(s.featureNames, ['column1', 'column2']);
    assert.equal(s.target, 'column3');
    assert.equal(s.rows, 30);
    assert.ok(s.warnings.some((w) => /no header/.test(w)));
  });

  it('recognizes a header with numeric names (years) above numeric columns', async () => {
    const s = await inspectDataset(write(dir, 'years.csv', 'country,2019,2020,label\n' + rows(12, (i) => `c${i},${i},${i * 2},${i % 2}`)));
    assert.deepEqual([s.rows, s.target], [12, 'label']);
    assert.deepEqual(s.featureNames.slice(-2), ['2019', '2020']);
  });

  it('honours --target and --task, and infers regression for real-valued targets', async () => {
    const file = write(dir, 'reg.csv', 'a,b,c\n' + rows(50, (i) => `${i % 5},${Math.sin(i).toFixed(4)},${i}`));
    const inferred = await inspectDataset(file);
    assert.deepEqual([inferred.target, inferred.task], ['c', 'regression']);
    const byName = await inspectDataset(file, { target: 'a' });
    assert.deepEqual([byName.target, byName.task, byName.classes], ['a', 'classification', ['0', '1', '2', '3', '4']]);
    const forced = await openDataset(file, { target: 'a', task: 'regression' });
    assert.equal(forced.summary.task, 'regression');
    assert.ok(forced.targetScale !== undefined);
    let m = 0;
    for (const v of forced.y) m += v;
    assert.ok(Math.abs(m / forced.y.length) < 1e-6, 'regression targets are standardized');
  });

  it('states the scaling it applied, so that a user can apply the same; --raw keeps the values as written', async () => {
    // Target y = 10 + 3·a + b with a missing value in 'b': the stated numbers must reproduce the encoding.
    const file = write(dir, 'scaled.csv', 'a,b,city,y\n' + rows(30, (i) => `${i},${i === 4 ? '' : (i % 5) * 100},${['Lima', 'Oslo'][i % 2]},${10 + 3 * i + (i % 5)}`));
    const scaled = await openDataset(file, { target: 'y' });
    const p = scaled.preprocessing!;
    assert.equal(p.features, 'per-column');
    assert.deepEqual(scaled.summary.featureNames, ['a', 'b', 'city=Lima', 'city=Oslo']);
    assert.deepEqual([p.mean!.slice(2), p.std!.slice(2)], [[0, 0], [1, 1]], 'one-hot columns are left as 0/1');
    assert.ok(Math.abs(p.mean![0] - 14.5) < 1e-9 && Math.abs(p.std![0] - Math.sqrt((30 * 30 - 1) / 12)) < 1e-9);
    for (let i = 0; i < 30; i++) {
      if (i !== 4) assert.ok(Math.abs(scaled.x[i * 4 + 1] - ((i % 5) * 100 - p.mean![1]) / p.std![1]) < 1e-5, `row ${i}, b`);
      const y = 10 + 3 * i + (i % 5);
      assert.ok(Math.abs(scaled.y[i] - (y - p.target!.mean) / p.target!.std) < 1e-5, `row ${i}, y`);
    }

    const raw = await openDataset(file, { target: 'y', raw: true });
    assert.deepEqual(raw.preprocessing, { features: 'none' });
    assert.equal(raw.targetScale, undefined);
    assert.deepEqual(Array.from(raw.x.subarray(0, 8)), [0, 0, 1, 0, 1, 100, 0, 1]);
    assert.deepEqual(Array.from(raw.y.subarray(0, 3)), [10, 14, 18]);
    assert.ok(Math.abs(raw.x[4 * 4 + 1] - p.mean![1]) < 1e-3, 'a missing value is the column mean, raw too');
  });

  it('imputes and reports missing values; drops and reports rows without a target', async () => {
    const file = write(dir, 'missing.csv', 'a,b,label\n' + rows(20, (i) => `${i % 4 === 0 ? 'NA' : i},${i % 5 === 0 ? '' : i % 3},${i === 7 ? '' : i % 2}`));
    const data = await openDataset(file);
    assert.equal(data.summary.rows, 19);
    const w = data.summary.warnings.join('\n');
    assert.match(w, /column 'a': 5 missing values/);
    assert.match(w, /column 'b': 4 missing values/);
    assert.match(w, /1 rows .* no target 'label' .*dropped/);
    assert.ok(data.x.every(Number.isFinite));
  });

  it('reads wide tables whose lines are longer than the sniffed head, and sums up constant columns', async () => {
    const width = 12000;
    const header = [...Array.from({ length: width }, (_, c) => `p${c}`), 'label'].join(',');
    const file = write(dir, 'wide.csv', header + '\n' + rows(6, (i) => [...Array.from({ length: width }, (_, c) => (c < 10 ? 0 : ((c * i) % 7) / 3).toFixed(6)), i % 2].join(',')));
    assert.ok(statSync(file).size / 7 > 64 * 1024, 'lines longer than 64 KB');
    const data = await openDataset(file);
    assert.deepEqual([data.summary.features, data.summary.rows], [width, 6]);
    const constant = data.summary.warnings.filter((w) => /constant/.test(w));
    assert.equal(constant.length, 1, constant.join('\n'));
    assert.match(constant[0], /^\d+ columns 'p0', 'p1', 'p2', 'p3', 'p4' and \d+ more are constant/);
  });

  it('ignores identifier-like text columns with a warning', async () => {
    const s = await inspectDataset(write(dir, 'ids.csv', 'id,v,label\n' + rows(300, (i) => `user${i},${i},${i % 2}`)));
    assert.deepEqual(s.featureNames, ['v']);
    assert.ok(s.warnings.some((w) => /'id' has more than 100 distinct/.test(w)));
  });

  it('keeps a bounded uniform sample when the file exceeds the memory budget, the same for the same seed', async () => {
    const random = mulberry32(5);
    const file = write(dir, 'big.csv', 'a,b,label\n' + rows(20000, (i) => `${i},${random().toFixed(5)},${i % 3}`));
    const budget = 100 * 1024; // fits a few thousand rows
    const one = await openDataset(file, { memoryBudgetBytes: budget });
    const two = await openDataset(file, { memoryBudgetBytes: budget });
    const rowsKept = one.summary.rows;
    assert.ok(rowsKept > 1000 && rowsKept < 20000, `sample of ${rowsKept}`);
    assert.deepEqual(one.x, two.x);
    assert.ok(one.summary.warnings.some((w) => /20000 rows.*sample of/.test(w)));
    // Uniform: column a is the row number, so the sample's values fall evenly into ten bins over the file.
    const a = Array.from({ length: rowsKept }, (_, i) => one.x[i * 2]);
    const [lo, hi] = [Math.min(...a), Math.max(...a)];
    const bins = new Array(10).fill(0);
    for (const v of a) bins[Math.min(9, Math.floor(((v - lo) / (hi - lo)) * 10))]++;
    for (const count of bins) assert.ok(Math.abs(count - rowsKept / 10) < rowsKept / 40, `bins ${bins}`);
    assert.ok(hi - lo > 3, 'the sample spans the file');
    const sampled = await openDataset(file, { memoryBudgetBytes: budget, seed: 9 });
    assert.notDeepEqual(sampled.x, one.x, 'another seed draws another sample');
    const inspected = await inspectDataset(file, { memoryBudgetBytes: budget });
    assert.equal(inspected.rows, 20000, 'inspect counts the whole file');
    const progress: number[] = [];
    await inspectDataset(file, { onProgress: (read, total) => progress.push(read / total) });
    assert.ok(progress.length >= 1 && progress.every((p, i) => p > 0 && p <= 1 && (i === 0 || p >= progress[i - 1])));
    assert.equal(progress[progress.length - 1], 1);
    const limited = await openDataset(file, { maxRows: 500 });
    assert.equal(limited.summary.rows, 500);
  });

  it('reads JSON Lines with scalars, booleans, nulls and fixed-length arrays', async () => {
    const lines = rows(30, (i) => JSON.stringify({ v: [i, i + 1], flag: i % 2 === 0, kind: i % 3 ? 'a' : 'b', score: i % 5 === 0 ? null : i / 2, label: `c${i % 2}` }));
    const data = await openDataset(write(dir, 'data.jsonl', lines));
    const s = data.summary;
    assert.equal(s.format, 'jsonl');
    assert.deepEqual(s.featureNames, ['v[0]', 'v[1]', 'flag', 'kind=a', 'kind=b', 'score']);
    assert.deepEqual([s.rows, s.target, s.classes.join()], [30, 'label', 'c0,c1']);
    assert.ok(s.warnings.some((w) => /'score': 6 missing/.test(w)));
  });
});
