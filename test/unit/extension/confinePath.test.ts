import assert from 'node:assert/strict';
import { confinePath } from '../../../src/extension/panel/confinePath';

describe('paths from the webview (confinePath)', () => {
  const folders = ['/work/project', '/data/shared'];
  const allowed = new Set(['/home/me/picked.csv']);

  it('resolves paths inside a workspace folder, relative ones from the first', () => {
    assert.equal(confinePath('/work/project/data/d.csv', folders, allowed), '/work/project/data/d.csv');
    assert.equal(confinePath('/data/shared/x.npy', folders, allowed), '/data/shared/x.npy');
    assert.equal(confinePath('data/d.csv', folders, allowed), '/work/project/data/d.csv');
    assert.equal(confinePath('/work/project', folders, allowed), '/work/project');
  });

  it('refuses paths outside them, unless the user picked them', () => {
    assert.equal(confinePath('/etc/passwd', folders, allowed), undefined);
    assert.equal(confinePath('/work/project/../secret.csv', folders, allowed), undefined);
    assert.equal(confinePath('../secret.csv', folders, allowed), undefined);
    assert.equal(confinePath('/work/project-other/d.csv', folders, allowed), undefined);
    assert.equal(confinePath('/home/me/picked.csv', folders, allowed), '/home/me/picked.csv');
    assert.equal(confinePath('d.csv', [], allowed), undefined);
    assert.equal(confinePath('', folders, allowed), undefined);
    assert.equal(confinePath('/work/project/a\0b', folders, allowed), undefined);
  });

  it('never returns something a child process could read as a flag', () => {
    for (const raw of ['--help', '-rf', '--json=/etc/x', '-']) {
      const confined = confinePath(raw, folders, allowed);
      assert.ok(confined === undefined || !confined.startsWith('-'), raw);
    }
    assert.equal(confinePath('--help', folders, allowed), '/work/project/--help');
  });
});
