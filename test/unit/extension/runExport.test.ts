import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isUserError } from '../../../src/core/errors';
import { DEFAULT_RANGE_TEST_CONFIG, type RangeTestConfig } from '../../../src/core/types';
import { writeRunExport } from '../../../src/extension/panel/runExport';
import { testTempDir } from '../../support/tempDirs';

// The panel's exports go through the CLI's atomic writer and output checks: what a person could pick in the
// save dialog by mistake (the run's own dataset, directly or through a link, its model, a folder, a device,
// a pipe, a read-only file) is refused with a message naming the problem, and left exactly as it was.

const BYTES = Buffer.from('step,lr,loss\n0,0.001,1.5\n', 'utf8');

/** The export's error message, or null when it was written. */
function exportError(path: string, config: RangeTestConfig, labelFile?: string): string | null {
  try {
    writeRunExport(path, 'csv', BYTES, config, labelFile);
    return null;
  } catch (error) {
    assert.ok(isUserError(error), `a user error, not ${String(error)}`);
    return `${error.message} — ${error.hint ?? ''}`;
  }
}

describe('run exports (the panel writes like the CLI: atomically, never over an input)', () => {
  let dir: string;
  let dataset: string;
  let config: RangeTestConfig;
  beforeEach(() => {
    dir = testTempDir('clr-export-');
    dataset = join(dir, 'data.csv');
    writeFileSync(dataset, 'a,b,y\n1,2,0\n');
    config = { ...DEFAULT_RANGE_TEST_CONFIG, dataset };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const leftovers = () => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

  it('writes the export, replacing an earlier one and keeping its permissions, with no temporary file left', () => {
    const target = join(dir, 'out', 'run.csv');
    assert.equal(exportError(target, config), null);
    assert.deepEqual(readFileSync(target), BYTES);
    chmodSync(target, 0o640);
    writeFileSync(target, 'old');
    assert.equal(exportError(target, config), null);
    assert.deepEqual(readFileSync(target), BYTES);
    assert.equal(statSync(target).mode & 0o777, 0o640);
    assert.deepEqual(leftovers(), []);
    assert.deepEqual(readdirSync(join(dir, 'out')), ['run.csv']);
  });

  it("refuses the run's dataset, also through a symbolic link, and leaves it unchanged", () => {
    const before = readFileSync(dataset);
    assert.match(exportError(dataset, config) ?? '', /the export file: is the dataset of this run; writing there would overwrite it/);
    const link = join(dir, 'link.csv');
    symlinkSync(dataset, link);
    assert.match(exportError(link, config) ?? '', /is the dataset of this run/);
    assert.deepEqual(readFileSync(dataset), before);
    assert.deepEqual(leftovers(), []);
  });

  it("refuses the run's model file and a PyTorch run's Python file", () => {
    const model = join(dir, 'model.json');
    writeFileSync(model, '{}');
    assert.match(exportError(model, { ...config, model }) ?? '', /is the model file of this run/);
    const script = join(dir, 'train.py');
    writeFileSync(script, 'print(1)\n');
    const pytorch = { ...config, dataset: script, pytorch: { device: 'cpu' as const, accumulate: 1, amp: false } };
    assert.match(exportError(script, pytorch) ?? '', /is the Python file of this run/);
    assert.equal(readFileSync(script, 'utf8'), 'print(1)\n');
  });

  it('refuses the label file the dataset reader took from beside the data', () => {
    const labels = join(dir, 'y.npy');
    writeFileSync(labels, 'labels');
    assert.match(exportError(labels, config, labels) ?? '', /is the label file of this run/);
    assert.equal(readFileSync(labels, 'utf8'), 'labels');
  });

  it('refuses a folder, a device, a named pipe (without blocking) and a read-only file', () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    assert.match(exportError(folder, config) ?? '', /is a folder — give a file path for the export file, e\.g\. .*folder\/result\.csv/);
    assert.match(exportError('/dev/null', config) ?? '', /is not a regular file \(a device, pipe or socket\)/);
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    assert.match(exportError(fifo, config) ?? '', /is not a regular file/);
    assert.ok(statSync(fifo).isFIFO(), 'the pipe is still a pipe');
    const readOnly = join(dir, 'kept.csv');
    writeFileSync(readOnly, 'mine');
    chmodSync(readOnly, 0o444);
    assert.match(exportError(readOnly, config) ?? '', /is a read-only file; it is not replaced — make it writable first/);
    assert.equal(readFileSync(readOnly, 'utf8'), 'mine');
    assert.equal(statSync(readOnly).mode & 0o777, 0o444);
    assert.deepEqual(leftovers(), []);
  });
});
