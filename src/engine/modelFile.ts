// Reads a TensorFlow.js Layers model (model.json + weight shards) from disk. The plain tfjs packages have
// no file:// loader (only tfjs-node does), so this is the IOHandler they lack.
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { UserError } from '../core/errors';
import { MAX_TEXT_FILE_BYTES, MAX_WEIGHT_FILE_BYTES } from '../core/limits';
import { readWholeFile } from '../data/files';

interface ModelJson {
  modelTopology?: unknown;
  weightsManifest?: Array<{ paths: string[]; weights: io.WeightsManifestEntry[] }>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: io.TrainingConfig;
}

/**
 * One weight file that model.json lists: only a regular file inside the model's own folder (after symbolic
 * links are followed), so that a model.json cannot make us read /dev/zero or a file elsewhere on the disk.
 */
async function readWeightFile(modelPath: string, listed: unknown, budget: number): Promise<Buffer> {
  const outside = (): never => {
    throw new UserError(`model.json lists the weight file '${String(listed)}', which is not a file in the model's folder`, {
      file: modelPath,
      hint: 'keep the .bin files beside model.json and list them by name',
    });
  };
  if (typeof listed !== 'string' || listed === '' || isAbsolute(listed)) return outside();
  const folder = await realpath(dirname(modelPath));
  let target: string;
  try {
    target = await realpath(resolve(dirname(modelPath), listed));
  } catch {
    throw new UserError(`cannot read the weight file '${listed}' that model.json lists`, { file: modelPath, hint: 'keep the .bin files beside model.json' });
  }
  const inside = relative(folder, target);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return outside();
  return readWholeFile(target, budget, `weight file '${listed}'`);
}

export function fileModelHandler(modelPath: string): io.IOHandler {
  return {
    load: async (): Promise<io.ModelArtifacts> => {
      const text = (await readWholeFile(modelPath, MAX_TEXT_FILE_BYTES, 'model file')).toString('utf8');
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
      let weightBytes = 0;
      const manifest = Array.isArray(json.weightsManifest) ? json.weightsManifest : [];
      for (const group of manifest) {
        if (!Array.isArray(group?.weights) || !Array.isArray(group.paths)) {
          throw new UserError('model.json has a weightsManifest entry without weights and paths', { file: modelPath, hint: 'save the model again with model.save()' });
        }
        weightSpecs.push(...group.weights);
        for (const path of group.paths) {
          const shard = await readWeightFile(modelPath, path, MAX_WEIGHT_FILE_BYTES - weightBytes);
          weightBytes += shard.length;
          shards.push(shard);
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
