// Shared by the activation bundle (which must not load the parser to find out) and the CodeLens itself.

/** Text that may hold a scheduler call: only such Python files get the scheduler-call parser. */
export const SCHEDULER_CLASS_PATTERN = /CyclicLR|OneCycleLR|CosineAnnealingWarmRestarts|SequentialLR/;
