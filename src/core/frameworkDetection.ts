// Which framework a source file trains with, from its imports, to preselect it when inserting a scheduler.

import { SnippetFramework } from './snippets';

/** The framework the file's imports point at, or undefined when nothing tells. */
export function detectFramework(source: string, languageId: string): SnippetFramework | undefined {
  if (languageId === 'javascript' || languageId === 'typescript' || languageId === 'javascriptreact' || languageId === 'typescriptreact') return 'tfjs';
  const imports = source
    .split('\n')
    .filter((line) => /^\s*(?:import|from)\s/.test(line))
    .join('\n');
  // Most specific first: Lightning and fastai files import torch too; Keras files may import tensorflow.
  if (/\b(?:pytorch_lightning|lightning)\b/.test(imports)) return 'lightning';
  if (/\bfastai\b/.test(imports)) return 'fastai';
  if (/\b(?:keras|tensorflow)\b/.test(imports)) return 'keras';
  if (/\btorch\b/.test(imports)) return 'pytorch';
  return undefined;
}

/**
 * Whether the range test can train the file's own model: the PyTorch bridge needs `setup()` returning them, or
 * `model`, `train_loader` and `criterion` defined at module level.
 */
export function providesOwnModel(source: string): boolean {
  if (/^def\s+setup\s*\(/m.test(source)) return true;
  return ['model', 'train_loader', 'criterion'].every((name) => new RegExp(`^${name}\\s*=[^=]`, 'm').test(source));
}
