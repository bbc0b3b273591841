// Ready-to-paste scheduler code for PyTorch, PyTorch Lightning, Keras 3, TensorFlow.js and fastai, producing
// exactly the schedule `clr schedule` computes for the same parameters (verified by executing the PyTorch,
// Lightning-free, Keras-math, fastai-math and TF.js code in test/unit/core/snippets.exec.test.ts). Every
// snippet comes twice: plain code, and VS Code snippet syntax (render.ts).

import { OPTIMIZERS } from '../types';
import { DEFAULT_EPOCHS } from '../schedules';
import { UserError } from '../errors';
import { FRAMEWORK_LABELS, type GeneratedSnippet, POLICY_LABELS, SNIPPET_FRAMEWORKS, SNIPPET_POLICIES, type SnippetOptions, type SnippetPolicy } from './catalog';
import type { Context } from './context';
import { fastaiSnippet } from './fastai';
import { kerasSnippet } from './keras';
import { lightningSnippet } from './lightning';
import { pytorchSnippet } from './pytorch';
import { Numbers } from './render';
import { tfjsSnippet } from './tfjs';

function isIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** Generates the code; throws UserError for combinations it cannot express. */
export function generateSnippet(opts: SnippetOptions): GeneratedSnippet {
  if (!(SNIPPET_FRAMEWORKS as readonly string[]).includes(opts.framework)) {
    throw new UserError(`unknown framework '${opts.framework}'`, { hint: `expected one of ${SNIPPET_FRAMEWORKS.join(', ')}` });
  }
  if (!(SNIPPET_POLICIES as readonly string[]).includes(opts.spec.policy)) {
    throw new UserError(`no snippet for policy '${opts.spec.policy}'`, { hint: `expected one of ${SNIPPET_POLICIES.join(', ')}` });
  }
  if (opts.optimizer !== undefined && !OPTIMIZERS.includes(opts.optimizer)) {
    throw new UserError(`unknown optimizer '${opts.optimizer}'`, { hint: `expected one of ${OPTIMIZERS.join(', ')}` });
  }
  const optimizerVar = opts.optimizerVar ?? 'optimizer';
  const schedulerVar = opts.schedulerVar ?? (opts.framework === 'tfjs' ? 'cyclicalLr' : 'scheduler');
  for (const [what, name] of [['optimizer variable', optimizerVar], ['scheduler variable', schedulerVar]]) {
    if (!isIdentifier(name)) throw new UserError(`${what} '${name}' is not a valid identifier`, { hint: 'use letters, digits and _, not starting with a digit' });
  }
  const spe = opts.stepsPerEpoch ?? opts.spec.stepsPerEpoch;
  if (spe !== undefined && !(Number.isInteger(spe) && spe >= 1)) throw new UserError(`iterations per epoch must be a positive integer, but got ${spe}`);
  // Lightning and Keras snippets build the optimizer themselves: SGD with momentum unless told otherwise.
  const builds = opts.framework === 'lightning' || opts.framework === 'keras';
  const effective: SnippetOptions = { ...opts, optimizer: opts.optimizer ?? (builds ? 'momentum' : undefined) };
  const ctx: Context = { opts: effective, nums: new Numbers(), spe, epochs: opts.epochs ?? DEFAULT_EPOCHS, optimizerVar, schedulerVar };
  const generators = { pytorch: pytorchSnippet, lightning: lightningSnippet, keras: kerasSnippet, tfjs: tfjsSnippet, fastai: fastaiSnippet };
  const { template, schedule } = generators[opts.framework](ctx);
  const language = opts.framework === 'tfjs' ? (opts.typescript ? 'typescript' : 'javascript') : 'python';
  const fractional = schedule.policy === 'sgdr' && schedule.stepsPerEpoch !== undefined;
  return {
    language,
    code: ctx.nums.render(template, false),
    snippet: ctx.nums.render(template, true),
    schedule,
    summary: `${FRAMEWORK_LABELS[opts.framework]} ${POLICY_LABELS[opts.spec.policy as SnippetPolicy]}, stepped per batch${fractional ? ' (fractional epochs)' : ''}`,
  };
}
