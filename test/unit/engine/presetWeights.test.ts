import assert from 'node:assert/strict';
import type { Tensor } from '@tensorflow/tfjs-core';
import { buildPreset, presetLayers } from '../../../src/engine/models';
import { prepareTrainer } from '../../../src/engine/prepareTrainer';
import { presetWeights } from '../../../src/engine/presetWeights';
import { loadTf } from '../../../src/engine/tf';
import { WasmMlpTrainer } from '../../../src/engine/wasmMlpTrainer';
import { config, imageDataset, spiralDataset, summary } from './fixtures';

describe('preset initial weights without TF.js', () => {
  const cases = [
    { name: 'mlp, 3 classes', preset: 'mlp' as const, data: summary('s.csv', 100, 7, [7], 3), hidden: [64, 32] },
    { name: 'linear, binary', preset: 'linear' as const, data: summary('b.csv', 100, 5, [5], 2), hidden: [] },
    { name: 'mlp, regression, odd widths', preset: 'mlp' as const, data: summary('r.csv', 100, 13, [13], 0), hidden: [13, 7] },
    { name: 'cnn, 12×12 images, 4 classes', preset: 'cnn' as const, data: imageDataset(8, 12).summary, hidden: [] },
    { name: 'cnn, 15×11×3 images', preset: 'cnn' as const, data: summary('i', 10, 15 * 11 * 3, [15, 11, 3], 5), hidden: [] },
  ];
  for (const { name, preset, data, hidden } of cases) {
    it(`equal TF.js's seeded glorotUniform bit for bit (${name})`, async () => {
      const { tf } = await loadTf('cpu');
      for (const seed of [0, 1, 42, 1234567]) {
        const built = buildPreset(tf, preset, data, hidden, seed);
        const expected = built.model.getWeights().map((w: Tensor) => Float32Array.from(w.dataSync()));
        built.model.dispose();
        const ours = presetWeights(presetLayers(preset, data, hidden).kernels, seed);
        assert.equal(ours.length, expected.length);
        ours.forEach((w, i) => assert.deepEqual(w, expected[i], `seed ${seed}, weights ${i}`));
      }
    });
  }

  it('give the fused trainer the same weights as when TF.js initialised them', async () => {
    const data = spiralDataset(120, 3, 4);
    const cfg = config({ backend: 'wasm', hidden: [16, 8], seed: 7 });
    const withoutTf = await prepareTrainer(cfg, data.summary);
    assert.ok(withoutTf instanceof WasmMlpTrainer);
    const { tf } = await loadTf('wasm');
    const built = buildPreset(tf, 'mlp', data.summary, cfg.hidden, cfg.seed);
    const expected = built.model.getWeights().map((w: Tensor) => Array.from(w.dataSync()));
    built.model.dispose();
    assert.deepEqual(withoutTf.weights().map((w) => Array.from(w)), expected);
    withoutTf.dispose();
  });
});
