// Learning-rate schedules computed exactly as PyTorch computes them; see compute.ts for the convention.

export * from './spec';
export * from './defaults';
export { validateScheduleSpec } from './validate';
export { computeSchedule, defaultPreviewSteps } from './compute';
export { nativeScaleMode } from './cyclic';
export { oneCycleTotalSteps } from './oneCycle';
export { warmupPhases } from './warmup';
export { rangeTestLrs } from './rangeTestSweep';
