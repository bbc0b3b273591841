import * as path from 'node:path';
import * as vscode from 'vscode';
import { isUserError } from '../../core/errors';
import type { ScheduleSpec } from '../../core/schedules';
import { describeRunEnd } from '../../core/runOutcome';
import type { RangeTestConfig, RangeTestResult } from '../../core/types';
import { type ExportFormat, type FromWebview, type PanelRun } from '../../core/wire/panelChannel';
import { ScheduleSpecSchema } from '../../core/wire/scheduleSpec';
import { parseWith } from '../../core/wire/schemaParts';
import type { WorkerEvent } from '../../core/wire/workerChannel';
import { isRangeTestCancelled, startRangeTest } from '../../worker/client';
import { DatasetInspector } from '../../worker/inspection';
import { LAST_RESULT_STATE_KEY } from '../lastResult';
import { logLine, outputChannel } from '../outputChannel';
import type { PanelTestAccess } from '../testMode/panelTestAccess';
import { findDatasets, pickDataset } from './datasetPicker';
import { allowWebviewPath, confineWebviewPaths } from './webviewPaths';
import { configFromRequest, configFromSettings, defaultRunRequest } from './panelSettings';
import { RangeTestPanel } from './rangeTestPanel';
import { pngBytesFromDataUrl, runToCsv } from './runCsv';
import { RunController, systemClock } from './runController';
import { writeRunExport } from './runExport';
import { newRunId, RunHistory, StoredRun } from './runHistory';
import type { RunProgress } from './runPorts';
import { showRunProgress } from './runProgress';


/**
 * Something that runs a range test and streams worker-protocol events: the built-in TF.js worker, or
 * another runner such as the PyTorch bridge. `showRangeTestRun` shows any of them in the panel with the
 * same progress, cancellation, history and error handling.
 */
export interface RangeTestRunner {
  /** Shown in the panel, the progress notification and the history, e.g. the dataset's file name. */
  label: string;
  /** The configuration the run uses (its `dataset` is what the history records). */
  config: RangeTestConfig;
  start(onEvent: (event: WorkerEvent) => void): { result: Promise<RangeTestResult>; cancel(): void };
}

interface ActiveRun {
  run: PanelRun;
  /** What the panel and the status bar show of this run: both render from its updates only. */
  state: RunController;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  failure?: { message: string; hint?: string; location?: string };
  /** The partial curve of a cancelled run (shown, and exportable as PNG, though not kept in the history). */
  partial?: RangeTestResult;
  cancel?: () => void;
  progress?: RunProgress;
}

let controller: PanelController | undefined;

/** Registers the panel's commands (its serializer is registered at activation, see extension.ts). */
export function registerPanel(context: vscode.ExtensionContext): void {
  controller = new PanelController(context);
  context.subscriptions.push(controller);
}

/** Adopts the panel VS Code restored after a reload (the serializer registered at activation calls this). */
export function revivePanel(context: vscode.ExtensionContext, panel: vscode.WebviewPanel): void {
  if (!controller) registerPanel(context);
  (controller as PanelController).revive(panel);
}

/**
 * Shows a range test from any runner in the panel, exactly like a built-in run (progress, cancel, chart,
 * suggestions, history, `cyclicalLr.lastResult`). For the PyTorch bridge:
 *
 *   showRangeTestRun(context, { label, config, start: (onEvent) => startPyTorchRangeTest(..., onEvent) })
 *
 * Resolves with the result, or undefined when the run was cancelled, failed (already reported to the user),
 * or another run was in progress.
 */
export function showRangeTestRun(context: vscode.ExtensionContext, runner: RangeTestRunner): Promise<RangeTestResult | undefined> {
  if (!controller) registerPanel(context);
  return (controller as PanelController).startRun(runner);
}

/** Whether a range test is being shown live (another one would be refused). */
export function rangeTestRunning(): boolean {
  return controller?.running ?? false;
}

class PanelController implements vscode.Disposable {
  private readonly history: RunHistory;
  private readonly inspector: DatasetInspector;
  private readonly disposables: vscode.Disposable[] = [];
  private active: ActiveRun | undefined;
  private lastEditor: vscode.TextEditor | undefined;
  private lastDataset = '';
  /**
   * The run this controller last told the panel to show. A webview destroyed while hidden comes back with
   * the id it had saved, which is stale if a run started meanwhile; this one is not.
   */
  private shownRunId: string | null = null;
  private pngRequests = new Map<number, (dataUrl: string | null) => void>();
  private nextPngRequest = 1;

