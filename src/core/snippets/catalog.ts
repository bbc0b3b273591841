// What snippets can be generated: the frameworks and policies with their labels, the options a caller gives and
// the result it gets back.

import type { OptimizerName } from '../types';
import { WARMUP_POLICIES, type ScheduleSpec, type WarmupPolicy } from '../schedules';

export type SnippetFramework = 'pytorch' | 'lightning' | 'keras' | 'tfjs' | 'fastai';
export const SNIPPET_FRAMEWORKS: readonly SnippetFramework[] = ['pytorch', 'lightning', 'keras', 'tfjs', 'fastai'];
export type SnippetPolicy = 'triangular' | 'triangular2' | 'exp_range' | 'one-cycle' | 'sgdr' | WarmupPolicy;
export const SNIPPET_POLICIES: readonly SnippetPolicy[] = ['triangular', 'triangular2', 'exp_range', 'one-cycle', 'sgdr', ...WARMUP_POLICIES];

export const FRAMEWORK_LABELS: Record<SnippetFramework, string> = {
  pytorch: 'PyTorch',
  lightning: 'PyTorch Lightning',
  keras: 'Keras 3 / tf.keras',
  tfjs: 'TensorFlow.js',
  fastai: 'fastai',
};
/** The same, short enough for a button ("Insert Keras"). */
export const FRAMEWORK_SHORT_LABELS: Record<SnippetFramework, string> = {
  pytorch: 'PyTorch',
  lightning: 'Lightning',
  keras: 'Keras',
  tfjs: 'TensorFlow.js',
  fastai: 'fastai',
};
export const POLICY_LABELS: Record<SnippetPolicy, string> = {
  triangular: 'CyclicLR triangular',
  triangular2: 'CyclicLR triangular2 (amplitude halves each cycle)',
  exp_range: 'CyclicLR exp_range (amplitude × gamma per step)',
  'one-cycle': 'One-cycle (OneCycleLR)',
  sgdr: 'SGDR (cosine annealing with warm restarts)',
  'warmup-cosine': 'Linear warm-up + cosine decay (LinearLR → CosineAnnealingLR)',
  wsd: 'Warmup-stable-decay (WSD)',
  'linear-decay': 'Linear decay to zero (LinearLR)',
};

export interface SnippetOptions {
  framework: SnippetFramework;
  /** The schedule; its policy must be one of SNIPPET_POLICIES. */
  spec: ScheduleSpec;
  /** Iterations per epoch = ceil(rows / batchSize); defaults to spec.stepsPerEpoch. */
  stepsPerEpoch?: number;
  /** Where iterations per epoch came from, for the comment. */
  rows?: number;
  batchSize?: number;
  /** Epochs to train (one-cycle length, fastai's fit, Keras's fit); default DEFAULT_EPOCHS. */
  epochs?: number;
  /** Where the bounds came from, e.g. "range test on data/train.csv"; absent means they are defaults. */
  boundsFrom?: string;
  /** The optimizer the user trains with; decides the momentum traps. Absent: unknown (comments say what to check). */
  optimizer?: OptimizerName;
  /** Installed torch version, e.g. "2.4.1"; CyclicLR cycles Adam's beta1 only from TORCH_CYCLIC_BETA1_VERSION. */
  torchVersion?: string;
  optimizerVar?: string;
  schedulerVar?: string;
  /** For tfjs: emit TypeScript (typed) instead of JavaScript. */
  typescript?: boolean;
}

export interface GeneratedSnippet {
  language: 'python' | 'javascript' | 'typescript';
  /** Plain code. */
  code: string;
  /** The same code in VS Code snippet syntax (for a SnippetString). */
  snippet: string;
  /** The schedule the code produces, as a `clr schedule` spec (after the traps are handled). */
  schedule: ScheduleSpec;
  /** How the code steps the scheduler, for `clr schedule` equivalence: 'per-batch' or 'per-batch-fractional-epoch'. */
  summary: string;
}
