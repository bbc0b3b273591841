import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  {
    // Layering (DEVELOPERS.md): core is pure; only src/extension may import vscode.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['vscode', '@tensorflow/*', 'node:*', 'fs', 'path', 'child_process', '../data/*', '../engine/*', '../worker/*', '../cli/*', '../extension/*', '../webview/*'] }],
    },
  },
  {
    files: ['src/data/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['vscode', '@tensorflow/*', '../engine/*', '../worker/*', '../cli/*', '../extension/*', '../webview/*'] }] },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['vscode', '../worker/*', '../cli/*', '../extension/*', '../webview/*'] }] },
  },
  {
    files: ['src/worker/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['vscode', '../extension/*', '../webview/*', '../../extension/*', '../../webview/*'] }] },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@tensorflow/*', '../webview/*'] }] },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['vscode', '../data/*', '../engine/*', '../worker/*', '../cli/*', '../extension/*'] }] },
  },
  {
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
