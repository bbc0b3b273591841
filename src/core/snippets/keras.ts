// Keras 3: a per-step LearningRateSchedule (Keras evaluates it at optimizer.iterations, i.e. every batch).

import { CYCLIC_DEFAULTS, nativeScaleMode, ONE_CYCLE_DEFAULTS, type ScheduleSpec } from '../schedules';
import { UserError } from '../errors';
import { formatFloat } from '../pythonNumbers';
import { SNIPPET_POLICIES } from './catalog';
import { boundsComment, type Context, lines, speComment, stepSizeExpr, warmupForm } from './context';
import { KERAS_CYCLIC_CLASS, KERAS_ONE_CYCLE_CLASS, KERAS_SGDR_CLASS, KERAS_WARMUP_CLASS } from './kerasSchedules';

function kerasOptimizerExpr(ctx: Context, rate: string): string {
  switch (ctx.opts.optimizer ?? 'momentum') {
    case 'sgd':
      return `keras.optimizers.SGD(learning_rate=${rate})`;
    case 'momentum':
      return `keras.optimizers.SGD(learning_rate=${rate}, momentum=${ctx.nums.n('sgdMomentum', 0.9)})`;
    case 'nesterov':
      return `keras.optimizers.SGD(learning_rate=${rate}, momentum=${ctx.nums.n('sgdMomentum', 0.9)}, nesterov=True)`;
    case 'adam':
      return `keras.optimizers.Adam(learning_rate=${rate})`;
    case 'adamw':
      return `keras.optimizers.AdamW(learning_rate=${rate})`;
    case 'rmsprop':
      return `keras.optimizers.RMSprop(learning_rate=${rate})`;
  }
}

