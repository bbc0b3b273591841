import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDataset } from '../../../src/data/index';
import { tempDir } from './fixtures';

const root = resolve(__dirname, '..', '..', '..', '..');

describe('bundled example datasets', () => {
  let generated: string;
  before(() => {
    generated = tempDir('clr-examples-');
    execFileSync(process.execPath, [join(root, 'examples', 'make-examples.mjs'), generated]);
  });

  for (const name of ['spirals.csv', 'sensors.csv']) {
    it(`examples/${name} is what make-examples.mjs generates`, () => {
      const committed = readFileSync(join(root, 'examples', name));
      assert.ok(readFileSync(join(generated, name)).equals(committed), 'regenerate with: node examples/make-examples.mjs');
    });
  }

  it('examples/spirals.csv reads as 3000 rows of 3 classes', async () => {
    const data = await openDataset(join(root, 'examples', 'spirals.csv'));
    const s = data.summary;
    assert.deepEqual([s.rows, s.features, s.target, s.task, s.classes.join()], [3000, 4, 'label', 'classification', 'blue,green,red']);
    assert.deepEqual(s.warnings, []);
    for (let c = 0; c < 3; c++) assert.equal(Array.from(data.y).filter((v) => v === c).length, 1000);
  });

  it('examples/sensors.csv (the demo) reads as 4000 rows, a one-hot categorical column and reported missing values', async () => {
    const data = await openDataset(join(root, 'examples', 'sensors.csv'));
    const s = data.summary;
    assert.deepEqual([s.rows, s.features, s.target, s.task, s.classes.join()], [4000, 8, 'condition', 'classification', 'faulty,ok,worn']);
    assert.ok(s.featureNames.includes('line=B'));
    assert.equal(s.warnings.filter((w) => /missing values .* filled with the column mean/.test(w)).length, 5);
  });
});
