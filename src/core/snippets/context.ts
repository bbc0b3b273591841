// What every framework's generator writes with: the options, the placeholders, and the comment lines and
// expressions they share.

import { WARMUP_DEFAULTS, warmupPhases, type WarmupSpec } from '../schedules';
import { formatFloat } from '../pythonNumbers';
import { POLICY_LABELS, type SnippetOptions } from './catalog';
import type { Numbers } from './render';

export interface Context {
  opts: SnippetOptions;
  nums: Numbers;
  spe?: number;
  epochs: number;
  optimizerVar: string;
  schedulerVar: string;
  /** Code for iterations per epoch when the snippet computes it (fastai: len(learn.dls.train)). */
  speExpr?: string;
}

export function boundsComment(ctx: Context, prefix: string): string {
  return ctx.opts.boundsFrom
    ? `${prefix} Bounds from ${ctx.opts.boundsFrom}.`
    : `${prefix} Bounds are defaults: run a range test (Cyclical LR: Run Range Test) to find yours.`;
}

export function speComment(ctx: Context, prefix: string): string | undefined {
  if (ctx.spe === undefined) return undefined;
  const { rows, batchSize } = ctx.opts;
  return rows !== undefined && batchSize !== undefined
    ? `${prefix} Iterations per epoch: ceil(${rows} rows / ${batchSize} batch size) = ${ctx.spe}.`
    : `${prefix} Iterations per epoch: ${ctx.spe} (ceil(rows / batch size)).`;
}

/** `k * spe` when the step size is a whole number of epochs, so the reader sees (and can edit) both factors. */
export function stepSizeExpr(ctx: Context, name: string, value: number): { expr: string; comment: string } {
  const spe = ctx.spe;
  if (spe !== undefined && Number.isInteger(value / spe) && value / spe >= 1) {
    const k = value / spe;
    return {
      expr: `${ctx.nums.n(`${name}Epochs`, k)} * ${ctx.speExpr ?? ctx.nums.n('spe', spe)}`,
      comment: `${k} epoch${k === 1 ? '' : 's'} × iterations per epoch${name === 'up' ? " (Smith: 2-10 epochs per half-cycle)" : ''}`,
    };
  }
  return { expr: ctx.nums.n(name, value), comment: name === 'up' ? 'iterations in the rising half-cycle' : 'iterations in the falling half-cycle' };
}

export function lines(...items: Array<string | undefined | false>): string {
  return items.filter((l): l is string => typeof l === 'string').join('\n');
}

/**
 * A warm-up schedule as the one closed form its SequentialLR chain computes: a linear warm-up from
 * startFactor × peak over warmupSteps, the peak until the last decaySteps, which decay to etaMin (cosine) or 0.
 * Numbers are placeholders.
 */
export interface WarmupForm {
  peak: string;
  totalSteps: string;
  warmupSteps: string;
  startFactor: string;
  decaySteps: string;
  decay: 'cosine' | 'linear' | '1-sqrt';
  etaMin: string;
  title: string;
}

export function warmupForm(N: Numbers, spec: WarmupSpec): WarmupForm {
  const warmup = spec.warmupSteps ?? WARMUP_DEFAULTS.warmupSteps;
  // The phases as the schedule computes them: the last one is always the decay.
  const last = warmupPhases(spec).at(-1);
  if (!last || last.kind === 'warmup' || last.kind === 'stable') throw new Error(`a ${spec.policy} schedule ends in a decay`);
  const decaySteps = last.steps;
  const decay = last.kind;
  return {
    peak: N.n('maxLr', spec.maxLr),
    totalSteps: N.n('totalSteps', spec.totalSteps),
    warmupSteps: N.n('warmupSteps', warmup),
    startFactor: N.n('warmupStartFactor', formatFloat(spec.warmupStartFactor ?? WARMUP_DEFAULTS.warmupStartFactor)),
    decaySteps: N.n('decaySteps', decaySteps),
    decay,
    etaMin: N.n('etaMin', formatFloat(spec.policy === 'warmup-cosine' ? (spec.etaMin ?? WARMUP_DEFAULTS.etaMin) : 0)),
    title: `PyTorch's ${POLICY_LABELS[spec.policy]} chain (SequentialLR)`,
  };
}
