import * as vscode from 'vscode';
import { describeBug, isUserError } from '../../core/errors';
import type { RangeTestConfig } from '../../core/types';
import type { FromWebview } from '../../core/wire/panelChannel';
import type { DatasetInspector } from '../../worker/inspection';
import { logLine } from '../outputChannel';
import type { RunExporter } from './exportCommands';
import { findDatasets, pickDataset } from './datasetPicker';
import { type HistoryView, panelRunOf } from './historyView';
import { configFromRequest, defaultRunRequest } from './panelSettings';
import { RangeTestPanel } from './rangeTestPanel';
import type { RunLifecycle } from './runLifecycle';
import type { SchedulerInsertion } from './schedulerInsertion';
import { confineWebviewPaths } from './webviewPaths';

// What the panel's webview asks for, routed to the part that does it. Every message was validated on
// arrival (rangeTestPanel.ts); the paths in it are confined here before anything uses them.

export interface PanelMessageTargets {
  runs: RunLifecycle;
  historyView: HistoryView;
  exporter: RunExporter;
  insertion: SchedulerInsertion;
  inspector: DatasetInspector;
  /** Starts a run of the built-in worker (the panel's Run button). */
  runWorker(config: RangeTestConfig): Promise<unknown>;
  /** The webview has loaded (or come back from hidden) and can start a run. */
  panelReady(): void;
}

export class PanelMessages {
  /** The dataset the form starts with: the latest one run or picked. */
  lastDataset = '';

  constructor(private readonly to: PanelMessageTargets) {}

  /** The panel's message handler: a failure is logged and shown, never thrown into the webview's channel. */
  handle(message: FromWebview): void {
    this.dispatch(message).catch((error: unknown) => {
      logLine(`panel: handling '${message.type}' failed: ${isUserError(error) ? error.message : describeBug(error)}`);
      void vscode.window.showErrorMessage(`Cyclical LR: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private async dispatch(received: FromWebview): Promise<void> {
    const panel = RangeTestPanel.instance;
    if (!panel) return;
    const confined = confineWebviewPaths(received);
    if ('refused' in confined) {
      logLine(`panel: refused a '${received.type}' message: ${confined.refused}`);
      if (received.type === 'inspectDataset') panel.post({ type: 'datasetInspected', requestId: received.requestId, summary: null, error: confined.refused });
      else void vscode.window.showErrorMessage(`Cyclical LR: ${confined.refused}`);
      return;
    }
    const { runs, historyView, exporter } = this.to;
    const message = confined.message;
    switch (message.type) {
      case 'ready':
        this.to.panelReady();
        return this.onReady(panel, message.shownRunId, message.overlayRunId);
      case 'pickDataset': {
        const dataset = await pickDataset();
        if (dataset) {
          this.lastDataset = dataset;
          // The form inspects the dataset it is given (an inspectDataset request), as when the user types one.
          panel.post({ type: 'datasets', datasets: await findDatasets(), selected: dataset });
        }
        return;
      }
      case 'inspectDataset': {
        // In a worker process (see DatasetInspector): reading a large dataset must not stall the editor.
        const outcome = await this.to.inspector.inspect(message.path, message.target);
        panel.post({ type: 'datasetInspected', requestId: message.requestId, ...('summary' in outcome ? outcome : { summary: null, error: outcome.error }) });
        return;
      }
      case 'run':
        await this.to.runWorker(configFromRequest(message.request));
        return;
      case 'cancel':
        return runs.cancel();
      case 'progressShown':
        return runs.acknowledge(message.runId);
      case 'insert':
        return this.to.insertion.insert(message.framework, message.spec, message.stepsPerEpoch, message.optimizer);
      case 'openRun': {
        const run = await historyView.history.load(message.id);
        if (run) historyView.show(run);
        return;
      }
      case 'overlayRun': {
        const run = message.id ? await historyView.history.load(message.id) : undefined;
        panel.post({ type: 'overlay', run: run ? panelRunOf(run) : null });
        return;
      }
      case 'deleteRun':
        return historyView.confirmDelete(message.id);
      case 'export':
        return exporter.exportKept(message.id, message.format);
      case 'exportPng':
        return exporter.exportDrawn(message.id, message.dataUrl, runs.endedConfig(message.id));
      case 'png':
        return exporter.pngRendered(message.requestId, message.dataUrl);
      case 'log':
        logLine(`webview ${message.level}: ${message.message}`);
        return;
    }
  }

  /** A (re)created webview gets everything it shows that it did not keep in its own state. */
  private async onReady(panel: RangeTestPanel, savedRunId: string | null, overlayRunId: string | null): Promise<void> {
    const { runs, historyView } = this.to;
    const history = historyView.history;
    panel.post({ type: 'init', defaults: defaultRunRequest(this.lastDataset), datasets: [], history: await history.list() });
    const shownRunId = runs.shownRun(savedRunId);
    if (!runs.replay(shownRunId) && shownRunId) {
      const run = await history.load(shownRunId);
      if (run) historyView.show(run);
    }
    if (overlayRunId) {
      const overlay = await history.load(overlayRunId);
      if (overlay) panel.post({ type: 'overlay', run: panelRunOf(overlay) });
    }
    // Searching the workspace can take a moment: the form is usable before the list arrives.
    findDatasets().then(
      (datasets) => panel.post({ type: 'datasets', datasets }),
      (error: unknown) => logLine(`could not list datasets: ${String(error)}`),
    );
  }
}
