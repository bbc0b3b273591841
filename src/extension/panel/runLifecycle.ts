import { describeBug, isUserError } from '../../core/errors';
import { describeRunEnd } from '../../core/runOutcome';
import type { RangeTestConfig, RangeTestResult } from '../../core/types';
import type { StoredRun } from '../../core/wire/historyEntry';
import type { PanelRun } from '../../core/wire/panelChannel';
import type { WorkerEvent } from '../../core/wire/workerChannel';
import { isRangeTestCancelled } from '../../worker/client';
import { LAST_RESULT_STATE_KEY, lastResultToKeep } from '../lastResult';
import { RunController } from './runController';
import { newRunId } from './runHistory';
import type { RangeTestRunner, RunLifecycleDeps, RunProgress } from './runPorts';
import { groupThousands } from '../../core/displayFormat';

// A range test from start to end, as the user sees it: one run at a time, its progress in the panel and the
// status bar, its outcome (a result kept in the history, a cancelled run's partial curve, or a failure the
// user can act on), and what a recreated webview must be shown again. No vscode import: the editor's side
// (the panel, the notifications, the storage) comes in through the small interfaces of runPorts.ts, so the
// unit tests drive it with fakes and a fake clock.

export interface RunFailure {
  message: string;
  hint?: string;
  location?: string;
}

interface ActiveRun {
  run: PanelRun;
  /** What the panel and the status bar show of this run: both render from its updates only. */
  state: RunController;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  failure?: RunFailure;
  /** The partial curve of a cancelled run (shown, and exportable as PNG, though not kept in the history). */
  partial?: RangeTestResult;
  cancel?: () => void;
  progress?: RunProgress;
}

export class RunLifecycle {
  /** The latest run started: the one running, or the last one to end (the panel may still show it). */
  private active: ActiveRun | undefined;
  /**
   * The run the panel was last told to show. A webview destroyed while hidden comes back with the id it
   * had saved, which is stale if a run started meanwhile; this one is not.
   */
  private shownRunId: string | null = null;

  constructor(private readonly deps: RunLifecycleDeps) {}

  get running(): boolean {
    return this.active?.status === 'running';
  }

  /**
   * Shows the run in the panel until it ends, and keeps a finished one in the history. Resolves with the
   * result, or undefined when the run was cancelled, failed (already reported to the user), or refused
   * because another one was running.
   */
  async start(runner: RangeTestRunner): Promise<RangeTestResult | undefined> {
    const { panel, clock, log } = this.deps;
    if (this.active?.status === 'running') {
      if (await this.deps.prompts.alreadyRunning()) this.cancel();
      return undefined;
    }
    const config = runner.config;
    this.deps.onStart(config);
    const run: PanelRun = { id: newRunId(new Date(clock.now())), label: runner.label, config };
    panel.reveal();
    const state = new RunController(
      run.id,
      config.runs,
      config.iterations,
      (update) => panel.post({ type: 'progress', runId: run.id, ...update }),
      clock,
      (progress) => active.progress?.report(progress),
    );
    const active: ActiveRun = { run, state, status: 'running' };
    this.active = active;
    this.shownRunId = run.id;
    panel.post({ type: 'runStarted', run, stepsExpected: config.iterations * config.runs });
    log(`run ${run.id}: range test on ${describeSetup(config)}`);

    const progress = this.deps.showProgress(runner.label, () => this.cancel());
    active.progress = progress;
    let handle: { result: Promise<RangeTestResult>; cancel(): void };
    try {
      handle = runner.start((event) => this.onWorkerEvent(active, event));
    } catch (error) {
      this.fail(active, error);
      progress.done();
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
      panel.post({ type: 'runFinished', run: { ...run, result } });
      log(`run ${run.id}: ${describeRunEnd(result)} (${result.stepsPerSecond.toFixed(1)} steps/s, ${result.backend})`);
      const stored: StoredRun = { id: run.id, label: run.label, createdAt: new Date(clock.now()).toISOString(), result };
      await this.deps.state.update(LAST_RESULT_STATE_KEY, lastResultToKeep(result));
      try {
        await this.deps.history.save(stored);
      } catch (error) {
        log(`run ${run.id}: could not save to history: ${String(error)}`);
      }
      panel.post({ type: 'history', history: await this.deps.history.list() });
      return result;
    } catch (error) {
      if (isRangeTestCancelled(error)) this.cancelled(active);
      else this.fail(active, error);
      return undefined;
    } finally {
      active.cancel = undefined;
      progress.done();
    }
  }

  /** Cancels the running test; the worker is gone within a second (the client kills it after a grace period). */
  cancel(): void {
    const active = this.active;
    if (!active || active.status !== 'running' || !active.cancel) return;
    this.deps.log(`run ${active.run.id}: cancel requested`);
    active.state.cancelRequested();
    active.cancel();
  }

