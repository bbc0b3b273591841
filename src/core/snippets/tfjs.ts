// TensorFlow.js: a callback that sets the rate before every batch.

import type { ScheduleSpec } from '../schedules';
import { boundsComment, type Context, lines, speComment } from './context';
import { jsRateFunction } from './jsRate';

export function tfjsSnippet(ctx: Context): { template: string; schedule: ScheduleSpec } {
  const ts = ctx.opts.typescript === true;
  const fn = jsRateFunction(ctx, ts);
  const model = 'model';
  const setter = ts
    ? lines(
        'function setLearningRate(optimizer: tf.Optimizer, lr: number): void {',
        '  const o = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };',
        "  // SGD and momentum optimizers cache the rate as a tensor: setLearningRate() rebuilds it.",
        '  // Adam, RMSProp, Adagrad, Adadelta and Adamax read optimizer.learningRate on every step.',
        "  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);",
        '  else o.learningRate = lr;',
        '}',
      )
    : lines(
        'function setLearningRate(optimizer, lr) {',
        "  // SGD and momentum optimizers cache the rate as a tensor: setLearningRate() rebuilds it.",
        '  // Adam, RMSProp, Adagrad, Adadelta and Adamax read optimizer.learningRate on every step.',
        "  if (typeof optimizer.setLearningRate === 'function') optimizer.setLearningRate(lr);",
        '  else optimizer.learningRate = lr;',
        '}',
      );
  const template = lines(
    boundsComment(ctx, '//'),
    speComment(ctx, '//'),
    fn.code,
    '',
    setter,
    '',
    '// Sets the rate before every batch. Momentum stays fixed: tf.js MomentumOptimizer ignores setMomentum().',
    'let clrStep = 0;',
    `const ${ctx.schedulerVar} = new tf.CustomCallback({`,
    '  onBatchBegin: async () => {',
    `    setLearningRate(${model}.optimizer, learningRateAt(clrStep));`,
    '    clrStep += 1;',
    '  },',
    '});',
    `// await ${model}.fit(xs, ys, { epochs: ${ctx.epochs}, batchSize: ${ctx.opts.batchSize ?? 32}, callbacks: [${ctx.schedulerVar}] });`,
  );
  return { template: template + '\n', schedule: fn.schedule };
}
