// The network a range test trains: a preset built for the data, or the user's own TF.js Layers model.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { UserError } from '../core/errors';
import { MAX_PARAMETERS } from '../core/limits';
import { groupThousands } from '../core/displayFormat';
import { DatasetSummary, isPreset, ModelPreset } from '../core/types';
import { LossKind, LossSpec, lossForData } from './losses';
import { fileModelHandler } from './modelFile';
import { presetLayerSeed } from './presetWeights';
import type { Tf } from './tf';

export interface BuiltModel {
  model: LayersModel;
  loss: LossSpec;
  /** 'linear' | 'mlp' | 'cnn', or undefined for a user's model. */
  preset?: ModelPreset;
}


const shapeText = (shape: ReadonlyArray<number | null>) => `[${shape.map((d) => (d === null ? 'batch' : d)).join(', ')}]`;

/** A preset's layers for this data, as TF.js builds them: each layer's kernel shape (its bias is zeros of the kernel's last size). */
export interface PresetLayers {
  loss: LossSpec;
  kernels: number[][];
}

/** The preset's layers, or the user's error when the data does not fit the preset (checked before anything is built). */
export function presetLayers(preset: ModelPreset, summary: DatasetSummary, hidden: readonly number[]): PresetLayers {
  const loss = lossForData(summary);
  const inputShape = summary.inputShape;
  if (preset === 'cnn') {
    if (inputShape.length !== 3) {
      throw new UserError(`the cnn model needs image data (height × width × channels), but the data's input shape is ${shapeText(inputShape)}`, {
        hint: 'use --model mlp or linear for tabular data',
      });
    }
    const [h, w, c] = inputShape;
    if (h < 10 || w < 10) {
      throw new UserError(`the cnn model needs images of at least 10×10 pixels, got ${h}×${w}`, { hint: 'use --model mlp' });
    }
    // 3×3 'valid' convolutions, each followed by a 2×2 max-pool of stride 2.
    const pooled = (size: number) => Math.floor((Math.floor((size - 2) / 2) - 2) / 2);
    return { loss, kernels: [[3, 3, c, 16], [3, 3, 16, 32], [pooled(h) * pooled(w) * 32, loss.outputUnits]] };
  }
  const features = inputShape.reduce((a, b) => a * b, 1);
  const layers = [features, ...(preset === 'mlp' ? hidden : []), loss.outputUnits];
  let parameters = 0;
  for (let i = 1; i < layers.length; i++) parameters += layers[i - 1] * layers[i] + layers[i];
  if (parameters > MAX_PARAMETERS) {
    throw new UserError(`the ${preset} model would have ${groupThousands(parameters)} weights for ${groupThousands(features)} input features, more than the ${groupThousands(MAX_PARAMETERS)} we allow`, {
      hint: preset === 'mlp' ? 'use smaller --hidden layers (or fewer features)' : 'use fewer features',
    });
  }
  return { loss, kernels: layers.slice(1).map((units, i) => [layers[i], units]) };
}

/**
 * Builds a preset. Each layer's initializer gets its own seed derived from `seed` (presetLayerSeed), so that
 * the same seed gives the same initial weights on every backend.
 */
export function buildPreset(tf: Tf, preset: ModelPreset, summary: DatasetSummary, hidden: readonly number[], seed: number): BuiltModel {
  const { loss } = presetLayers(preset, summary, hidden);
  const inputShape = summary.inputShape;
  let layerIndex = 0;
  const init = () => ({
    kernelInitializer: tf.initializers.glorotUniform({ seed: presetLayerSeed(seed, layerIndex++) }),
    biasInitializer: 'zeros' as const,
  });
  const model = tf.sequential();
  if (preset === 'cnn') {
    model.add(tf.layers.conv2d({ inputShape, filters: 16, kernelSize: 3, activation: 'relu', ...init() }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', ...init() }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: loss.outputUnits, ...init() }));
    return { model, loss, preset };
  }
  const features = inputShape.reduce((a, b) => a * b, 1);
  model.add(tf.layers.inputLayer({ inputShape: [features] }));
  if (preset === 'mlp') {
    for (const units of hidden) {
      model.add(tf.layers.dense({ units, activation: 'relu', ...init() }));
    }
  }
  model.add(tf.layers.dense({ units: loss.outputUnits, ...init() }));
  return { model, loss, preset };
}

/** Loads the user's model and checks that its input and output fit the data. */
export async function loadUserModel(tf: Tf, modelPath: string, summary: DatasetSummary): Promise<BuiltModel> {
  let model: LayersModel;
  try {
    model = await tf.loadLayersModel(fileModelHandler(modelPath));
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot load the TensorFlow.js model: ${(error as Error).message}`, { file: modelPath });
  }
  const inputShape = model.inputs[0].shape.slice(1);
  const dataShape = summary.inputShape;
  const sameShape = inputShape.length === dataShape.length && inputShape.every((d, i) => d === null || d === dataShape[i]);
  const flatFits = inputShape.length === 1 && inputShape[0] === summary.features;
  if (model.inputs.length !== 1 || !(sameShape || flatFits)) {
    throw new UserError(`the model's input shape ${shapeText(model.inputs[0].shape)} does not fit the data, whose rows have shape ${shapeText(dataShape)}`, {
      file: modelPath,
      hint: `make the model's first layer take inputShape ${shapeText(dataShape)}`,
    });
  }
  const outputShape = model.outputs[0].shape;
  const units = outputShape[outputShape.length - 1] ?? 0;
  const lastActivation = lastLayerActivation(model);
  const k = summary.classes.length;
  let kind: LossKind;
  let expected: string;
  if (summary.task === 'regression') {
    kind = 'mse';
    expected = '1 output unit (regression)';
  } else if (k <= 2 && units === 1) {
    kind = 'sigmoid';
    expected = '';
  } else {
    kind = 'softmax';
    expected = `${k} output units (one per class: ${summary.classes.slice(0, 5).join(', ')}${k > 5 ? ', …' : ''})`;
  }
  const fits = model.outputs.length === 1 && outputShape.length === 2 && (kind === 'sigmoid' || units === (kind === 'mse' ? 1 : k));
  if (!fits) {
    throw new UserError(`the model's output shape ${shapeText(outputShape)} does not fit the data: expected ${expected || '1 or 2 output units'}`, {
      file: modelPath,
      hint: `make the last layer a Dense layer with ${kind === 'mse' ? 1 : k} units`,
    });
  }
  const outputIsProbability = kind !== 'mse' && (lastActivation === 'softmax' || lastActivation === 'sigmoid');
  return { model, loss: { kind, outputUnits: units, outputIsProbability } };
}

function lastLayerActivation(model: LayersModel): string | undefined {
  const layer = model.layers[model.layers.length - 1];
  const config = layer.getConfig() as { activation?: unknown };
  return typeof config.activation === 'string' ? config.activation : undefined;
}

export async function buildModel(tf: Tf, modelOption: string, summary: DatasetSummary, hidden: readonly number[], seed: number): Promise<BuiltModel> {
  return isPreset(modelOption) ? buildPreset(tf, modelOption, summary, hidden, seed) : loadUserModel(tf, modelOption, summary);
}
