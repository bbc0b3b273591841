import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDataset } from '../../../src/data/index';
import { tempDir } from './fixtures';

const root = resolve(__dirname, '..', '..', '..', '..');

describe('bundled example dataset', () => {
  it('examples/spirals.csv is what make-examples.mjs generates, and reads as 3000 rows of 3 classes', async () => {
    const dir = tempDir('clr-examples-');
    execFileSync(process.execPath, [join(root, 'examples', 'make-examples.mjs'), dir]);
    const committed = readFileSync(join(root, 'examples', 'spirals.csv'));
    assert.ok(readFileSync(join(dir, 'spirals.csv')).equals(committed), 'regenerate with: node examples/make-examples.mjs');
    const data = await openDataset(join(root, 'examples', 'spirals.csv'));
    const s = data.summary;
    assert.deepEqual([s.rows, s.features, s.target, s.task, s.classes.join()], [3000, 4, 'label', 'classification', 'blue,green,red']);
    assert.deepEqual(s.warnings, []);
    for (let c = 0; c < 3; c++) assert.equal(Array.from(data.y).filter((v) => v === c).length, 1000);
  });
});