export function kerasSnippet(ctx: Context): { template: string; schedule: ScheduleSpec } {
  const { nums: N, opts } = ctx;
  const spec = opts.spec;
  let cls: string;
  let build: string;
  let schedule: ScheduleSpec;
  const spe = ctx.spe;
  switch (spec.policy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range': {
      const up = stepSizeExpr(ctx, 'up', spec.stepSizeUp ?? CYCLIC_DEFAULTS.stepSizeUp);
      const down = spec.stepSizeDown !== undefined ? stepSizeExpr(ctx, 'down', spec.stepSizeDown) : undefined;
      cls = KERAS_CYCLIC_CLASS;
      build = lines(
        'schedule = CyclicalLearningRate(',
        `    base_lr=${N.n('baseLr', spec.baseLr)},`,
        `    max_lr=${N.n('maxLr', spec.maxLr)},`,
        `    step_size_up=${up.expr},  # ${up.comment}`,
        down && `    step_size_down=${down.expr},  # ${down.comment}`,
        `    mode="${spec.policy}",`,
        spec.policy === 'exp_range' && `    gamma=${N.n('gamma', spec.gamma ?? CYCLIC_DEFAULTS.gamma)},`,
        spec.scaleMode !== undefined && spec.scaleMode !== nativeScaleMode(spec.policy) && `    scale_mode="${spec.scaleMode}",`,
        ')',
      );
      schedule = { ...spec, cycleMomentum: false };
      break;
    }
    case 'one-cycle': {
      const d = ONE_CYCLE_DEFAULTS;
      const total =
        spec.totalSteps !== undefined
          ? N.n('totalSteps', spec.totalSteps)
          : `${N.n('epochs', spec.epochs ?? ctx.epochs)} * ${N.n('spe', spec.stepsPerEpoch ?? spe ?? 1)}`;
      cls = KERAS_ONE_CYCLE_CLASS;
      build = lines(
        'schedule = OneCycleLearningRate(',
        `    max_lr=${N.n('maxLr', spec.maxLr)},`,
        `    total_steps=${total},  # ${spec.totalSteps !== undefined ? 'optimizer steps in the whole run' : 'epochs × iterations per epoch'}`,
        `    pct_start=${N.n('pctStart', formatFloat(spec.pctStart ?? d.pctStart))},`,
        `    anneal_strategy="${spec.annealStrategy ?? d.annealStrategy}",`,
        `    div_factor=${N.n('divFactor', spec.divFactor ?? d.divFactor)},`,
        `    final_div_factor=${N.n('finalDivFactor', spec.finalDivFactor ?? d.finalDivFactor)},`,
        spec.threePhase && '    three_phase=True,',
        ')',
      );
      schedule = { ...spec, cycleMomentum: false };
      if (spec.totalSteps === undefined) schedule = { ...schedule, epochs: spec.epochs ?? ctx.epochs, stepsPerEpoch: spec.stepsPerEpoch ?? spe ?? 1 };
      break;
    }
    case 'sgdr': {
      cls = KERAS_SGDR_CLASS;
      build = lines(
        'schedule = WarmRestartsLearningRate(',
        `    max_lr=${N.n('maxLr', spec.maxLr)},  # peak of every cosine`,
        `    t_0=${N.n('t0', spec.t0)},  # epochs until the first restart`,
        `    steps_per_epoch=${N.n('spe', spe ?? 1)},  # iterations per epoch`,
        `    t_mult=${N.n('tMult', spec.tMult ?? 1)},`,
        `    eta_min=${N.n('etaMin', spec.etaMin ?? 0)},`,
        ')',
      );
      schedule = { policy: 'sgdr', maxLr: spec.maxLr, t0: spec.t0, tMult: spec.tMult ?? 1, etaMin: spec.etaMin ?? 0, stepsPerEpoch: spe ?? 1 };
      break;
    }
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay': {
      const f = warmupForm(N, spec);
      cls = KERAS_WARMUP_CLASS;
      build = lines(
        'schedule = WarmupDecayLearningRate(',
        `    max_lr=${f.peak},  # peak rate`,
        `    total_steps=${f.totalSteps},  # optimizer steps in the whole run`,
        `    warmup_steps=${f.warmupSteps},`,
        `    start_factor=${f.startFactor},  # the warm-up starts at this fraction of the peak`,
        `    decay_steps=${f.decaySteps},  # the last steps, decaying ${f.decay === 'cosine' ? 'to eta_min' : 'to 0'}`,
        `    decay="${f.decay}",`,
        f.decay === 'cosine' && `    eta_min=${f.etaMin},`,
        ')',
      );
      schedule = { ...spec };
      break;
    }
    default:
      throw new UserError(`no Keras snippet for policy '${spec.policy}'`, { hint: `expected one of ${SNIPPET_POLICIES.join(', ')}` });
  }
  const template = lines(
    '# Keras 3 (TensorFlow >= 2.16 ships it as tf.keras); any backend: the schedule uses keras.ops only.',
    'import math',
    '',
    'import keras',
    'from keras import ops',
    '',
    '',
    cls,
    '',
    '',
    boundsComment(ctx, '#'),
    speComment(ctx, '#'),
    build,
    `${ctx.optimizerVar} = ${kerasOptimizerExpr(ctx, 'schedule')}`,
    '# Keras evaluates the schedule at every optimizer step, so the rate changes per batch; momentum stays fixed.',
    '# An optimizer built with a schedule cannot have its rate set afterwards: do not also use',
    '# LearningRateScheduler or ReduceLROnPlateau with it.',
    `# model.compile(optimizer=${ctx.optimizerVar}, loss=...)`,
    '#',
    '# Per-epoch alternative, only if you must: keras.callbacks.LearningRateScheduler changes the rate ONCE PER EPOCH,',
    '# which samples the cycle at epoch boundaries only. It needs an optimizer built with a float learning_rate:',
    `#     callback = keras.callbacks.LearningRateScheduler(lambda epoch: float(schedule(epoch * ${spe ?? 'steps_per_epoch'})))`,
  );
  return { template: template + '\n', schedule };
}
