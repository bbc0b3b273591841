/**
 * Rows are allocated on shared memory so that a range test's parallel runs (worker threads) read the
 * dataset in place: copying it for them would double the peak memory of a dataset near the budget.
 */
export function sharedFloat32Array(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

/** Whether `array` is the whole of a shared buffer (so threads can be handed its buffer as is). */
export function isWholeSharedArray(array: Float32Array): boolean {
  return array.buffer instanceof SharedArrayBuffer && array.byteOffset === 0 && array.byteLength === array.buffer.byteLength;
}
