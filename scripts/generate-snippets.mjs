// Writes snippets/*.json (VS Code contributes.snippets) from src/core/snippetFiles.ts.
// Run after changing src/core/snippets/: `npm run snippets`. test/unit/core/snippetFiles.test.ts fails when they differ.
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = await esbuild.build({
  entryPoints: [join(root, 'src/core/snippetFiles.ts')],
  bundle: true,
  write: false,
  format: 'cjs',
  platform: 'node',
  logLevel: 'warning',
});
const module = { exports: {} };
new Function('module', 'exports', 'require', built.outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
const { buildSnippetFiles, serializeSnippetFile } = module.exports;
mkdirSync(join(root, 'snippets'), { recursive: true });
for (const [name, file] of Object.entries(buildSnippetFiles())) {
  writeFileSync(join(root, 'snippets', name), serializeSnippetFile(file));
  console.log(`snippets/${name}: ${Object.keys(file).length} snippets`);
}