  /** The panel has drawn an update of this run (an answer about an earlier run is ignored). */
  acknowledge(runId: string): void {
    if (this.active?.run.id === runId) this.active.state.acknowledge();
  }

  /** The panel is about to show a run from the history (ignored by the webview while a run streams). */
  showing(runId: string): void {
    if (!this.running) this.shownRunId = runId;
  }

  /** The run a (re)created webview should show, given the one it had saved. */
  shownRun(savedRunId: string | null): string | null {
    return this.shownRunId ?? savedRunId;
  }

  /**
   * Posts the latest run again, all of it, when it is running or is the one the webview shows (`shownRunId`);
   * false: the caller shows that run from the history instead.
   */
  replay(shownRunId: string | null): boolean {
    const active = this.active;
    if (!active || (active.status !== 'running' && active.run.id !== shownRunId)) return false;
    const { run, state } = active;
    const { panel } = this.deps;
    panel.post({ type: 'runStarted', run, stepsExpected: run.config.iterations * run.config.runs, replay: true });
    panel.post({ type: 'progress', runId: run.id, progress: state.progress, points: state.chartPoints, replace: true });
    if (active.status === 'done' && run.result) panel.post({ type: 'runFinished', run: { ...run, result: run.result } });
    if (active.status === 'failed' && active.failure) panel.post({ type: 'runFailed', runId: run.id, ...active.failure });
    if (active.status === 'cancelled') this.postCancelled(active);
    return true;
  }

  /** The configuration of the run `id` if it is the latest one and has ended (kept or not). */
  endedConfig(id: string): RangeTestConfig | undefined {
    const active = this.active;
    return active?.run.id === id && active.status !== 'running' ? active.run.config : undefined;
  }

  /** What test mode reports of the latest run (null: none). */
  runState(): unknown {
    const active = this.active;
    if (!active) return null;
    const { state } = active;
    return { runId: active.run.id, progress: state.progress, renders: state.renders, roundTripMs: state.roundTripMs, statusBar: active.progress?.text ?? null };
  }

  dispose(): void {
    this.active?.cancel?.();
  }

  private onWorkerEvent(active: ActiveRun, event: WorkerEvent): void {
    if (event.type === 'log') this.deps.log(`worker: ${event.message}`);
    if (event.type === 'suggesting') this.deps.log(`worker: ${groupThousands(event.stepsTrained)} steps trained; computing the suggestion`);
    // An ended run's controller ignores it: a late event of an earlier run changes nothing shown.
    active.state.event(event);
  }

  private cancelled(active: ActiveRun, partial?: RangeTestResult): void {
    active.status = 'cancelled';
    active.partial = partial && partial.lrs.length ? partial : undefined;
    active.state.end('cancelled');
    this.postCancelled(active);
    this.deps.log(`run ${active.run.id}: cancelled after ${active.state.progress.stepsDone} steps`);
  }

  private postCancelled(active: ActiveRun): void {
    this.deps.panel.post({ type: 'runCancelled', runId: active.run.id, ...(active.partial ? { partial: active.partial } : {}) });
  }

  private fail(active: ActiveRun, error: unknown): void {
    active.status = 'failed';
    active.state.end('failed');
    const failure = failureOf(error);
    active.failure = failure;
    const located = [failure.location, failure.message].filter(Boolean).join(': ');
    // A problem the user can fix is logged as the message they see; a stack trace is only for our bugs.
    this.deps.log(`run ${active.run.id}: failed: ${isUserError(error) ? located : describeBug(error)}`);
    this.deps.panel.post({ type: 'runFailed', runId: active.run.id, ...failure });
    this.deps.prompts.failed(`Range test failed: ${located}${failure.hint ? ` — ${failure.hint}` : ''}`);
  }
}

/** What the user is told of a failed run: a problem they can fix as it is, anything else as our bug. */
function failureOf(error: unknown): RunFailure {
  if (isUserError(error)) {
    return { message: error.message, hint: error.hint, location: error.where() };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: `The range test stopped unexpectedly: ${message}`, hint: 'Details are in the "Cyclical LR" output channel.' };
}

/** The run's setup for the log: the dataset and built-in model, or the user's PyTorch model file. */
function describeSetup(config: RangeTestConfig): string {
  const sweep = `${config.iterations} steps × ${config.runs} run${config.runs === 1 ? '' : 's'}, lr ${config.startLr}–${config.endLr}`;
  if (config.pytorch) return `the PyTorch model in ${config.dataset} (${sweep}, device ${config.pytorch.device})`;
  return `${config.dataset} (${sweep}, model ${config.model}, optimizer ${config.optimizer})`;
}
