// The files a range test reads, so that no output of the run (the CLI's --json and --report, the panel's
// exports) can be one of them.
import { dirname, resolve } from 'node:path';
import { isPreset, type RangeTestConfig } from '../core/types';
import type { RunInput } from './outputPaths';

/**
 * The files the settings name, plus `labelFiles`: the label files the dataset reader takes from beside the
 * data (a companion `y.npy`, IDX labels). Only the reader knows those names: the CLI asks the data layer, the
 * extension reads them from the run's dataset summary.
 */
export function rangeTestInputs(config: RangeTestConfig, labelFiles: readonly string[] = []): RunInput[] {
  if (config.pytorch !== undefined) return [{ role: 'the Python file', path: config.dataset }];
  const inputs: RunInput[] = [{ role: 'the dataset', path: config.dataset }];
  if (config.target !== undefined && /\.npy$/i.test(config.target)) inputs.push({ role: 'the label file', path: resolve(dirname(config.dataset), config.target) });
  for (const path of labelFiles) inputs.push({ role: 'the label file', path });
  if (!isPreset(config.model)) inputs.push({ role: 'the model file', path: config.model });
  return inputs;
}
