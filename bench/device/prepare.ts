// Writes the inputs of the device check (check.py) into .device/: the oracle's schedule cases with our values,
// and PyTorch + Lightning snippets with the rates they must produce. The device runs a current PyTorch with
// CUDA and Lightning, which this machine lacks. Usage: node out/bench/device/prepare.js
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { computeSchedule } from '../../src/core/schedules';
import { SNIPPET_POLICIES, defaultSnippetSpec, generateSnippet } from '../../src/core/snippets';
import { OptimizerName } from '../../src/core/types';
import { makeCases, tryCompute } from '../../test/support/scheduleCases';

const root = resolve(__dirname, '..', '..', '..');
const outDir = join(root, '.device');
const STEPS = 300;
const STEPS_PER_EPOCH = 37;

function scheduleCases() {
  const cases = makeCases(20240611);
  const ours = cases.map((c) => {
    const values = tryCompute(c);
    return values instanceof Error ? { error: values.message } : { lr: values.lr, momentum: values.momentum };
  });
  return { cases, ours };
}

function snippetCases() {
  const payloads: unknown[] = [];
  const expected: unknown[] = [];
  const optimizers: OptimizerName[] = ['momentum', 'nesterov', 'sgd', 'adam', 'adamw', 'rmsprop'];
  for (const framework of ['pytorch', 'lightning'] as const) {
    for (const policy of SNIPPET_POLICIES) {
      for (const optimizer of optimizers) {
        const spec = defaultSnippetSpec(policy, { baseLr: 3e-4, maxLr: 2e-2, stepsPerEpoch: STEPS_PER_EPOCH, epochsPerHalfCycle: 1 });
        // A torch new enough to cycle Adam's beta1: the device's PyTorch is.
        const snippet = generateSnippet({ framework, spec, stepsPerEpoch: STEPS_PER_EPOCH, optimizer, torchVersion: '2.11' });
        const values = computeSchedule(snippet.schedule, STEPS);
        payloads.push({ framework, code: snippet.code, steps: STEPS, optimizer, stepsPerEpoch: STEPS_PER_EPOCH, optimizerVar: 'optimizer', schedulerVar: 'scheduler' });
        expected.push({ policy, optimizer, lr: values.lr, momentum: values.momentum });
      }
    }
  }
  return { payloads, expected };
}

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'schedules.json'), JSON.stringify(scheduleCases()));
writeFileSync(join(outDir, 'snippets.json'), JSON.stringify(snippetCases()));
console.log(`wrote ${outDir}/schedules.json and snippets.json`);
