import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RangeTestConfig, RangeTestResult } from '../../core/types';
import { ScheduleSpecSchema } from '../../core/wire/scheduleSpec';
import { parseWith } from '../../core/wire/schemaParts';
import { SpareWorker, startRangeTest } from '../../worker/client';
import { DatasetInspector } from '../../worker/inspection';
import { logLine, outputChannel } from '../outputChannel';
import type { PanelTestAccess } from '../testMode/panelTestAccess';
import { pickDataset } from './datasetPicker';
import { RunExporter } from './exportCommands';
import { HistoryView } from './historyView';
import { PanelMessages } from './panelMessages';
import { configFromSettings } from './panelSettings';
import { RangeTestPanel } from './rangeTestPanel';
import { systemClock } from './runController';
import { RunHistory } from './runHistory';
import { RunLifecycle } from './runLifecycle';
import type { PanelPort, RangeTestRunner } from './runPorts';
import { showRunProgress } from './runProgress';
import { SchedulerInsertion } from './schedulerInsertion';
import { allowWebviewPath } from './webviewPaths';

// The panel's wiring: its commands, and the editor's side of a run (the panel, the notifications, the
// workspace's storage) handed to the run lifecycle (runLifecycle.ts), the message routing
// (panelMessages.ts), the history (historyView.ts), the exports (exportCommands.ts) and the Insert button
// (schedulerInsertion.ts).

export type { RangeTestRunner };

/**
 * How long after a run ends the next run's spare worker is forked: time for the panel to draw the result
 * first, and short enough that a user who reads it and clicks Run again (a second or two) finds the spare.
 */
const SPARE_AFTER_RUN_MS = 300;

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
  private readonly inspector: DatasetInspector;
  private readonly runs: RunLifecycle;
  private readonly messages: PanelMessages;
  private readonly spareWorker: SpareWorker;
  private readonly workerPath: string;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    const storage = context.storageUri ?? context.globalStorageUri;
    const history = new RunHistory(path.join(storage.fsPath, 'runs'), (problem) => logLine(problem));
    this.workerPath = context.asAbsolutePath(path.join('dist', 'worker.js'));
    this.inspector = new DatasetInspector(this.workerPath);
    this.spareWorker = new SpareWorker({ workerPath: this.workerPath, belowNormalPriority: true });
    const insertion = new SchedulerInsertion();
    const port: PanelPort = {
      reveal: () => void this.panel(),
      post: (message) => RangeTestPanel.instance?.post(message),
    };
    this.runs = new RunLifecycle({
      panel: port,
      history,
      showProgress: showRunProgress,
      prompts: {
        alreadyRunning: async () => (await vscode.window.showWarningMessage('A range test is already running.', 'Cancel It')) === 'Cancel It',
        failed: (text) =>
          void vscode.window.showErrorMessage(text, 'Show Log').then((choice) => {
            if (choice) outputChannel().show(true);
          }),
      },
      clock: systemClock,
      state: context.workspaceState,
      log: logLine,
      onStart: (config) => {
        // The form's dataset field only ever holds datasets: a PyTorch model's file is the run's source instead.
        if (!config.pytorch) this.messages.lastDataset = config.dataset;
        allowWebviewPath(config.dataset);
      },
    });
    const historyView = new HistoryView(history, this.runs, port);
    const exporter = new RunExporter(historyView, port);
    this.messages = new PanelMessages({
      runs: this.runs,
      historyView,
      exporter,
      insertion,
      inspector: this.inspector,
      runWorker: (config) => this.startRun(this.workerRunner(config)),
      // The panel is up: the next Run should not wait for a worker process to start.
      panelReady: () => this.prepareSpare(),
    });
    const command = (id: string, run: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, run);
    if (context.extensionMode === vscode.ExtensionMode.Test) this.loadTestMode();
    this.disposables.push(
      outputChannel(),
      insertion,
      command('cyclicalLr.openPanel', (arg) => this.openPanel(arg)),
      command('cyclicalLr.runRangeTest', (arg) => this.runRangeTestCommand(arg)),
      // The walkthrough's first step: the bundled example, read in place (datasets are never written).
      command('cyclicalLr.runExample', () => this.runRangeTestCommand({ dataset: context.asAbsolutePath(path.join('examples', 'sensors.csv')) })),
      command('cyclicalLr.cancelRangeTest', () => this.runs.cancel()),
      command('cyclicalLr.openRun', (arg) => historyView.openCommand(arg)),
      command('cyclicalLr.exportRun', (arg) => exporter.exportCommand(arg)),
      command('cyclicalLr.deleteRun', (arg) => historyView.deleteCommand(arg)),
      RangeTestPanel.onDidClose(() => this.spareWorker.discard()),
    );
  }

  /**
   * The tests' own hooks, a bundle of their own (dist/test/testMode.js, never packaged) loaded only in test
   * mode: nothing of them is in the product's bundles. They see the panel through this narrow access only.
   */
  private loadTestMode(): void {
    const access: PanelTestAccess = {
      runState: () => this.runs.runState(),
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
    return this.runs.running;
  }

  startRun(runner: RangeTestRunner): Promise<RangeTestResult | undefined> {
    return this.runs.start(runner);
  }

  revive(panel: vscode.WebviewPanel): void {
    RangeTestPanel.revive(panel, this.context.extensionUri, (m) => this.messages.handle(m));
  }

  dispose(): void {
    this.runs.dispose();
    this.inspector.dispose();
    this.spareWorker.discard();
    RangeTestPanel.instance?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    if (controller === this) controller = undefined;
  }

  /** The panel, created or revealed; `focus` moves the keyboard focus into it (the user asked for it). */
  private panel(focus = false): RangeTestPanel {
    return RangeTestPanel.show(this.context.extensionUri, (m) => this.messages.handle(m), focus);
  }

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

  /**
   * Forks the next Run's spare while the panel is open, but never while a run trains: a spare's start took
   * 0.2–0.3 s of CPU from the run beside it, which it could not serve (a panel that comes up for a run
   * already going, the first click, gets its spare when that run ends).
   */
  private prepareSpare(): void {
    if (RangeTestPanel.instance && !this.runs.running) this.spareWorker.prepare();
  }

  /** The next run's spare, once this one's result is on screen (not competing with it for the cores). */
  private prepareNextSpare(): void {
    setTimeout(() => this.prepareSpare(), SPARE_AFTER_RUN_MS).unref();
  }

  private workerRunner(config: RangeTestConfig): RangeTestRunner {
    return {
      label: path.basename(config.dataset),
      config,
      start: (onEvent) => {
        const handle = startRangeTest(config, { workerPath: this.workerPath, onEvent, belowNormalPriority: true, process: this.spareWorker.take() });
        void handle.result.catch(() => undefined).then(() => this.prepareNextSpare());
        return handle;
      },
    };
  }
}
