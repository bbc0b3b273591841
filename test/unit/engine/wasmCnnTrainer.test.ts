import assert from 'node:assert/strict';
import { OPTIMIZERS, OptimizerName } from '../../../src/core/types';
import { InMemoryDataset } from '../../../src/data/dataset';
import { SeededRandom } from '../../../src/data/random';
import { WasmCnnTrainer } from '../../../src/engine/wasmCnnTrainer';
import { config, imageDataset, summary } from './fixtures';
import { assertFollowsLayers, compareWithLayers, Comparison, ReferenceBackend } from './layersReference';

/** The fused trainer against TF.js Layers on the same sweep (layersReference.ts says how they are compared). */
async function followsLayers(overrides: Parameters<typeof config>[0], data: InMemoryDataset, steps: number, minimumSteps: number, reference: ReferenceBackend = 'wasm'): Promise<Comparison> {
  const comparison = await compareWithLayers(config({ model: 'cnn', iterations: steps, ...overrides }), data, steps, WasmCnnTrainer, reference);
  assertFollowsLayers(comparison, minimumSteps);
  return comparison;
}

/** Random 3-channel images of odd size whose class is the brightest channel. */
function colourImages(rows: number, h: number, w: number, classes: number): InMemoryDataset {
  const random = new SeededRandom(5);
  const features = h * w * 3;
  const x = new Float32Array(rows * features);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    y[i] = i % classes;
    for (let f = 0; f < features; f++) x[i * features + f] = random.next() + (f % 3 === i % classes % 3 ? 0.3 : 0);
  }
  return new InMemoryDataset(summary('colour', rows, features, [h, w, 3], classes), x, y);
}

describe('fused WASM CNN trainer', () => {
  for (const optimizer of OPTIMIZERS as readonly OptimizerName[]) {
    it(`follows TF.js Layers step for step (${optimizer}, weight decay 0.01)`, async () => {
      await followsLayers({ optimizer, weightDecay: 0.01, startLr: 1e-3, endLr: 0.5, batchSize: 16 }, imageDataset(96, 14), 25, 5);
    });
  }

  it('odd image sizes, three channels, a batch that is not a multiple of the tile, binary output; against TF.js\'s own kernels', async () => {
    // The plain-JS backend: here TF.js Layers runs none of our kernels, the max-pool gradient included.
    await followsLayers({ optimizer: 'momentum', startLr: 1e-3, endLr: 1, batchSize: 11 }, colourImages(60, 17, 15, 2), 20, 10, 'cpu');
  });

  it('ten classes on 28×28 images at batch 64 (the benchmark shape), with a learning rate that moves the weights', async () => {
    const { fused } = await followsLayers({ optimizer: 'momentum', startLr: 1e-2, endLr: 1, batchSize: 64 }, colourImages(200, 28, 28, 10), 12, 8);
    assert.ok(Math.abs(fused.losses[11] - fused.losses[0]) > 1e-3, 'the loss moved');
  });
});
