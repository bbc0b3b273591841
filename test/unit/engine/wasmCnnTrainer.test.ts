import assert from 'node:assert/strict';
import { OPTIMIZERS, OptimizerName } from '../../../src/core/types';
import { rangeTestLrs } from '../../../src/core/schedules';
import { InMemoryDataset } from '../../../src/data/dataset';
import { SeededRandom } from '../../../src/data/random';
import { LayersTrainer } from '../../../src/engine/layersTrainer';
import { prepareTrainer } from '../../../src/engine/prepareTrainer';
import { runSweep } from '../../../src/engine/sweep';
import { Trainer } from '../../../src/engine/trainer';
import { WasmCnnTrainer } from '../../../src/engine/wasmCnnTrainer';
import { config, imageDataset, summary } from './fixtures';

/** Runs the same sweep with the fused CNN trainer and with TF.js Layers; returns both curves and weights. */
async function both(overrides: Parameters<typeof config>[0], data: InMemoryDataset, steps = 25) {
  const cfg = config({ model: 'cnn', iterations: steps, ...overrides });
  const lrs = rangeTestLrs(cfg.startLr, cfg.endLr, steps, 'exp');
  const run = async (trainer: Trainer) => {
    const curve = await runSweep(trainer, data, undefined, { lrs, batchSize: cfg.batchSize, seed: 1, smoothing: 0.9, diverge: 1e30, valEvery: 0 });
    const result = { losses: curve.losses, weights: trainer.weights(), val: trainer.evaluate(data.x, data.y, data.summary.rows) };
    trainer.dispose();
    return result;
  };
  const fused = await prepareTrainer(cfg, data.summary);
  assert.ok(fused instanceof WasmCnnTrainer);
  const layers = await prepareTrainer(cfg, data.summary, { fused: false });
  assert.ok(layers instanceof LayersTrainer);
  return { fused: await run(fused), layers: await run(layers) };
}

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, tolerance: number, what: string) {
  assert.equal(a.length, b.length, `${what}: lengths`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  assert.ok(worst < tolerance, `${what}: largest relative difference ${worst}`);
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
      const { fused, layers } = await both({ optimizer, weightDecay: 0.01, startLr: 1e-3, endLr: 0.5, batchSize: 16 }, imageDataset(96, 14));
      assertClose(fused.losses, layers.losses, 1e-4, 'losses');
      fused.weights.forEach((w, i) => assertClose(w, layers.weights[i], 1e-3, `weights ${i}`));
      // RMSProp's first steps are ≈ 10·lr·sign(g): gradients near zero, whose sign depends on float32
      // summation order, move their weights by a full step either way, so its end state agrees less closely.
      assertClose([fused.val], [layers.val], optimizer === 'rmsprop' ? 5e-4 : 1e-4, 'validation loss');
    });
  }

  it('odd image sizes, three channels, a batch that is not a multiple of the tile, binary output', async () => {
    const { fused, layers } = await both({ optimizer: 'momentum', startLr: 1e-3, endLr: 1, batchSize: 11 }, colourImages(60, 17, 15, 2), 20);
    assertClose(fused.losses, layers.losses, 1e-4, 'losses');
    fused.weights.forEach((w, i) => assertClose(w, layers.weights[i], 1e-3, `weights ${i}`));
  });

  it('ten classes on 28×28 images at batch 64 (the benchmark shape), with a learning rate that moves the weights', async () => {
    const { fused, layers } = await both({ optimizer: 'momentum', startLr: 1e-2, endLr: 1, batchSize: 64 }, colourImages(200, 28, 28, 10), 12);
    assertClose(fused.losses, layers.losses, 1e-4, 'losses');
    assert.ok(Math.abs(fused.losses[11] - fused.losses[0]) > 1e-3, 'the loss moved');
  });
});
