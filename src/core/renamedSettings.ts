// Settings renamed in 0.2.0 so that the titles VS Code derives from their keys ("Start Lr", "Pytorch Amp")
// read as people write them. The old keys are still read for one release, so nobody's settings.json silently
// stops working: a value set under the old name counts wherever the new name is not set at the same level.

/** New key → the key it replaces (both without the `cyclicalLr.` section). */
export const RENAMED_SETTINGS: Readonly<Record<string, string>> = {
  startLearningRate: 'startLr',
  endLearningRate: 'endLr',
  divergenceFactor: 'diverge',
  torchDevice: 'pytorchDevice',
  torchGradientAccumulation: 'pytorchAccumulate',
  torchMixedPrecision: 'pytorchAmp',
};

/** The levels of one setting as VS Code's `WorkspaceConfiguration.inspect` reports them. */
export interface SettingLevels<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * The value a renamed setting takes. VS Code lets the most specific level win (folder over workspace over
 * user), and so do we, with the old key standing in for the new one at each level where the new one is not
 * set: an old workspace value still overrides a new user value, as it did before the rename.
 */
export function renamedSettingValue<T>(current: SettingLevels<T> | undefined, old: SettingLevels<T> | undefined): T | undefined {
  for (const level of ['workspaceFolderValue', 'workspaceValue', 'globalValue'] as const) {
    if (current?.[level] !== undefined) return current[level];
    if (old?.[level] !== undefined) return old[level];
  }
  return current?.defaultValue;
}
