// The sizes we accept from any caller (CLI flags, the panel, the worker protocol), in one place so that the
// validators and the engine can never disagree. Each keeps memory and time bounded on a laptop; the error
// that enforces one names it, so that a user who hits it knows what to ask for instead.

/** Optimizer steps of one range test. */
export const MAX_ITERATIONS = 100_000;
/** Rows per step. */
export const MAX_BATCH_SIZE = 65_536;
/** Seeded runs averaged into one curve (the panel's form offers up to this many). */
export const MAX_RUNS = 20;
/** Units of one hidden layer of the mlp preset. */
export const MAX_HIDDEN_UNITS = 8192;
/** Hidden layers of the mlp preset. */
export const MAX_HIDDEN_LAYERS = 16;
/** Weights of a preset model (the trainer keeps several copies: weights, gradients, optimizer state). */
export const MAX_PARAMETERS = 20_000_000;
/** Steps `clr schedule` lists: a million (with momentum) prints in about 2 s of CPU and 200 MB. */
export const MAX_SCHEDULE_STEPS = 1_000_000;
/** Longest path we accept from another process (the panel, a worker). */
export const MAX_PATH_LENGTH = 4096;
/** Pixels (width × height) of one image we decode: checked from its header, before decoding. */
export const MAX_IMAGE_PIXELS = 16_777_216;
/** Bytes of one image file. */
export const MAX_IMAGE_FILE_BYTES = 64 * 1024 * 1024;
/** Bytes of a file read whole: a curve for `clr suggest`, a model.json. */
export const MAX_TEXT_FILE_BYTES = 256 * 1024 * 1024;
/** Bytes of all of a model's weight files together. */
export const MAX_WEIGHT_FILE_BYTES = 1024 * 1024 * 1024;
/** Bytes of one line on a protocol stream (JSON lines from a worker); longer ends the run. */
export const MAX_PROTOCOL_LINE_BYTES = 64 * 1024 * 1024;
