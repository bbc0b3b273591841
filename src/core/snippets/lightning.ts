// PyTorch Lightning: configure_optimizers() returning the optimizer and a per-step scheduler.

import { DEFAULT_BOUNDS, type ScheduleSpec } from '../schedules';
import type { OptimizerName } from '../types';
import { UserError } from '../errors';
import { boundsComment, type Context, lines, speComment } from './context';
import { torchScheduler } from './pytorch';

function torchOptimizerExpr(ctx: Context, optimizer: OptimizerName | undefined, params: string, lr: string): string {
  switch (optimizer ?? 'momentum') {
    case 'sgd':
      return `torch.optim.SGD(${params}, lr=${lr})`;
    case 'momentum':
      return `torch.optim.SGD(${params}, lr=${lr}, momentum=${ctx.nums.n('sgdMomentum', 0.9)})`;
    case 'nesterov':
      return `torch.optim.SGD(${params}, lr=${lr}, momentum=${ctx.nums.n('sgdMomentum', 0.9)}, nesterov=True)`;
    case 'adam':
      return `torch.optim.Adam(${params}, lr=${lr})`;
    case 'adamw':
      return `torch.optim.AdamW(${params}, lr=${lr})`;
    case 'rmsprop':
      return `torch.optim.RMSprop(${params}, lr=${lr})`;
  }
  throw new UserError(`unknown optimizer ${optimizer}`);
}

export function lightningSnippet(ctx: Context): { template: string; schedule: ScheduleSpec } {
  const t = torchScheduler(ctx, true);
  const opt = ctx.optimizerVar;
  const lr = ctx.nums.n('maxLr', 'maxLr' in ctx.opts.spec ? ctx.opts.spec.maxLr : DEFAULT_BOUNDS.maxLr);
  const body = lines(
    boundsComment(ctx, '#'),
    speComment(ctx, '#'),
    `${opt} = ${torchOptimizerExpr(ctx, ctx.opts.optimizer, 'self.parameters()', lr)}`,
    ...t.before,
    `${ctx.schedulerVar} = ${t.construct(opt)}`,
    '# "interval": "step" makes Lightning call scheduler.step() after every batch, not once per epoch.',
    `return {"optimizer": ${opt}, "lr_scheduler": {"scheduler": ${ctx.schedulerVar}, "interval": "step", "frequency": 1}}`,
  );
  const indented = body
    .split('\n')
    .map((l) => (l ? `    ${l}` : l))
    .join('\n');
  return { template: `def configure_optimizers(self):\n${indented}\n`, schedule: t.schedule };
}
