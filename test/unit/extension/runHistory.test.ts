import * as assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_RUNS, newRunId, RunHistory } from '../../../src/extension/panel/runHistory';
import { runToCsv, pngBytesFromDataUrl } from '../../../src/extension/panel/runCsv';
import { syntheticRun } from '../../../bench/panelChart/syntheticRun';
import { testTempDir } from '../../support/tempDirs';

describe('run history (workspace storage)', () => {
  let dir: string;
  beforeEach(() => {
    dir = testTempDir('clr-history-');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves, lists newest first, loads and deletes runs', async () => {
    const problems: string[] = [];
    const history = new RunHistory(join(dir, 'runs'), (p) => problems.push(p));
    assert.deepEqual(await history.list(), []);
    const result = syntheticRun(40);
    await history.save({ id: 'a', label: 'first', createdAt: '2024-01-01T00:00:00.000Z', result });
    await history.save({ id: 'b', label: 'second', createdAt: '2024-01-02T00:00:00.000Z', result });
    const entries = await history.list();
    assert.deepEqual(entries.map((e) => e.id), ['b', 'a']);
    assert.equal(entries[0].points, 40);
    assert.deepEqual(entries[0].bounds, result.suggestion.clr);
    assert.deepEqual((await history.load('a'))?.result, JSON.parse(JSON.stringify(result)));
    await history.delete('a');
    assert.deepEqual((await history.list()).map((e) => e.id), ['b']);
    assert.deepEqual(problems, []);
    // Nothing but the run files is left behind (temp files are renamed into place).
    assert.deepEqual(readdirSync(join(dir, 'runs')), ['b.json']);
  });

  it('skips and reports unreadable files instead of failing', async () => {
    const problems: string[] = [];
    const history = new RunHistory(dir, (p) => problems.push(p));
    writeFileSync(join(dir, 'broken.json'), '{"id": "broken", "label": ');
    writeFileSync(join(dir, 'wrong.json'), JSON.stringify({ id: 'wrong', label: 'x', createdAt: 'now', result: { lrs: [] } }));
    assert.deepEqual(await history.list(), []);
    assert.equal(problems.length, 2);
  });

  it('refuses ids that could escape its folder', async () => {
    const history = new RunHistory(dir);
    await assert.rejects(history.save({ id: '../evil', label: 'x', createdAt: 'now', result: syntheticRun(20) }), /invalid run id/);
  });

  it('keeps at most MAX_RUNS runs, dropping the oldest', async () => {
    const history = new RunHistory(dir);
    const result = syntheticRun(20);
    for (let i = 0; i <= MAX_RUNS; i++) {
      await history.save({ id: `r${i}`, label: `${i}`, createdAt: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(), result });
    }
    const ids = (await history.list()).map((e) => e.id);
    assert.equal(ids.length, MAX_RUNS);
    assert.ok(!ids.includes('r0'));
  });

  it('makes sortable, file-safe ids', () => {
    const id = newRunId(new Date('2024-05-06T07:08:09Z'));
    assert.match(id, /^20240506-070809-[a-z0-9]{1,6}$/);
  });
});

describe('run export', () => {
  it('writes one CSV row per step with non-finite losses spelled out', () => {
    const result = syntheticRun(20);
    result.losses[19] = NaN;
    result.losses[18] = Infinity;
    const lines = runToCsv(result).trimEnd().split('\n');
    assert.equal(lines[0], 'step,lr,loss,smoothed');
    assert.equal(lines.length, 21);
    assert.equal(lines[1], `0,${result.lrs[0]},${result.losses[0]},${result.smoothed[0]}`);
    assert.match(lines[20], /^19,[^,]+,nan,/);
    assert.match(lines[19], /^18,[^,]+,inf,/);
  });

  it('adds spread and validation columns when the run has them', () => {
    const result = { ...syntheticRun(12), spread: new Array(12).fill(0.1), valLosses: [[5, 1.5]] as Array<[number, number]> };
    const lines = runToCsv(result).trimEnd().split('\n');
    assert.equal(lines[0], 'step,lr,loss,smoothed,spread,val_loss');
    assert.match(lines[6], /,0\.1,1\.5$/);
    assert.match(lines[1], /,0\.1,$/);
  });

  it('decodes PNG data URLs', () => {
    const bytes = pngBytesFromDataUrl('data:image/png;base64,iVBORw0KGgo=');
    assert.deepEqual([...bytes.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });
});
