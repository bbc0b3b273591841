// Ready-to-paste scheduler code for PyTorch, PyTorch Lightning, Keras 3, TensorFlow.js and fastai: the public
// face of this folder (generate.ts explains how the code is checked against `clr schedule`).

export { formatNumber } from '../pythonNumbers';
export { TORCH_CYCLIC_BETA1_VERSION } from '../momentum';
export { DEFAULT_BOUNDS, DEFAULT_EPOCHS, DEFAULT_EPOCHS_PER_HALF_CYCLE, DEFAULT_GAMMA, DEFAULT_SGDR } from '../schedules';
export * from './catalog';
export { defaultSnippetSpec, type SnippetDefaultsInput } from './defaults';
export { escapeSnippet } from './render';
export { generateSnippet } from './generate';
export { rangeTestProvenance, snippetForRequest, stepsPerEpochOf, withScalingCaveat, type SnippetRequest } from './request';
