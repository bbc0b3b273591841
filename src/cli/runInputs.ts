// The files a range test reads, so that no output of the run can be one of them.
import { basename, dirname, join } from 'node:path';
import { RangeTestConfig } from '../core/types';
import { idxLabelCandidates } from '../data/arrayReaders';
import { companionLabels } from '../data/npy';
import { isPreset } from '../engine/models';
import { RunInput } from '../outputs/outputPaths';

export function rangeTestInputs(config: RangeTestConfig): RunInput[] {
  if (config.pytorch !== undefined) return [{ role: 'the Python file', path: config.dataset }];
  const inputs: RunInput[] = [{ role: 'the dataset', path: config.dataset }];
  if (/\.npy$/i.test(config.dataset)) {
    const { found } = companionLabels(config.dataset);
    if (found !== undefined) inputs.push({ role: 'the label file', path: found });
  }
  if (/idx|ubyte/i.test(basename(config.dataset))) for (const candidate of idxLabelCandidates(config.dataset)) inputs.push({ role: 'the label file', path: candidate });
  if (config.target !== undefined && /\.npy$/i.test(config.target)) inputs.push({ role: 'the label file', path: join(dirname(config.dataset), config.target) });
  if (!isPreset(config.model)) inputs.push({ role: 'the model file', path: config.model });
  return inputs;
}
