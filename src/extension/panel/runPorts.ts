import type { RangeTestConfig, RangeTestResult } from '../../core/types';
import type { HistoryEntry, StoredRun } from '../../core/wire/historyEntry';
import type { RunProgressView, ToWebview } from '../../core/wire/panelChannel';
import type { WorkerEvent } from '../../core/wire/workerChannel';
import type { Clock } from './runController';

// What the run lifecycle (runLifecycle.ts) needs of the editor, each as small as it can be: panelController.ts
// passes the real panel, notifications and storage; the unit tests pass fakes. No vscode import.

/**
 * Something that runs a range test and streams worker-protocol events: the built-in TF.js worker, or
 * another runner such as the PyTorch bridge. Every runner is shown with the same progress, cancellation,
 * history and error handling.
 */
export interface RangeTestRunner {
  /** Shown in the panel, the progress notification and the history, e.g. the dataset's file name. */
  label: string;
  /** The configuration the run uses (its `dataset` is what the history records). */
  config: RangeTestConfig;
  start(onEvent: (event: WorkerEvent) => void): { result: Promise<RangeTestResult>; cancel(): void };
}

/** The range-test panel. */
export interface PanelPort {
  /** Shows the panel, creating it when needed (a run shows itself without taking the keyboard focus). */
  reveal(): void;
  /** Sends to the panel when one is open; a panel opened later asks for the run's state ('ready'). */
  post(message: ToWebview): void;
}

/** Where finished runs are kept (the workspace's RunHistory). */
export interface RunStore {
  save(run: StoredRun): Promise<void>;
  list(): Promise<HistoryEntry[]>;
}

/** The status bar item and progress notification of a run (runProgress.ts). */
export interface RunProgress {
  report(view: RunProgressView): void;
  /** The status bar's text as shown (the integration test compares it with the panel). */
  readonly text: string;
  done(): void;
}

/** The editor's notifications. */
export interface RunPrompts {
  /** A run is already going: resolves true when the user asks to cancel it. */
  alreadyRunning(): Promise<boolean>;
  /** The run failed: one line for the user (the details are in the log). */
  failed(text: string): void;
}

/** The workspace's state (`cyclicalLr.lastResult` is read by snippet insertion). */
export interface StateStore {
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface RunLifecycleDeps {
  panel: PanelPort;
  history: RunStore;
  showProgress(label: string, onCancel: () => void): RunProgress;
  prompts: RunPrompts;
  clock: Clock;
  state: StateStore;
  log(line: string): void;
  /** A run is about to be shown with this configuration (the wiring lets the webview name its files). */
  onStart(config: RangeTestConfig): void;
}
