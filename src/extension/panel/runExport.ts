import { dirname, isAbsolute, join } from 'node:path';
import type { ExportFormat } from '../../core/wire/panelChannel';
import { MODEL_PRESETS, type RangeTestConfig } from '../../core/types';
import { writeFileAtomic } from '../../outputs/atomicWrite';
import { checkOutputPaths, type RunInput } from '../../outputs/outputPaths';

// An export of a run (the panel's Export… buttons, the history's "Export Run…") is our output like the
// CLI's --json: written by the same atomic writer after the same checks, so it can never replace the run's
// dataset or model, a folder, a device, a pipe or a read-only file. No vscode import: unit-tested on files.

/**
 * The files the run read: those its settings name, and the label file its dataset reader found beside the
 * data (`labelFile` of the result's dataset summary; the extension does not open datasets itself).
 */
export function exportInputs(config: RangeTestConfig, labelFile?: string): RunInput[] {
  if (config.pytorch !== undefined) return [{ role: 'the Python file', path: config.dataset }];
  const inputs: RunInput[] = [{ role: 'the dataset', path: config.dataset }];
  if (config.target !== undefined && /\.npy$/i.test(config.target)) {
    inputs.push({ role: 'the label file', path: isAbsolute(config.target) ? config.target : join(dirname(config.dataset), config.target) });
  }
  if (labelFile !== undefined) inputs.push({ role: 'the label file', path: labelFile });
  if (!(MODEL_PRESETS as readonly string[]).includes(config.model)) inputs.push({ role: 'the model file', path: config.model });
  return inputs;
}

/** Writes an export at `path` (absolute), or throws a UserError that says why not and leaves the path as it was. */
export function writeRunExport(path: string, format: ExportFormat, bytes: Uint8Array, config: RangeTestConfig, labelFile?: string): void {
  checkOutputPaths([{ flag: format, path, label: 'the export file' }], exportInputs(config, labelFile));
  writeFileAtomic(path, bytes);
}
