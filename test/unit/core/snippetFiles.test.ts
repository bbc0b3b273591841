// The committed snippets/*.json must be what scripts/generate-snippets.mjs writes from src/core/snippets/.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSnippetFiles, serializeSnippetFile } from '../../../src/core/snippetFiles';
import { REPO_ROOT } from '../../support/pythonOracle';

describe('snippet files', () => {
  it('match the generator output (run `npm run snippets` after changing src/core/snippets/)', () => {
    for (const [name, file] of Object.entries(buildSnippetFiles())) {
      const committed = readFileSync(path.join(REPO_ROOT, 'snippets', name), 'utf8');
      assert.equal(committed, serializeSnippetFile(file), `snippets/${name} is stale: run npm run snippets`);
    }
  });

  it('are declared in package.json for Python, JavaScript and TypeScript, with the documented prefixes', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { snippets: Array<{ language: string; path: string }> } };
    const declared = pkg.contributes.snippets.map((s) => `${s.language}:${s.path}`).sort();
    assert.deepEqual(declared, ['javascript:./snippets/javascript.json', 'python:./snippets/python.json', 'typescript:./snippets/typescript.json']);
    const prefixes = Object.values(buildSnippetFiles()['python.json']).map((e) => e.prefix);
    for (const p of ['cycliclr', 'cycliclr2', 'cycliclr-exp', 'onecycle', 'sgdr', 'lightning-cycliclr', 'keras-sgdr', 'fastai-onecycle']) assert.ok(prefixes.includes(p), p);
    assert.equal(new Set(prefixes).size, prefixes.length, 'prefixes are unique');
  });
});