  constructor(private readonly context: vscode.ExtensionContext) {
    const storage = context.storageUri ?? context.globalStorageUri;
    this.history = new RunHistory(path.join(storage.fsPath, 'runs'), (problem) => logLine(problem));
    this.inspector = new DatasetInspector(context.asAbsolutePath(path.join('dist', 'worker.js')));
    this.lastEditor = vscode.window.activeTextEditor;
    const command = (id: string, run: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, run);
    if (context.extensionMode === vscode.ExtensionMode.Test) this.loadTestMode();
    this.disposables.push(
      outputChannel(),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && editor.document.uri.scheme !== 'output') this.lastEditor = editor;
      }),
      command('cyclicalLr.openPanel', (arg) => this.openPanel(arg)),
      command('cyclicalLr.runRangeTest', (arg) => this.runRangeTestCommand(arg)),
      // The walkthrough's first step: the bundled example, read in place (datasets are never written).
      command('cyclicalLr.runExample', () => this.runRangeTestCommand({ dataset: context.asAbsolutePath(path.join('examples', 'sensors.csv')) })),
      command('cyclicalLr.cancelRangeTest', () => this.cancel()),
      command('cyclicalLr.openRun', (arg) => this.openRunCommand(arg)),
      command('cyclicalLr.exportRun', (arg) => this.exportRunCommand(arg)),
      command('cyclicalLr.deleteRun', (arg) => this.deleteRunCommand(arg)),
    );
  }

  /**
   * The tests' own hooks, a bundle of their own (dist/test/testMode.js, never packaged) loaded only in test
   * mode: nothing of them is in the product's bundles. They see the panel through this narrow access only.
   */
  private loadTestMode(): void {
    const access: PanelTestAccess = {
      runState: () =>
        this.active ? { runId: this.active.run.id, progress: this.active.state.progress, renders: this.active.state.renders, roundTripMs: this.active.state.roundTripMs, statusBar: this.active.progress?.text ?? null } : null,
      postToWebview: (message) => this.panel().postRaw(message),
      receiveOther: (handler) => (RangeTestPanel.extraReceiver = handler),
      onHidden: (handler) => (RangeTestPanel.onHidden = handler),
      useWebviewScript: (script) => (RangeTestPanel.script = script),
    };
    // A path the bundler cannot follow: the test-mode bundle stays out of dist/extension.js.
    const modulePath = this.context.asAbsolutePath(path.join('dist', 'test', 'testMode.js'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a run-time path, on purpose (above)
    const testMode = require(modulePath) as { registerTestMode(access: PanelTestAccess): vscode.Disposable[] };
    this.disposables.push(...testMode.registerTestMode(access));
  }

  get running(): boolean {
    return this.active?.status === 'running';
  }

  revive(panel: vscode.WebviewPanel): void {
    RangeTestPanel.revive(panel, this.context.extensionUri, (m) => this.handle(m));
  }

  dispose(): void {
    this.active?.cancel?.();
    this.inspector.dispose();
    RangeTestPanel.instance?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    if (controller === this) controller = undefined;
  }

  /** The panel, created or revealed; `focus` moves the keyboard focus into it (the user asked for it). */
  private panel(focus = false): RangeTestPanel {
    return RangeTestPanel.show(this.context.extensionUri, (m) => this.handle(m), focus);
  }

  // ---- commands ----

  /** `cyclicalLr.openPanel`, optionally with `{ schedule }` (the CodeLens) to preview that schedule. */
  private openPanel(arg: unknown): void {
    const panel = this.panel(true);
    const schedule = (arg as { schedule?: unknown } | undefined)?.schedule;
    if (schedule !== undefined) {
      const parsed = parseWith(ScheduleSpecSchema, schedule);
      if (parsed.ok) panel.post({ type: 'setSchedule', spec: parsed.value });
      else logLine(`openPanel: ignoring an invalid schedule argument (${parsed.problem})`);
    }
  }

  /**
   * `cyclicalLr.runRangeTest`: from the Explorer (a Uri), from code (`{ dataset, config? }`, e.g. tests),
   * or from the palette (a QuickPick of the workspace's datasets). Resolves when the run ends.
   */
  private async runRangeTestCommand(arg: unknown): Promise<RangeTestResult | undefined> {
    let dataset: string | undefined;
    let overrides: Partial<RangeTestConfig> = {};
    if (arg instanceof vscode.Uri) dataset = arg.fsPath;
    else if (typeof arg === 'object' && arg !== null && typeof (arg as { dataset?: unknown }).dataset === 'string') {
      dataset = (arg as { dataset: string }).dataset;
      overrides = ((arg as { config?: Partial<RangeTestConfig> }).config ?? {}) as Partial<RangeTestConfig>;
    } else dataset = await pickDataset();
    if (!dataset) return undefined;
    const config = { ...configFromSettings(dataset), ...overrides, dataset };
    return this.startRun(this.workerRunner(config));
  }

  private workerRunner(config: RangeTestConfig): RangeTestRunner {
    const workerPath = this.context.asAbsolutePath(path.join('dist', 'worker.js'));
    return {
      label: path.basename(config.dataset),
      config,
      start: (onEvent) => startRangeTest(config, { workerPath, onEvent, belowNormalPriority: true }),
    };
  }

  private async pickRun(placeHolder: string, arg: unknown): Promise<StoredRun | undefined> {
    let id = typeof arg === 'string' ? arg : undefined;
    if (!id) {
      const entries = await this.history.list();
      if (!entries.length) {
        void vscode.window.showInformationMessage('No range test runs in this workspace yet.');
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(
        entries.map((e) => ({
          label: e.label,
          description: new Date(e.createdAt).toLocaleString(),
          detail: `${e.points} steps · ${e.stopReason} · bounds ${e.bounds.baseLr.toPrecision(2)}–${e.bounds.maxLr.toPrecision(2)}`,
          id: e.id,
        })),
        { placeHolder },
      );
      id = picked?.id;
    }
    return id ? this.history.load(id) : undefined;
  }

  private async openRunCommand(arg: unknown): Promise<void> {
    const run = await this.pickRun('Open which run?', arg);
    if (run) this.show(this.panel(), run);
  }

  private async deleteRunCommand(arg: unknown): Promise<void> {
    const run = await this.pickRun('Delete which run?', arg);
    if (run) await this.deleteRun(run.id);
  }

  private async exportRunCommand(arg: unknown): Promise<void> {
    const run = await this.pickRun('Export which run?', arg);
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
    const panel = this.panel();
    this.show(panel, run);
    const requestId = this.nextPngRequest++;
    const dataUrl = await new Promise<string | null>((resolve) => {
      this.pngRequests.set(requestId, resolve);
      setTimeout(() => resolve(null), 10_000);
      panel.post({ type: 'requestPng', requestId });
    });
    this.pngRequests.delete(requestId);
    if (!dataUrl) {
      void vscode.window.showErrorMessage('The range test panel did not render the chart; open the run in the panel and use its PNG button.');
      return;
    }
    await this.exportRun(run, 'png', dataUrl);
  }

  // ---- runs ----

  /** Cancels the running test; the worker is gone within a second (the client kills it after a grace period). */
  private cancel(): void {
    const active = this.active;
    if (!active || active.status !== 'running' || !active.cancel) return;
    logLine(`run ${active.run.id}: cancel requested`);
    active.state.cancelRequested();
    active.cancel();
  }

  async startRun(runner: RangeTestRunner): Promise<RangeTestResult | undefined> {
    if (this.active?.status === 'running') {
      const choice = await vscode.window.showWarningMessage('A range test is already running.', 'Cancel It');
      if (choice === 'Cancel It') this.cancel();
      return undefined;
    }
    const config = runner.config;
    // The form's dataset field only ever holds datasets: a PyTorch model's file is the run's source instead.
    if (!config.pytorch) this.lastDataset = config.dataset;
    allowWebviewPath(config.dataset);
    const run: PanelRun = { id: newRunId(), label: runner.label, config };
    const panel = this.panel();
    const state = new RunController(
      run.id,
      config.runs,
      config.iterations,
      (update) => RangeTestPanel.instance?.post({ type: 'progress', runId: run.id, ...update }),
      systemClock,
      (progress) => active.progress?.report(progress),
    );
    const active: ActiveRun = { run, state, status: 'running' };
    this.active = active;
    this.shownRunId = run.id;
    panel.post({ type: 'runStarted', run, stepsExpected: config.iterations * config.runs });
    logLine(`run ${run.id}: range test on ${describeSetup(config)}`);

    active.progress = showRunProgress(runner.label, () => this.cancel());
    let handle: { result: Promise<RangeTestResult>; cancel(): void };
    try {
      handle = runner.start((event) => this.onWorkerEvent(active, event));
    } catch (error) {
      this.fail(active, error);
      active.progress.done();
      return undefined;
    }
    active.cancel = () => handle.cancel();

    try {
      const result = await handle.result;
      if (result.stopReason === 'cancelled') {
        this.cancelled(active, result);
        return undefined;
      }
      active.status = 'done';
      run.result = result;
      state.end('done');
      // The panel shows the result first; saving it (a file write) must not delay what the user waits for.
      RangeTestPanel.instance?.post({ type: 'runFinished', run: { ...run, result } });
      logLine(`run ${run.id}: ${describeRunEnd(result)} (${result.stepsPerSecond.toFixed(1)} steps/s, ${result.backend})`);
      const stored: StoredRun = { id: run.id, label: run.label, createdAt: new Date().toISOString(), result };
      await this.context.workspaceState.update(LAST_RESULT_STATE_KEY, result);
      try {
        await this.history.save(stored);
      } catch (error) {
        logLine(`run ${run.id}: could not save to history: ${String(error)}`);
      }
      await this.postHistory();
      return result;
    } catch (error) {
      if (isRangeTestCancelled(error)) this.cancelled(active);
      else this.fail(active, error);
      return undefined;
    } finally {
      active.cancel = undefined;
      active.progress.done();
    }
  }

  private onWorkerEvent(active: ActiveRun, event: WorkerEvent): void {
    if (event.type === 'log') logLine(`worker: ${event.message}`);
    active.state.event(event);
  }

  private cancelled(active: ActiveRun, partial?: RangeTestResult): void {
    active.status = 'cancelled';
    active.partial = partial && partial.lrs.length ? partial : undefined;
    active.state.end('cancelled');
    RangeTestPanel.instance?.post({ type: 'runCancelled', runId: active.run.id, ...(active.partial ? { partial: active.partial } : {}) });
    logLine(`run ${active.run.id}: cancelled after ${active.state.progress.stepsDone} steps`);
  }

  private fail(active: ActiveRun, error: unknown): void {
    active.status = 'failed';
    active.state.end('failed');
    let failure: NonNullable<ActiveRun['failure']>;
    if (isUserError(error)) {
      const { file, line, column } = error.location;
      const location = file ? [file, line, column].filter((p) => p !== undefined).join(':') : undefined;
      failure = { message: error.message, hint: error.hint, location };
    } else {
      const message = error instanceof Error ? error.message : String(error);
      failure = { message: `The range test stopped unexpectedly: ${message}`, hint: 'Details are in the "Cyclical LR" output channel.' };
    }
    active.failure = failure;
    // A problem the user can fix is logged as the message they see; a stack trace is only for our bugs.
    logLine(`run ${active.run.id}: failed: ${isUserError(error) ? [failure.location, failure.message].filter(Boolean).join(': ') : describeBug(error)}`);
    RangeTestPanel.instance?.post({ type: 'runFailed', runId: active.run.id, ...failure });
    const text = [failure.location, failure.message].filter(Boolean).join(': ') + (failure.hint ? ` — ${failure.hint}` : '');
    void vscode.window.showErrorMessage(`Range test failed: ${text}`, 'Show Log').then((choice) => {
      if (choice) outputChannel().show(true);
    });
  }

  private async deleteRun(id: string): Promise<void> {
    await this.history.delete(id);
    await this.postHistory();
  }

  private async postHistory(): Promise<void> {
    RangeTestPanel.instance?.post({ type: 'history', history: await this.history.list() });
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

  /** Shows a run from the history (ignored by the webview while a run streams). */
  private show(panel: RangeTestPanel, run: StoredRun): void {
    if (this.active?.status !== 'running') this.shownRunId = run.id;
    panel.post({ type: 'showRun', run: panelRunOf(run) });
  }

  // ---- messages from the webview ----

  private handle(message: FromWebview): void {
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
    const message = confined.message;
    switch (message.type) {
      case 'ready':
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
        const outcome = await this.inspector.inspect(message.path, message.target);
        panel.post({ type: 'datasetInspected', requestId: message.requestId, ...('summary' in outcome ? outcome : { summary: null, error: outcome.error }) });
        return;
      }
      case 'run':
        await this.startRun(this.workerRunner(configFromRequest(message.request)));
        return;
      case 'cancel':
        return this.cancel();
      case 'progressShown':
        if (this.active?.run.id === message.runId) this.active.state.acknowledge();
        return;
      case 'insert':
        return this.insert(message.framework, message.spec, message.stepsPerEpoch, message.optimizer);
      case 'openRun': {
        const run = await this.history.load(message.id);
        if (run) this.show(panel, run);
        return;
      }
      case 'overlayRun': {
        const run = message.id ? await this.history.load(message.id) : undefined;
        panel.post({ type: 'overlay', run: run ? panelRunOf(run) : null });
        return;
      }
      case 'deleteRun': {
        const entry = (await this.history.list()).find((e) => e.id === message.id);
        const answer = await vscode.window.showWarningMessage(
          `Delete the run "${entry?.label ?? message.id}" from the history?`,
          { modal: true },
          'Delete',
        );
        if (answer === 'Delete') await this.deleteRun(message.id);
        return;
      }
      case 'export': {
        const run = await this.history.load(message.id);
        if (!run) {
          void vscode.window.showWarningMessage('That run is not in the history (it may still be running, or was deleted).');
          return;
        }
        return this.exportRun(run, message.format);
      }
      case 'exportPng': {
        // The image is the panel's own drawing: any run it shows that has ended, kept or stopped.
        const ended = this.active?.run.id === message.id && this.active.status !== 'running' ? this.active.run : undefined;
        const stored = await this.history.load(message.id);
        const config = ended?.config ?? stored?.result.config;
        if (!config) {
          void vscode.window.showWarningMessage('That run is still running, or was deleted.');
          return;
        }
        return this.exportFile(message.id, 'png', pngBytesFromDataUrl(message.dataUrl), config, stored?.result.dataset.labelFile);
      }
      case 'png':
        this.pngRequests.get(message.requestId)?.(message.dataUrl);
        return;
      case 'log':
        logLine(`webview ${message.level}: ${message.message}`);
        return;
    }
  }

  /** A (re)created webview gets everything it shows that it did not keep in its own state. */
  private async onReady(panel: RangeTestPanel, savedRunId: string | null, overlayRunId: string | null): Promise<void> {
    panel.post({ type: 'init', defaults: defaultRunRequest(this.lastDataset), datasets: [], history: await this.history.list() });
    const active = this.active;
    const shownRunId = this.shownRunId ?? savedRunId;
    if (active && (active.status === 'running' || active.run.id === shownRunId)) {
      panel.post({ type: 'runStarted', run: active.run, stepsExpected: active.run.config.iterations * active.run.config.runs, replay: true });
      panel.post({ type: 'progress', runId: active.run.id, progress: active.state.progress, points: active.state.chartPoints, replace: true });
      const result = active.run.result;
      if (active.status === 'done' && result) panel.post({ type: 'runFinished', run: { ...active.run, result } });
      if (active.status === 'failed' && active.failure) panel.post({ type: 'runFailed', runId: active.run.id, ...active.failure });
      if (active.status === 'cancelled') panel.post({ type: 'runCancelled', runId: active.run.id, ...(active.partial ? { partial: active.partial } : {}) });
    } else if (shownRunId) {
      const run = await this.history.load(shownRunId);
      if (run) this.show(panel, run);
    }
    if (overlayRunId) {
      const overlay = await this.history.load(overlayRunId);
      if (overlay) panel.post({ type: 'overlay', run: panelRunOf(overlay) });
    }
    // Searching the workspace can take a moment: the form is usable before the list arrives.
    findDatasets().then(
      (datasets) => panel.post({ type: 'datasets', datasets }),
      (error: unknown) => logLine(`could not list datasets: ${String(error)}`),
    );
  }

  /**
   * Inserts through the snippet helper's command, into the editor the user was in before the panel took
   * focus (a focused webview leaves no active text editor).
   */
  private async insert(framework: string, spec: ScheduleSpec, stepsPerEpoch?: number, optimizer?: string): Promise<void> {
    const editor =
      this.lastEditor && !this.lastEditor.document.isClosed
        ? this.lastEditor
        : vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'file' || e.document.uri.scheme === 'untitled');
    if (!editor) {
      void vscode.window.showWarningMessage('Open your training script in an editor, put the cursor where the scheduler goes, then press Insert again.');
      return;
    }
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    await vscode.commands.executeCommand('cyclicalLr.insertScheduler', { framework, policy: spec.policy, spec, stepsPerEpoch, optimizer });
  }
}

function panelRunOf(run: StoredRun): PanelRun & { result: RangeTestResult } {
  return { id: run.id, label: run.label, config: run.result.config, result: run.result };
}

/** The run's setup for the log: the dataset and built-in model, or the user's PyTorch model file. */
function describeSetup(config: RangeTestConfig): string {
  const sweep = `${config.iterations} steps × ${config.runs} run${config.runs === 1 ? '' : 's'}, lr ${config.startLr}–${config.endLr}`;
  if (config.pytorch) return `the PyTorch model in ${config.dataset} (${sweep}, device ${config.pytorch.device})`;
  return `${config.dataset} (${sweep}, model ${config.model}, optimizer ${config.optimizer})`;
}

/** An unexpected error (a bug) for the log, with its stack. */
function describeBug(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
