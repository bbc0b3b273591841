// Test-only hooks exist in test mode only: the product's bundles and manifest hold none of them. The hooks'
// names are read from the test-mode bundles themselves and from the test table, so a new hook is covered.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fromTestWebview, PanelStateReportSchema, toTestWebview } from '../../../src/core/wire/panelTestChannel';

const root = resolve(__dirname, '..', '..', '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** What the product ships: dist/*.js, media/*.js (not their test/ folders) and the manifest. */
function shipped(): Array<[string, string]> {
  const files: Array<[string, string]> = [['package.json', read('package.json')]];
  for (const dir of ['dist', 'media']) {
    for (const name of readdirSync(join(root, dir)).filter((n) => n.endsWith('.js'))) files.push([`${dir}/${name}`, read(`${dir}/${name}`)]);
  }
  return files;
}

function hookNames(): string[] {
  const extensionHooks = read('dist/test/testMode.js');
  const commands = [...new Set(extensionHooks.match(/cyclicalLr\.[A-Za-z_]+/g) ?? [])];
  assert.ok(commands.length >= 3, `the test-mode bundle registers the tests' commands (found ${commands.join(', ')})`);
  // 'state' is too common a word to look for; the report's own fields name it instead.
  const messages = [...toTestWebview.messages, ...fromTestWebview.messages].map((m) => m.type).filter((t) => t !== 'state');
  const reportOnly = ['statusChangedAt', 'cancelClickedAt', 'timerDelay'].filter((k) => k in PanelStateReportSchema.entries);
  assert.equal(reportOnly.length, 3, 'the report still has its test-only fields');
  return [...commands, ...messages, ...reportOnly, 'cyclicalLrPanel'];
}

describe('test hooks', () => {
  it('are built into the test-mode bundles, which test mode loads', () => {
    for (const path of ['dist/test/testMode.js', 'media/test/webview.js']) assert.ok(existsSync(join(root, path)), `${path} is missing: run npm run build`);
    const webviewHooks = read('media/test/webview.js');
    for (const name of ['testAction', 'cyclicalLrPanel', 'timerDelay']) assert.ok(webviewHooks.includes(name), `media/test/webview.js lacks ${name}`);
  });

  it('appear in none of the shipped bundles nor in package.json', () => {
    const names = hookNames();
    const found = shipped().flatMap(([file, text]) => names.filter((name) => text.includes(name)).map((name) => `${file}: ${name}`));
    assert.deepEqual(found, []);
  });

  it('are left out of the package (.vscodeignore allows only the top level of dist/ and media/)', () => {
    const allowed = read('.vscodeignore').split('\n').filter((l) => l.startsWith('!'));
    assert.ok(allowed.includes('!dist/*.js') && allowed.includes('!media/*.js'));
    assert.ok(!allowed.some((l) => /^!(dist|media)\/(\*\*|test)/.test(l)), allowed.join(' '));
  });
});
