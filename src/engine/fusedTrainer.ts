// The fused WASM SIMD trainers built from plain data, without TF.js: the range-test threads load only
// this side (dist/rangeTestThread.js), while the weights' seeded initialisation stays with TF.js.
import type { LossSpec } from './losses';
import type { OptimizerSettings } from './optimizers';
import { Trainer } from './trainer';
import { WasmCnnTrainer } from './wasmCnnTrainer';
import { WasmMlpTrainer } from './wasmMlpTrainer';

/** Everything a fused trainer is built from (structured-cloneable, for worker threads). */
export type FusedTrainerSpec = {
  initial: Float32Array[];
  loss: LossSpec;
  optimizer: OptimizerSettings;
  batchSize: number;
} & ({ kind: 'mlp'; sizes: number[] } | { kind: 'cnn'; inputShape: number[] });

export function fusedTrainer(spec: FusedTrainerSpec): Trainer {
  return spec.kind === 'mlp'
    ? new WasmMlpTrainer(spec.sizes, spec.initial, spec.loss, spec.optimizer, spec.batchSize)
    : new WasmCnnTrainer(spec.inputShape, spec.initial, spec.loss, spec.optimizer, spec.batchSize);
}
