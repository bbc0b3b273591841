// fastai: fit_one_cycle for one-cycle, a ParamScheduler over the Python rate function otherwise.

import { ONE_CYCLE_DEFAULTS, WARMUP_POLICIES, type ScheduleSpec } from '../schedules';
import { momentumPlan } from '../momentum';
import { formatFloat } from '../pythonNumbers';
import { boundsComment, type Context, lines, speComment } from './context';
import { pythonRateFunction } from './pythonRate';

export function fastaiSnippet(ctx: Context): { template: string; schedule: ScheduleSpec } {
  const { nums: N, opts } = ctx;
  const spec = opts.spec;
  if (spec.policy === 'one-cycle') {
    const d = ONE_CYCLE_DEFAULTS;
    const div = spec.divFactor ?? d.divFactor;
    const finalDiv = spec.finalDivFactor ?? d.finalDivFactor;
    const epochs = spec.epochs ?? ctx.epochs;
    const plan = momentumPlan('onecycle', spec.cycleMomentum ?? d.cycleMomentum, opts.optimizer, opts.torchVersion);
    const template = lines(
      boundsComment(ctx, '#'),
      "# fastai's defaults differ from PyTorch's (pct_start 0.25, div_final 1e5): these match OneCycleLR's.",
      '# div_final is relative to lr_max, so it is div_factor × final_div_factor.',
      spec.annealStrategy === 'linear' && '# fastai anneals with cosine only; PyTorch\'s anneal_strategy="linear" has no equivalent here.',
      spec.threePhase && "# fastai's fit_one_cycle has two phases; three_phase has no equivalent here.",
      `learn.fit_one_cycle(`,
      `    ${N.n('epochs', epochs)},  # epochs`,
      `    lr_max=${N.n('maxLr', spec.maxLr)},`,
      `    div=${N.n('divFactor', div)},`,
      `    div_final=${N.n('divFinal', div * finalDiv)},`,
      `    pct_start=${N.n('pctStart', formatFloat(spec.pctStart ?? d.pctStart))},`,
      plan.cycle
        ? `    moms=(${N.n('maxMomentum', spec.maxMomentum ?? d.maxMomentum)}, ${N.n('baseMomentum', spec.baseMomentum ?? d.baseMomentum)}, ${N.n('maxMomentum', spec.maxMomentum ?? d.maxMomentum)}),`
        : `    moms=None,  # ${plan.note || 'momentum not cycled'}: fastai then uses its default moms`,
      ')',
    );
    return { template: template + '\n', schedule: { ...spec, cycleMomentum: false } };
  }
  const name = spec.policy === 'sgdr' ? 'sgdr_lr' : (WARMUP_POLICIES as readonly string[]).includes(spec.policy) ? 'warmup_lr' : 'cyclical_lr';
  const fn = pythonRateFunction({ ...ctx, speExpr: 'ITERS_PER_EPOCH' }, name);
  const template = lines(
    'import math',
    '',
    'from fastai.callback.schedule import ParamScheduler',
    '',
    boundsComment(ctx, '#'),
    speComment(ctx, '#'),
    `EPOCHS = ${N.n('epochs', ctx.epochs)}`,
    'ITERS_PER_EPOCH = len(learn.dls.train)  # batches per epoch, from your DataLoaders',
    '',
    '',
    fn.code,
    '',
    '',
    "# fastai's ParamScheduler calls the schedule with pos = (batches done) / (total batches), once per batch.",
    name === 'warmup_lr' && '# total_steps should equal EPOCHS × ITERS_PER_EPOCH, so that the decay ends where training does.',
    `learn.fit(EPOCHS, cbs=ParamScheduler({"lr": lambda pos: ${name}(round(pos * EPOCHS * ITERS_PER_EPOCH))}))`,
  );
  return { template: template + '\n', schedule: fn.schedule };
}
