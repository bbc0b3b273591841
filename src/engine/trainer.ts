// What the LR sweep needs from a model: one training step at a given rate, the loss of some rows, and a
// way back to the initial state so that every run starts from the same weights and optimizer state.

export interface Trainer {
  /** The TF.js backend (or 'wasm' for the fused WASM trainer). */
  readonly backend: string;
  /** Restores the initial weights and a fresh optimizer state. */
  reset(): void;
  /**
   * One optimizer step on `size` rows (x row-major, y labels) at learning rate `lr`; returns the batch's
   * loss measured before the update (as every LR finder records it).
   */
  step(x: Float32Array, y: Float32Array, size: number, lr: number): number;
  /** Mean loss over `rows` rows without training (for the validation loss). */
  evaluate(x: Float32Array, y: Float32Array, rows: number): number;
  /** The current weights, flattened in the model's weight order (for tests and hand-over between trainers). */
  weights(): Float32Array[];
  dispose(): void;
}
