// The rate at an optimizer step as a JavaScript (or TypeScript) function, written in PyTorch's order of
// operations.

import { CYCLIC_DEFAULTS, nativeScaleMode, ONE_CYCLE_DEFAULTS, type ScheduleSpec } from '../schedules';
import { UserError } from '../errors';
import { SNIPPET_POLICIES } from './catalog';
import { type Context, lines, stepSizeExpr, warmupForm } from './context';

export function jsRateFunction(ctx: Context, ts: boolean): { code: string; schedule: ScheduleSpec } {
  const { nums: N, opts } = ctx;
  const spec = opts.spec;
  const sig = ts ? '(step: number): number' : '(step)';
  switch (spec.policy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range': {
      const up = stepSizeExpr(ctx, 'up', spec.stepSizeUp ?? CYCLIC_DEFAULTS.stepSizeUp);
      const down = spec.stepSizeDown !== undefined ? stepSizeExpr(ctx, 'down', spec.stepSizeDown) : up;
      const scaleBy = (spec.scaleMode ?? nativeScaleMode(spec.policy)) === 'cycle' ? 'cycle' : 'step';
      const scale =
        spec.policy === 'triangular' ? '1' : spec.policy === 'triangular2' ? `1 / 2 ** (${scaleBy} - 1)` : `${N.n('gamma', spec.gamma ?? CYCLIC_DEFAULTS.gamma)} ** ${scaleBy}`;
      return {
        code: lines(
          `// PyTorch CyclicLR (${spec.policy}) at optimizer step \`step\`.`,
          `function learningRateAt${sig} {`,
          `  const baseLr = ${N.n('baseLr', spec.baseLr)};`,
          `  const maxLr = ${N.n('maxLr', spec.maxLr)};`,
          `  const stepSizeUp = ${up.expr}; // ${up.comment}`,
          `  const stepSizeDown = ${down.expr};`,
          '  const total = stepSizeUp + stepSizeDown;',
          '  const ratio = stepSizeUp / total;',
          '  const cycle = Math.floor(1 + step / total);',
          '  const x = 1 + step / total - cycle;',
          '  const scaleFactor = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);',
          `  return baseLr + (maxLr - baseLr) * scaleFactor * (${scale});`,
          '}',
        ),
        schedule: { ...spec, cycleMomentum: false },
      };
    }
    case 'one-cycle': {
      const d = ONE_CYCLE_DEFAULTS;
      const total = spec.totalSteps ?? (spec.epochs ?? ctx.epochs) * (spec.stepsPerEpoch ?? ctx.spe ?? 1);
      const three = spec.threePhase ?? d.threePhase;
      const cos = (spec.annealStrategy ?? d.annealStrategy) === 'cos';
      const phaseType = ts ? ': Array<[number, number, number]>' : '';
      return {
        code: lines(
          '// PyTorch OneCycleLR at optimizer step `step`.',
          `function learningRateAt${sig} {`,
          `  const maxLr = ${N.n('maxLr', spec.maxLr)};`,
          `  const totalSteps = ${N.n('totalSteps', total)};`,
          `  const pctStart = ${N.n('pctStart', spec.pctStart ?? d.pctStart)};`,
          `  const initialLr = maxLr / ${N.n('divFactor', spec.divFactor ?? d.divFactor)};`,
          `  const minLr = initialLr / ${N.n('finalDivFactor', spec.finalDivFactor ?? d.finalDivFactor)};`,
          three
            ? `  const phases${phaseType} = [[pctStart * totalSteps - 1, initialLr, maxLr], [2 * pctStart * totalSteps - 2, maxLr, initialLr], [totalSteps - 1, initialLr, minLr]];`
            : `  const phases${phaseType} = [[pctStart * totalSteps - 1, initialLr, maxLr], [totalSteps - 1, maxLr, minLr]];`,
          '  let startStep = 0;',
          '  for (let i = 0; i < phases.length; i++) {',
          '    const [endStep, start, end] = phases[i];',
          '    if (step <= endStep || i === phases.length - 1) {',
          '      const pct = (step - startStep) / (endStep - startStep);',
          cos ? '      return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);' : '      return (end - start) * pct + start;',
          '    }',
          '    startStep = endStep;',
          '  }',
          '  return minLr;',
          '}',
        ),
        schedule: { ...spec, cycleMomentum: false },
      };
    }
    case 'sgdr': {
      const spe = ctx.spe ?? 1;
      return {
        code: lines(
          '// PyTorch CosineAnnealingWarmRestarts at the fractional epoch step / iterations per epoch.',
          `function learningRateAt${sig} {`,
          `  const maxLr = ${N.n('maxLr', spec.maxLr)};`,
          `  const etaMin = ${N.n('etaMin', spec.etaMin ?? 0)};`,
          `  const t0 = ${N.n('t0', spec.t0)}; // epochs until the first restart`,
          `  const tMult = ${N.n('tMult', spec.tMult ?? 1)};`,
          `  const epoch = step / ${N.n('spe', spe)}; // iterations per epoch`,
          '  let tCur = epoch;',
          '  let tI = t0;',
          '  if (epoch >= t0) {',
          '    if (tMult === 1) {',
          '      tCur = epoch % t0;',
          '    } else {',
          '      const n = Math.trunc(Math.log((epoch / t0) * (tMult - 1) + 1) / Math.log(tMult));',
          '      tCur = epoch - (t0 * (tMult ** n - 1)) / (tMult - 1);',
          '      tI = t0 * tMult ** n;',
          '    }',
          '  }',
          '  return etaMin + ((maxLr - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;',
          '}',
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
          `// ${f.title} at optimizer step \`step\`.`,
          `function learningRateAt${sig} {`,
          `  const maxLr = ${f.peak};`,
          `  const totalSteps = ${f.totalSteps}; // optimizer steps in the whole run`,
          `  const warmupSteps = ${f.warmupSteps};`,
          `  const startFactor = ${f.startFactor}; // the warm-up starts at this fraction of the peak`,
          `  const decaySteps = ${f.decaySteps}; // the last steps, decaying ${f.decay === 'cosine' ? 'to etaMin' : 'to 0'}`,
          '  if (step < warmupSteps) return maxLr * (startFactor + ((1 - startFactor) * step) / warmupSteps);',
          '  if (step < totalSteps - decaySteps) return maxLr;',
          '  const k = step - (totalSteps - decaySteps);',
          f.decay === 'cosine'
            ? lines(`  const etaMin = ${f.etaMin};`, '  return etaMin + ((maxLr - etaMin) * (1 + Math.cos((Math.PI * k) / decaySteps))) / 2;')
            : f.decay === '1-sqrt'
              ? '  return maxLr * (1 - Math.sqrt(Math.min(k, decaySteps) / decaySteps));'
              : '  return maxLr * (1 - Math.min(k, decaySteps) / decaySteps);',
          '}',
        ),
        schedule: { ...spec },
      };
    }
    default:
      throw new UserError(`no TensorFlow.js snippet for policy '${spec.policy}'`, { hint: `expected one of ${SNIPPET_POLICIES.join(', ')}` });
  }
}
