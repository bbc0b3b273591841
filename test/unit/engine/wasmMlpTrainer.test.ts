import assert from 'node:assert/strict';
import { OPTIMIZERS, OptimizerName } from '../../../src/core/types';
import { prepareTrainer } from '../../../src/engine/prepareTrainer';
import { runSweep } from '../../../src/engine/sweep';
import { Trainer } from '../../../src/engine/trainer';
import { WasmMlpTrainer } from '../../../src/engine/wasmMlpTrainer';
import { LayersTrainer } from '../../../src/engine/layersTrainer';
import { rangeTestLrs } from '../../../src/core/schedules';
import { config, spiralDataset, summary } from './fixtures';
import { InMemoryDataset } from '../../../src/data/dataset';

/** Runs the same sweep with the fused trainer and with TF.js Layers; returns both loss curves and weights. */
async function both(overrides: Parameters<typeof config>[0], data: InMemoryDataset, steps = 40) {
  const cfg = config({ iterations: steps, ...overrides });
  const lrs = rangeTestLrs(cfg.startLr, cfg.endLr, steps, 'exp');
  const run = async (trainer: Trainer) => {
    const curve = await runSweep(trainer, data, undefined, { lrs, batchSize: cfg.batchSize, seed: 1, smoothing: 0.9, diverge: 1e30, valEvery: 0 });
    const weights = trainer.weights();
    const val = trainer.evaluate(data.x, data.y, data.summary.rows);
    trainer.dispose();
    return { losses: curve.losses, weights, val };
  };
  const fused = await prepareTrainer(cfg, data.summary);
  assert.ok(fused instanceof WasmMlpTrainer);
  const layers = await prepareTrainer(cfg, data.summary, { fused: false });
  assert.ok(layers instanceof LayersTrainer);
  return { fused: await run(fused), layers: await run(layers) };
}

function assertClose(a: number[], b: number[], tolerance: number, what: string) {
  assert.equal(a.length, b.length, `${what}: lengths`);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.max(1, Math.abs(b[i]))));
  assert.ok(worst < tolerance, `${what}: largest relative difference ${worst}`);
}

describe('fused WASM MLP trainer', () => {
  for (const optimizer of OPTIMIZERS as readonly OptimizerName[]) {
    it(`follows TF.js Layers step for step (${optimizer}, weight decay 0.01)`, async () => {
      const { fused, layers } = await both({ optimizer, weightDecay: 0.01, startLr: 1e-3, endLr: 0.3, hidden: [16, 8] }, spiralDataset(300, 3, 4));
      assertClose(fused.losses, layers.losses, 1e-4, 'losses');
      fused.weights.forEach((w, i) => assertClose(Array.from(w), Array.from(layers.weights[i]), 1e-3, `weights ${i}`));
      assertClose([fused.val], [layers.val], 1e-4, 'validation loss');
    });
  }

  it('handles binary (sigmoid) and regression (MSE) outputs and the linear model', async () => {
    const two = spiralDataset(200, 2);
    const binary = await both({ model: 'linear', optimizer: 'sgd', startLr: 1e-2, endLr: 1 }, two);
    assertClose(binary.fused.losses, binary.layers.losses, 1e-4, 'binary');
    const regression = new InMemoryDataset(summary('r.csv', 200, 2, [2], 0), two.x, Float32Array.from(two.x.filter((_, i) => i % 2 === 0)));
    const mse = await both({ optimizer: 'adam', startLr: 1e-3, endLr: 0.1 }, regression);
    assertClose(mse.fused.losses, mse.layers.losses, 1e-4, 'mse');
  });

  it('pads widths and batches that are not multiples of the kernel tile (5 features, hidden 13,7, batch 30)', async () => {
    const { fused, layers } = await both({ optimizer: 'momentum', startLr: 1e-3, endLr: 1, hidden: [13, 7], batchSize: 30 }, spiralDataset(250, 5, 5), 30);
    assertClose(fused.losses, layers.losses, 1e-4, 'losses');
    fused.weights.forEach((w, i) => assertClose(Array.from(w), Array.from(layers.weights[i]), 1e-3, `weights ${i}`));
  });

  it('takes batches smaller than the configured size (a dataset smaller than one batch)', async () => {
    const { fused, layers } = await both({ batchSize: 64 }, spiralDataset(40), 10);
    assertClose(fused.losses, layers.losses, 1e-4, 'small data');
  });
});
