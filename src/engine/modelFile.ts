// Reads a TensorFlow.js Layers model (model.json + weight shards) from disk. The plain tfjs packages have
// no file:// loader (only tfjs-node does), so this is the IOHandler they lack.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { UserError } from '../core/errors';

interface ModelJson {
  modelTopology?: unknown;
  weightsManifest?: Array<{ paths: string[]; weights: io.WeightsManifestEntry[] }>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: io.TrainingConfig;
}

export function fileModelHandler(modelPath: string): io.IOHandler {
  return {
    load: async (): Promise<io.ModelArtifacts> => {
      let text: string;
      try {
        text = readFileSync(modelPath, 'utf8');
      } catch {
        throw new UserError('cannot read the model file', { file: modelPath, hint: 'check the path given to --model' });
      }
      let json: ModelJson;
      try {
        json = JSON.parse(text) as ModelJson;
      } catch (error) {
        throw new UserError(`the model file is not valid JSON (${(error as Error).message})`, { file: modelPath });
      }
      if (typeof json !== 'object' || json === null || typeof json.modelTopology !== 'object' || json.modelTopology === null) {
        throw new UserError('not a TensorFlow.js Layers model: model.json has no modelTopology', {
          file: modelPath,
          hint: 'save the model with model.save() in TF.js, or convert a Keras model with tensorflowjs_converter --output_format tfjs_layers_model',
        });
      }
      const weightSpecs: io.WeightsManifestEntry[] = [];
      const shards: Buffer[] = [];
      for (const group of json.weightsManifest ?? []) {
        weightSpecs.push(...group.weights);
        for (const path of group.paths) {
          const shardPath = resolve(dirname(modelPath), path);
          try {
            shards.push(readFileSync(shardPath));
          } catch {
            throw new UserError(`cannot read the weight file '${path}' that model.json lists`, { file: modelPath, hint: 'keep the .bin files beside model.json' });
          }
        }
      }
      const all = Buffer.concat(shards);
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
      return {
        modelTopology: json.modelTopology as io.ModelArtifacts['modelTopology'],
        weightSpecs,
        weightData,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        trainingConfig: json.trainingConfig,
      };
    },
  };
}

/** Writes a model as model.json + one weights file (what tfjs-node's file:// saver would write). */
export function fileModelSaver(directory: string, writeFile: (path: string, data: string | Uint8Array) => void): io.IOHandler {
  return {
    save: async (artifacts: io.ModelArtifacts): Promise<io.SaveResult> => {
      const weightsName = 'weights.bin';
      const data = artifacts.weightData;
      const bytes = data === undefined ? new Uint8Array(0) : new Uint8Array(Array.isArray(data) ? concatBuffers(data) : data);
      writeFile(resolve(directory, weightsName), bytes);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFile(resolve(directory, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.byteLength } };
    },
  };
}

function concatBuffers(buffers: ArrayBuffer[]): ArrayBuffer {
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}
