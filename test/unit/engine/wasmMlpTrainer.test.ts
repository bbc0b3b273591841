import { OPTIMIZERS, OptimizerName } from '../../../src/core/types';
import { InMemoryDataset } from '../../../src/data/dataset';
import { WasmMlpTrainer } from '../../../src/engine/wasmMlpTrainer';
import { config, spiralDataset, summary } from './fixtures';
import { assertFollowsLayers, compareWithLayers } from './layersReference';

/** The fused trainer against TF.js Layers on its plain-JS backend, same sweep (layersReference.ts says how they are compared). */
async function followsLayers(overrides: Parameters<typeof config>[0], data: InMemoryDataset, steps: number, minimumSteps = steps): Promise<void> {
  const comparison = await compareWithLayers(config({ iterations: steps, ...overrides }), data, steps, WasmMlpTrainer, 'cpu');
  assertFollowsLayers(comparison, minimumSteps);
}

describe('fused WASM MLP trainer', () => {
  for (const optimizer of OPTIMIZERS as readonly OptimizerName[]) {
    it(`follows TF.js Layers step for step (${optimizer}, weight decay 0.01)`, async () => {
      await followsLayers({ optimizer, weightDecay: 0.01, startLr: 1e-3, endLr: 0.3, hidden: [16, 8] }, spiralDataset(300, 3, 4), 40, 20);
    });
  }

  it('handles binary (sigmoid) and regression (MSE) outputs and the linear model', async () => {
    const two = spiralDataset(200, 2);
    await followsLayers({ model: 'linear', optimizer: 'sgd', startLr: 1e-2, endLr: 1 }, two, 40, 20);
    const regression = new InMemoryDataset(summary('r.csv', 200, 2, [2], 0), two.x, Float32Array.from(two.x.filter((_, i) => i % 2 === 0)));
    await followsLayers({ optimizer: 'adam', startLr: 1e-3, endLr: 0.1 }, regression, 40, 20);
  });

  it('pads widths and batches that are not multiples of the kernel tile (5 features, hidden 13,7, batch 30)', async () => {
    await followsLayers({ optimizer: 'momentum', startLr: 1e-3, endLr: 1, hidden: [13, 7], batchSize: 30 }, spiralDataset(250, 5, 5), 30, 15);
  });

  it('takes batches smaller than the configured size (a dataset smaller than one batch)', async () => {
    await followsLayers({ batchSize: 64 }, spiralDataset(40), 10);
  });
});
