// The VS Code snippet files under snippets/ (contributes.snippets), generated from snippets.ts by
// scripts/generate-snippets.mjs; a unit test checks the committed files equal this output.

import { defaultSnippetSpec, FRAMEWORK_LABELS, generateSnippet, POLICY_LABELS, SNIPPET_POLICIES, SnippetFramework, SnippetPolicy } from './snippets';

export interface SnippetFileEntry {
  prefix: string;
  description: string;
  body: string[];
}
export type SnippetFile = Record<string, SnippetFileEntry>;

const PREFIX_BY_POLICY: Record<SnippetPolicy, string> = {
  triangular: 'cycliclr',
  triangular2: 'cycliclr2',
  exp_range: 'cycliclr-exp',
  'one-cycle': 'onecycle',
  sgdr: 'sgdr',
  'warmup-cosine': 'warmup-cosine',
  wsd: 'wsd',
  'linear-decay': 'linear-decay',
};
const PREFIX_BY_FRAMEWORK: Record<SnippetFramework, string> = { pytorch: '', lightning: 'lightning-', keras: 'keras-', fastai: 'fastai-', tfjs: 'tfjs-' };
/** A typical dataset (iterations per epoch) so that the snippets show the `k × iterations` form. */
const EXAMPLE_STEPS_PER_EPOCH = 100;

function entries(frameworks: SnippetFramework[], typescript: boolean): SnippetFile {
  const file: SnippetFile = {};
  for (const framework of frameworks) {
    for (const policy of SNIPPET_POLICIES) {
      const g = generateSnippet({
        framework,
        spec: defaultSnippetSpec(policy, { stepsPerEpoch: EXAMPLE_STEPS_PER_EPOCH }),
        stepsPerEpoch: EXAMPLE_STEPS_PER_EPOCH,
        typescript,
      });
      const prefix = PREFIX_BY_FRAMEWORK[framework] + PREFIX_BY_POLICY[policy];
      file[`${FRAMEWORK_LABELS[framework]}: ${POLICY_LABELS[policy]}`] = {
        prefix,
        description: `${POLICY_LABELS[policy]} for ${FRAMEWORK_LABELS[framework]}, stepped per batch (Cyclical LR)`,
        body: g.snippet.replace(/\n$/, '').split('\n'),
      };
    }
  }
  return file;
}

/** File name under snippets/ → its JSON content. */
export function buildSnippetFiles(): Record<string, SnippetFile> {
  return {
    'python.json': entries(['pytorch', 'lightning', 'keras', 'fastai'], false),
    'javascript.json': entries(['tfjs'], false),
    'typescript.json': entries(['tfjs'], true),
  };
}

export function serializeSnippetFile(file: SnippetFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
