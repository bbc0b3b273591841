// Loads TF.js, builds the model for the data, and picks the trainer that will run it.
import type { Tensor } from '@tensorflow/tfjs-core';
import { DatasetSummary, RangeTestConfig } from '../core/types';
import { LayersTrainer } from './layersTrainer';
import { buildModel } from './models';
import { loadTf } from './tf';
import { Trainer } from './trainer';
import { simdAvailable } from './simdKernels';
import { WasmCnnTrainer } from './wasmCnnTrainer';
import { WasmMlpTrainer } from './wasmMlpTrainer';

export interface TrainerChoice {
  /** Use the fused WASM SIMD trainers for the presets on WASM (default true); false forces TF.js Layers. */
  fused?: boolean;
}

export async function prepareTrainer(config: RangeTestConfig, summary: DatasetSummary, choice: TrainerChoice = {}): Promise<Trainer> {
  const { tf, backend } = await loadTf(config.backend);
  const built = await buildModel(tf, config.model, summary, config.hidden, config.seed);
  const optimizer = { name: config.optimizer, momentum: config.momentum, weightDecay: config.weightDecay };
  if ((choice.fused ?? true) && backend === 'wasm' && simdAvailable() && (built.preset === 'linear' || built.preset === 'mlp')) {
    const features = summary.inputShape.reduce((a, b) => a * b, 1);
    const sizes = [features, ...(built.preset === 'mlp' ? config.hidden : []), built.loss.outputUnits];
    const initial = built.model.getWeights().map((w: Tensor) => Float32Array.from(w.dataSync()));
    built.model.dispose();
    return new WasmMlpTrainer(sizes, initial, built.loss, optimizer, Math.min(config.batchSize, summary.rows));
  }
  if ((choice.fused ?? true) && backend === 'wasm' && simdAvailable() && built.preset === 'cnn') {
    const initial = built.model.getWeights().map((w: Tensor) => Float32Array.from(w.dataSync()));
    built.model.dispose();
    return new WasmCnnTrainer(summary.inputShape, initial, built.loss, optimizer, Math.min(config.batchSize, summary.rows));
  }
  return new LayersTrainer(tf, built.model, built.loss, optimizer, backend);
}
