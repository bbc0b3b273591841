// TensorFlow.js itself (core, layers, the CPU and WASM backends): the one module that imports it. tf.ts
// requires it only when a run needs TF.js, and the bundles leave it out (scripts/build.mjs builds it into
// dist/tfLibraries.js of its own), so that a run on the fused WASM trainers never reads or starts TF.js.
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export { tfc, tfl, setWasmPaths };

// Naming an export keeps the CPU backend (and its kernel registrations) in the bundle: its package.json
// declares the file side-effect free, so a bare import would be dropped.
export const CPU_BACKEND_VERSION: string = version_cpu;
