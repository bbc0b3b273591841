// Dataset inspection over the worker channel (the panel's form): the worker answers what `clr inspect` prints.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { constants as osConstants, getPriority, setPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { DatasetInspector } from '../../../src/worker/inspection';
import { testTempDir } from '../../support/tempDirs';

const root = resolve(__dirname, '..', '..', '..', '..');
const inspector = new DatasetInspector(join(root, 'dist', 'worker.js'));

describe('dataset inspection in the worker', function () {
  this.timeout(60_000);
  const dir = testTempDir('clr-inspect-worker-');
  const csv = join(dir, 'd.csv');
  writeFileSync(csv, 'a,b,label\n1,2,x\n3,4,y\n5,6,x\n');
  after(() => inspector.dispose());

  it('answers with the summary the CLI prints', async () => {
    const answer = await inspector.inspect(csv);
    assert.ok('summary' in answer, JSON.stringify(answer));
    assert.equal(answer.summary.format, 'csv');
    assert.equal(answer.summary.rows, 3);
    assert.equal(answer.summary.target, 'label');
    assert.deepEqual(answer.summary.classes, ['x', 'y']);
  });

  it('takes the target the form names', async () => {
    const answer = await inspector.inspect(csv, 'b');
    assert.ok('summary' in answer, JSON.stringify(answer));
    assert.equal(answer.summary.target, 'b');
  });

  it('runs at the lowest CPU priority, so that a range test and the editor beside it go first', async function () {
    try {
      setPriority(process.pid, getPriority(process.pid));
    } catch {
      this.skip(); // this system allows no priority changes at all
    }
    const answer = inspector.inspect(csv);
    const pid = inspector.pid;
    assert.ok(pid, 'an inspection process is running');
    assert.equal(getPriority(pid), osConstants.priority.PRIORITY_LOW);
    assert.ok('summary' in (await answer));
    assert.equal(inspector.pid, undefined, 'none once it answered');
  });

  it("gives the user's mistake as one line, as the CLI's error: line", async () => {
    const missing = await inspector.inspect(join(dir, 'nope.csv'));
    assert.ok('error' in missing);
    assert.match(missing.error, /nope\.csv/);
    assert.doesNotMatch(missing.error, /\n|at .*\.js:\d+/, 'no stack trace');
    const target = await inspector.inspect(csv, 'zzz');
    assert.ok('error' in target);
    assert.match(target.error, /zzz/);
  });

  it('a newer request replaces an older one', async () => {
    const first = inspector.inspect(csv);
    const second = inspector.inspect(csv, 'a');
    const [a, b] = await Promise.all([first, second]);
    assert.ok('error' in a, 'the first was stopped');
    assert.ok('summary' in b && b.summary.target === 'a');
  });
});
