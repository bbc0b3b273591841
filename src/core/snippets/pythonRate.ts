// The rate at an optimizer step as a plain Python function (fastai's ParamScheduler calls it), written in
// PyTorch's order of operations.

import { CYCLIC_DEFAULTS, nativeScaleMode, ONE_CYCLE_DEFAULTS, type ScheduleSpec } from '../schedules';
import { UserError } from '../errors';
import { formatFloat } from '../pythonNumbers';
import { SNIPPET_POLICIES } from './catalog';
import { type Context, lines, stepSizeExpr, warmupForm } from './context';

/** Python function `name(step)` → the rate at optimizer step `step`. */
export function pythonRateFunction(ctx: Context, name: string): { code: string; schedule: ScheduleSpec } {
  const { nums: N, opts } = ctx;
  const spec = opts.spec;
  switch (spec.policy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range': {
      const up = stepSizeExpr(ctx, 'up', spec.stepSizeUp ?? CYCLIC_DEFAULTS.stepSizeUp);
      const down = spec.stepSizeDown !== undefined ? stepSizeExpr(ctx, 'down', spec.stepSizeDown) : up;
      const scaleBy = (spec.scaleMode ?? nativeScaleMode(spec.policy)) === 'cycle' ? 'cycle' : 'step';
      const scale =
        spec.policy === 'triangular' ? '1.0' : spec.policy === 'triangular2' ? `1 / (2.0 ** (${scaleBy} - 1))` : `${N.n('gamma', spec.gamma ?? CYCLIC_DEFAULTS.gamma)} ** ${scaleBy}`;
      return {
        code: lines(
          `def ${name}(step):`,
          `    """PyTorch CyclicLR (${spec.policy}) at optimizer step \`step\`."""`,
          `    base_lr, max_lr = ${N.n('baseLr', spec.baseLr)}, ${N.n('maxLr', spec.maxLr)}`,
          `    step_size_up = float(${up.expr})  # ${up.comment}`,
          `    step_size_down = float(${down.expr})`,
          '    total = step_size_up + step_size_down',
          '    ratio = step_size_up / total',
          '    cycle = math.floor(1 + step / total)',
          '    x = 1.0 + step / total - cycle',
          '    scale_factor = x / ratio if x <= ratio else (x - 1) / (ratio - 1)',
          `    return base_lr + (max_lr - base_lr) * scale_factor * ${scale}`,
        ),
        schedule: { ...spec, cycleMomentum: false },
      };
    }
    case 'one-cycle': {
      const d = ONE_CYCLE_DEFAULTS;
      const total = spec.totalSteps ?? (spec.epochs ?? ctx.epochs) * (spec.stepsPerEpoch ?? ctx.spe ?? 1);
      const three = spec.threePhase ?? d.threePhase;
      const cos = (spec.annealStrategy ?? d.annealStrategy) === 'cos';
      return {
        code: lines(
          `def ${name}(step):`,
          '    """PyTorch OneCycleLR at optimizer step `step`."""',
          `    max_lr, total_steps, pct_start = ${N.n('maxLr', spec.maxLr)}, ${N.n('totalSteps', total)}, ${N.n('pctStart', formatFloat(spec.pctStart ?? d.pctStart))}`,
          `    initial_lr = max_lr / ${N.n('divFactor', spec.divFactor ?? d.divFactor)}`,
          `    min_lr = initial_lr / ${N.n('finalDivFactor', spec.finalDivFactor ?? d.finalDivFactor)}`,
          three
            ? '    phases = [(float(pct_start * total_steps) - 1, initial_lr, max_lr), (float(2 * pct_start * total_steps) - 2, max_lr, initial_lr), (total_steps - 1, initial_lr, min_lr)]'
            : '    phases = [(float(pct_start * total_steps) - 1, initial_lr, max_lr), (total_steps - 1, max_lr, min_lr)]',
          '    start_step = 0',
          '    for i, (end_step, start, end) in enumerate(phases):',
          '        if step <= end_step or i == len(phases) - 1:',
          '            pct = (step - start_step) / (end_step - start_step)',
          cos ? '            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)' : '            return (end - start) * pct + start',
          '        start_step = end_step',
        ),
        schedule: { ...spec, cycleMomentum: false },
      };
    }
    case 'sgdr': {
      const spe = ctx.spe ?? 1;
      return {
        code: lines(
          `def ${name}(step):`,
          '    """PyTorch CosineAnnealingWarmRestarts at the fractional epoch step / iterations per epoch."""',
          `    max_lr, eta_min, t_0, t_mult = ${N.n('maxLr', spec.maxLr)}, ${N.n('etaMin', spec.etaMin ?? 0)}, ${N.n('t0', spec.t0)}, ${N.n('tMult', spec.tMult ?? 1)}`,
          `    epoch = step / ${ctx.speExpr ?? N.n('spe', spe)}  # iterations per epoch`,
          '    t_i = t_0',
          '    if epoch < t_0:',
          '        t_cur = epoch',
          '    elif t_mult == 1:',
          '        t_cur = epoch % t_0',
          '    else:',
          '        n = int(math.log(epoch / t_0 * (t_mult - 1) + 1, t_mult))',
          '        t_cur = epoch - t_0 * (t_mult ** n - 1) / (t_mult - 1)',
          '        t_i = t_0 * t_mult ** n',
          '    return eta_min + (max_lr - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2',
        ),
        schedule: { policy: 'sgdr', maxLr: spec.maxLr, t0: spec.t0, tMult: spec.tMult ?? 1, etaMin: spec.etaMin ?? 0, stepsPerEpoch: spe },
      };
    }
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay': {
      const f = warmupForm(N, spec);
      return {
        code: lines(
          `def ${name}(step):`,
          `    """${f.title} at optimizer step \`step\`."""`,
          `    max_lr, total_steps = ${f.peak}, ${f.totalSteps}`,
          `    warmup_steps, start_factor = ${f.warmupSteps}, ${f.startFactor}`,
          `    decay_steps = ${f.decaySteps}  # the last steps, decaying ${f.decay === 'cosine' ? 'to eta_min' : 'to 0'}`,
          '    if step < warmup_steps:',
          '        return max_lr * (start_factor + (1.0 - start_factor) * step / warmup_steps)',
          '    if step < total_steps - decay_steps:',
          '        return max_lr',
          '    k = step - (total_steps - decay_steps)',
          f.decay === 'cosine'
            ? lines(`    eta_min = ${f.etaMin}`, '    return eta_min + (max_lr - eta_min) * (1 + math.cos(math.pi * k / decay_steps)) / 2')
            : f.decay === '1-sqrt'
              ? '    return max_lr * (1 - math.sqrt(min(k, decay_steps) / decay_steps))'
              : '    return max_lr * (1 - min(k, decay_steps) / decay_steps)',
        ),
        schedule: { ...spec },
      };
    }
    default:
      throw new UserError(`no snippet for policy '${spec.policy}'`, { hint: `expected one of ${SNIPPET_POLICIES.join(', ')}` });
  }
}
