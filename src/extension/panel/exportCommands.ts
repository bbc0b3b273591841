import * as path from 'node:path';
import * as vscode from 'vscode';
import { isUserError } from '../../core/errors';
import type { RangeTestConfig } from '../../core/types';
import type { ExportFormat } from '../../core/wire/panelChannel';
import { logLine } from '../outputChannel';
import type { HistoryView } from './historyView';
import { pngBytesFromDataUrl, runToCsv } from './runCsv';
import { writeRunExport } from './runExport';
import type { StoredRun } from './runHistory';
import type { PanelPort } from './runPorts';

// Exporting a run as PNG, CSV or JSON: from the history's "Export Run…" command or the panel's buttons.
// The file is written by writeRunExport (runExport.ts) after its checks; this is the editor's side of it.

/** How long the panel may take to render the chart for a PNG export before the user is told. */
const PNG_TIMEOUT_MS = 10_000;

export class RunExporter {
  private pngRequests = new Map<number, (dataUrl: string | null) => void>();
  private nextPngRequest = 1;

  constructor(
    private readonly historyView: HistoryView,
    private readonly panel: PanelPort,
  ) {}

  /** `cyclicalLr.exportRun`: which run (unless `arg` names it), which format, where. */
  async exportCommand(arg: unknown): Promise<void> {
    const run = await this.historyView.pickRun('Export which run?', arg);
    if (!run) return;
    const format = await vscode.window.showQuickPick(
      [
        { label: 'PNG', description: 'the chart as an image', format: 'png' as const },
        { label: 'CSV', description: 'step, lr, loss, smoothed', format: 'csv' as const },
        { label: 'JSON', description: 'the full result', format: 'json' as const },
      ],
      { placeHolder: 'Export as' },
    );
    if (!format) return;
    if (format.format !== 'png') return this.exportRun(run, format.format);
    // The PNG is the panel's own rendering of the chart: show the run there, then ask for the image.
    this.panel.reveal();
    this.historyView.show(run);
    const requestId = this.nextPngRequest++;
    const dataUrl = await new Promise<string | null>((resolve) => {
      this.pngRequests.set(requestId, resolve);
      setTimeout(() => resolve(null), PNG_TIMEOUT_MS);
      this.panel.post({ type: 'requestPng', requestId });
    });
    this.pngRequests.delete(requestId);
    if (!dataUrl) {
      void vscode.window.showErrorMessage('The range test panel did not render the chart; open the run in the panel and use its PNG button.');
      return;
    }
    await this.exportRun(run, 'png', dataUrl);
  }

  /** The panel's answer to a `requestPng`. */
  pngRendered(requestId: number, dataUrl: string | null): void {
    this.pngRequests.get(requestId)?.(dataUrl);
  }

  /** The panel's CSV and JSON buttons: a run of the history. */
  async exportKept(id: string, format: ExportFormat): Promise<void> {
    const run = await this.historyView.history.load(id);
    if (!run) {
      void vscode.window.showWarningMessage('That run is not in the history (it may still be running, or was deleted).');
      return;
    }
    return this.exportRun(run, format);
  }

  /**
   * The panel's PNG button: the panel's own drawing of any run it shows that has ended, kept in the history
   * or not (`endedConfig`: the configuration of the latest run, when that is the one and it has ended).
   */
  async exportDrawn(id: string, dataUrl: string, endedConfig: RangeTestConfig | undefined): Promise<void> {
    const stored = await this.historyView.history.load(id);
    const config = endedConfig ?? stored?.result.config;
    if (!config) {
      void vscode.window.showWarningMessage('That run is still running, or was deleted.');
      return;
    }
    return this.exportFile(id, 'png', pngBytesFromDataUrl(dataUrl), config, stored?.result.dataset.labelFile);
  }

  private async exportRun(run: StoredRun, format: ExportFormat, dataUrl?: string): Promise<void> {
    let bytes: Uint8Array;
    if (format === 'png') bytes = pngBytesFromDataUrl(dataUrl ?? '');
    else if (format === 'csv') bytes = Buffer.from(runToCsv(run.result), 'utf8');
    else bytes = Buffer.from(JSON.stringify(run.result, null, 2) + '\n', 'utf8');
    await this.exportFile(run.id, format, bytes, run.result.config, run.result.dataset.labelFile);
  }

  /** Asks where to save (in the workspace by default) and writes the file (see runExport.ts). */
  private async exportFile(runId: string, format: ExportFormat, bytes: Uint8Array, config: RangeTestConfig, labelFile?: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `lr-range-test-${runId}.${format}`;
    const filters: Record<ExportFormat, Record<string, string[]>> = {
      png: { 'PNG image': ['png'] },
      csv: { CSV: ['csv'] },
      json: { JSON: ['json'] },
    };
    const target = await vscode.window.showSaveDialog({
      title: `Export range test as ${format.toUpperCase()}`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: filters[format],
    });
    if (!target) return;
    if (target.scheme === 'file') {
      try {
        writeRunExport(target.fsPath, format, bytes, config, labelFile);
      } catch (error) {
        if (!isUserError(error)) throw error;
        // The user's choice of path, not our bug: say what is wrong with it and write nothing.
        logLine(`export refused: ${error.format()}`);
        void vscode.window.showErrorMessage(`Not exported to ${target.fsPath}: ${error.message}${error.hint ? ` — ${error.hint}` : ''}.`);
        return;
      }
    } else {
      // A virtual file system (no path on this machine): only its provider can write there.
      await vscode.workspace.fs.writeFile(target, bytes);
    }
    void vscode.window.showInformationMessage(`Exported ${path.basename(target.fsPath)}.`);
  }
}
