// Loads TensorFlow.js with the backend the user asked for. The engine talks to TF.js only through the
// namespace returned here, because native TensorFlow (@tensorflow/tfjs-node) brings its own copy of
// tfjs-core: tensors from our bundled copy and from its copy cannot be mixed. Our copy is required on the
// first loadTf (tfLibraries.ts): a run that trains on the fused WASM trainers never loads it.
import type * as tfc from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../core/errors';
import { BackendChoice } from '../core/types';
import { registerWasmConvFilterGradient } from './wasmConvFilterGradient';
import { registerWasmTrainingKernels } from './wasmTrainingKernels';

/** The parts of the TF.js API the engine uses (both our bundled core+layers and tfjs-node provide them). */
export type Tf = typeof tfc & Pick<typeof tfl, 'sequential' | 'layers' | 'loadLayersModel' | 'initializers'>;

export interface LoadedTf {
  tf: Tf;
  /** The backend's TF.js name: 'tensorflow' (native), 'wasm' or 'cpu'. */
  backend: string;
}

type TfLibraries = typeof import('./tfLibraries');
let libraries: { bundled: Tf; setWasmPaths: TfLibraries['setWasmPaths'] } | undefined;

/** Our copy of TF.js, loaded on first use (a separate bundle beside this one, see scripts/build.mjs). */
function ours(): { bundled: Tf; setWasmPaths: TfLibraries['setWasmPaths'] } {
  if (!libraries) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { tfc, tfl, setWasmPaths } = require('./tfLibraries') as TfLibraries;
    libraries = { bundled: { ...tfc, sequential: tfl.sequential, layers: tfl.layers, loadLayersModel: tfl.loadLayersModel, initializers: tfl.initializers }, setWasmPaths };
  }
  return libraries;
}

/** Where the .wasm binaries are: beside the bundle (dist/), else in the installed package (tests). */
export function findWasmDirectory(): string | undefined {
  const candidates = [__dirname];
  try {
    candidates.push(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'));
  } catch {
    // not resolvable from a bundle without node_modules; the bundle's folder is the answer then
  }
  return candidates.find((dir) => existsSync(join(dir, 'tfjs-backend-wasm-simd.wasm')));
}

const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/** Whether native TensorFlow is installed (resolvable; whether it loads is loadTf's to find out). */
export function nativeTfInstalled(): boolean {
  return NATIVE_PACKAGES.some((name) => {
    try {
      require.resolve(name);
      return true;
    } catch {
      return false;
    }
  });
}

function loadNative(): Tf | undefined {
  for (const name of NATIVE_PACKAGES) {
    try {
      // A runtime require: native TensorFlow is optional and never bundled.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(name) as Tf;
    } catch {
      // not installed (or its native library does not load): try the next one
    }
  }
  return undefined;
}

let wasmPathSet = false;

async function useWasm(bundled: Tf): Promise<boolean> {
  const dir = findWasmDirectory();
  if (!dir) return false;
  if (!wasmPathSet) {
    ours().setWasmPaths(dir + '/');
    wasmPathSet = true;
  }
  try {
    return await bundled.setBackend('wasm');
  } catch {
    return false;
  }
}

/**
 * `auto`: native TensorFlow if it loads, else WASM (SIMD), else plain JS. An explicit choice that cannot be
 * honoured is a UserError, so that a setting the user made is never silently ignored.
 */
export async function loadTf(choice: BackendChoice): Promise<LoadedTf> {
  const { bundled } = ours();
  // PROD skips TF.js's debug checks and its console advice ("install the node backend"), which would
  // otherwise land in the middle of the CLI's output.
  bundled.env().set('PROD', true);
  if (choice === 'auto' || choice === 'node') {
    const native = loadNative();
    if (native) {
      await native.setBackend('tensorflow');
      await native.ready();
      return { tf: native, backend: native.getBackend() };
    }
    if (choice === 'node') {
      throw new UserError('the native TensorFlow backend (@tensorflow/tfjs-node) is not installed or does not load', {
        hint: "run 'npm install @tensorflow/tfjs-node' where the extension is installed, or choose backend auto, wasm or cpu",
      });
    }
  }
  if (choice === 'auto' || choice === 'wasm') {
    if (await useWasm(bundled)) {
      await bundled.ready();
      registerWasmConvFilterGradient(bundled);
      registerWasmTrainingKernels(bundled);
      return { tf: bundled, backend: 'wasm' };
    }
    if (choice === 'wasm') {
      throw new UserError('the WASM backend could not start (its .wasm files were not found beside the program)', {
        hint: 'reinstall the extension, or choose backend cpu',
      });
    }
  }
  await bundled.setBackend('cpu');
  await bundled.ready();
  return { tf: bundled, backend: 'cpu' };
}
