// Builds the model for the data and picks the trainer that will run it: a preset on WASM trains on the
// fused trainers without TF.js; anything else loads TF.js.
import type { Tensor } from '@tensorflow/tfjs-core';
import { DatasetSummary, isPreset, ModelPreset, RangeTestConfig } from '../core/types';
import { fusedTrainer, FusedTrainerSpec } from './fusedTrainer';
import { LayersTrainer } from './layersTrainer';
import { buildModel, presetLayers } from './models';
import { presetWeights } from './presetWeights';
import { findWasmDirectory, loadTf, nativeTfInstalled } from './tf';
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
  const optimizer = { name: config.optimizer, momentum: config.momentum, weightDecay: config.weightDecay };
  const batchSize = Math.min(config.batchSize, summary.rows);
  const fusedSpec = (preset: ModelPreset, initial: Float32Array[], loss: FusedTrainerSpec['loss']): FusedTrainerSpec => {
    if (preset === 'cnn') return { kind: 'cnn', inputShape: summary.inputShape, initial, loss, optimizer, batchSize };
    const features = summary.inputShape.reduce((a, b) => a * b, 1);
    return { kind: 'mlp', sizes: [features, ...(preset === 'mlp' ? config.hidden : []), loss.outputUnits], initial, loss, optimizer, batchSize };
  };
  const fused = choice.fused ?? true;
  if (fused && isPreset(config.model) && wasmWithoutTf(config)) {
    const { loss, kernels } = presetLayers(config.model, summary, config.hidden);
    return { fused: fusedSpec(config.model, presetWeights(kernels, config.seed), loss) };
  }
  const { tf, backend } = await loadTf(config.backend);
  const built = await buildModel(tf, config.model, summary, config.hidden, config.seed);
  if (fused && backend === 'wasm' && simdAvailable() && built.preset !== undefined) {
    const initial = built.model.getWeights().map((w: Tensor) => Float32Array.from(w.dataSync()));
    built.model.dispose();
    return { fused: fusedSpec(built.preset, initial, built.loss) };
  }
  return { trainer: new LayersTrainer(tf, built.model, built.loss, optimizer, backend) };
}

/**
 * Whether loadTf would choose WASM for this backend setting (the fused trainers' backend) and our kernels
 * run here: then the fused trainers need nothing from TF.js. `auto` prefers native TensorFlow when installed.
 */
function wasmWithoutTf(config: RangeTestConfig): boolean {
  const wasmChosen = config.backend === 'wasm' || (config.backend === 'auto' && !nativeTfInstalled());
  return wasmChosen && findWasmDirectory() !== undefined && simdAvailable();
}
