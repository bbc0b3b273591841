// The label files a dataset reader would take from beside the data: only the data layer knows their names.
import { basename } from 'node:path';
import { idxLabelCandidates } from '../data/arrayReaders';
import { companionLabels } from '../data/npy';

export function companionLabelFiles(dataset: string): string[] {
  const files: string[] = [];
  if (/\.npy$/i.test(dataset)) {
    const { found } = companionLabels(dataset);
    if (found !== undefined) files.push(found);
  }
  if (/idx|ubyte/i.test(basename(dataset))) files.push(...idxLabelCandidates(dataset));
  return files;
}
