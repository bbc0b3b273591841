import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers and what each may not import (README.md, "Architecture", and ARCHITECTURE.md). A relative import
// is matched by the folder names it passes through, so `./wire/../../engine/x` is caught as well as `../engine/x`.
const layers = {
  core: { forbids: ['outputs', 'data', 'engine', 'worker', 'cli', 'extension', 'webview'], packages: ['vscode', '@tensorflow/*', 'node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads'] },
  // Writing our own outputs (the atomic writer, the checks that an output never replaces an input): Node file
  // I/O on core alone, so that the CLI and the extension write the same way without the extension reaching
  // into the CLI or the dataset readers.
  outputs: { forbids: ['data', 'engine', 'worker', 'cli', 'extension', 'webview'], packages: ['vscode', '@tensorflow/*', 'child_process', 'node:child_process', 'worker_threads', 'node:worker_threads'] },
  data: { forbids: ['engine', 'worker', 'cli', 'extension', 'webview'], packages: ['vscode', '@tensorflow/*'] },
  engine: { forbids: ['worker', 'cli', 'extension', 'webview'], packages: ['vscode'] },
  worker: { forbids: ['cli', 'extension', 'webview'], packages: ['vscode'] },
  cli: { forbids: ['extension', 'webview'], packages: ['vscode'] },
  // The extension host only talks to the worker (heavy work never runs on its thread).
  extension: { forbids: ['engine', 'data', 'cli', 'webview'], packages: ['@tensorflow/*'] },
  webview: { forbids: ['outputs', 'data', 'engine', 'worker', 'cli', 'extension'], packages: ['vscode', '@tensorflow/*', 'node:*'] },
};

function layerRules() {
  return Object.entries(layers).map(([layer, { forbids, packages }]) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: packages, message: `src/${layer} may not use this package (see ARCHITECTURE.md).` },
          {
            regex: `^\\.{1,2}/(?:.*/)?(?:${forbids.join('|')})(?:/|$)`,
            message: `src/${layer} may not import from ${forbids.join(', ')} (see ARCHITECTURE.md).`,
          },
        ],
      }],
    },
  }));
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'media/**', '.vscode-test/**', 'examples/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  ...layerRules(),
  {
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
