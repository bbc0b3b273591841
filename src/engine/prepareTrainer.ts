// Loads TF.js, builds the model for the data, and picks the trainer that will run it.
import type { Tensor } from '@tensorflow/tfjs-core';
import { DatasetSummary, RangeTestConfig } from '../core/types';
import { fusedTrainer, FusedTrainerSpec } from './fusedTrainer';
import { LayersTrainer } from './layersTrainer';
import { buildModel } from './models';
import { loadTf } from './tf';
import { Trainer } from './trainer';
import { simdAvailable } from './simdKernels';

export interface TrainerChoice {
  /** Use the fused WASM SIMD trainers for the presets on WASM (default true); false forces TF.js Layers. */
  fused?: boolean;
}

export async function prepareTrainer(config: RangeTestConfig, summary: DatasetSummary, choice: TrainerChoice = {}): Promise<Trainer> {
  const planned = await planTrainer(config, summary, choice);
  return 'fused' in planned ? fusedTrainer(planned.fused) : planned.trainer;
}

/**
 * The fused WASM trainer's recipe (the preset, its initial weights from TF.js's seeded initializers), or a
 * TF.js trainer when the model or backend needs TF.js to train. The recipe is plain data: a thread can build
 * the same trainer from it without loading TF.js (parallelRuns.ts).
 */
export async function planTrainer(config: RangeTestConfig, summary: DatasetSummary, choice: TrainerChoice = {}): Promise<{ fused: FusedTrainerSpec } | { trainer: Trainer }> {
  const { tf, backend } = await loadTf(config.backend);
  const built = await buildModel(tf, config.model, summary, config.hidden, config.seed);
  const optimizer = { name: config.optimizer, momentum: config.momentum, weightDecay: config.weightDecay };
  const batchSize = Math.min(config.batchSize, summary.rows);
  if ((choice.fused ?? true) && backend === 'wasm' && simdAvailable() && (built.preset === 'linear' || built.preset === 'mlp' || built.preset === 'cnn')) {
    const initial = built.model.getWeights().map((w: Tensor) => Float32Array.from(w.dataSync()));
    built.model.dispose();
    if (built.preset === 'cnn') return { fused: { kind: 'cnn', inputShape: summary.inputShape, initial, loss: built.loss, optimizer, batchSize } };
    const features = summary.inputShape.reduce((a, b) => a * b, 1);
    const sizes = [features, ...(built.preset === 'mlp' ? config.hidden : []), built.loss.outputUnits];
    return { fused: { kind: 'mlp', sizes, initial, loss: built.loss, optimizer, batchSize } };
  }
  return { trainer: new LayersTrainer(tf, built.model, built.loss, optimizer, backend) };
}
