import type { ExportFormat } from '../../core/wire/panelChannel';
import type { RangeTestConfig } from '../../core/types';
import { writeFileAtomic } from '../../outputs/atomicWrite';
import { checkOutputPaths } from '../../outputs/outputPaths';
import { rangeTestInputs } from '../../outputs/runInputs';

// An export of a run (the panel's Export… buttons, the history's "Export Run…") is our output like the
// CLI's --json: written by the same atomic writer after the same checks, so it can never replace the run's
// dataset or model, a folder, a device, a pipe or a read-only file. No vscode import: unit-tested on files.

/** Writes an export at `path` (absolute), or throws a UserError that says why not and leaves the path as it was. */
export function writeRunExport(path: string, format: ExportFormat, bytes: Uint8Array, config: RangeTestConfig, labelFile?: string): void {
  checkOutputPaths([{ flag: format, path, label: 'the export file' }], rangeTestInputs(config, labelFile === undefined ? [] : [labelFile]));
  writeFileAtomic(path, bytes);
}
