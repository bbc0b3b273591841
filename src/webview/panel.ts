// The range-test panel's front end (main.ts starts it in media/webview.js). It builds its own DOM (the
// extension's HTML is an empty shell under a strict CSP), keeps what it shows in the webview state so that
// hiding the panel or reloading the window restores it, and parses every message from the extension with
// the panel channel's table.

import { describeRunEnd, stepCount, stepsText } from '../core/runOutcome';
import {
  type FromWebview,
  type PanelRun,
  type PanelRunRequest,
  type RunProgressView,
  type RunStatus,
  type ToWebview,
  toWebview,
} from '../core/wire/panelChannel';
import { DEFAULT_RANGE_TEST_CONFIG, type LrBounds, type RangeTestResult } from '../core/types';
import { button, h } from './dom';
import { HistoryView } from './historyView';
import { LossChart } from './lossChart';
import { RunForm } from './runForm';
import { defaultScheduleForm, ScheduleForm, ScheduleSection } from './scheduleSection';
import { SuggestionsView } from './suggestionsView';
import { readThemeColors, watchTheme } from './theme';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** For whoever embeds the panel (test mode): told of every change, offered the messages the table refuses. */
export interface PanelObserver {
  /** Something shown changed; `statusChanged`: the run status did, which is reported at once. */
  changed(statusChanged: boolean): void;
  /** A message the panel channel's table refused; true when the observer takes it. */
  receiveOther(raw: unknown): boolean;
}

/** What survives hiding the panel and reloading the window (kept small: curves come from the history). */
interface SavedState {
  version: 1;
  form: PanelRunRequest & { target?: string };
  schedule: ScheduleForm;
  shownRunId: string | null;
  overlayRunId: string | null;
  bounds: LrBounds | null;
}

function loadState(api: VsCodeApi): SavedState | null {
  const state = api.getState() as Partial<SavedState> | undefined;
  if (!state || state.version !== 1 || typeof state.form !== 'object' || typeof state.schedule !== 'object') return null;
  return state as SavedState;
}

export class Panel {
  private state: SavedState;
  private readonly hadState: boolean;
  private colors = readThemeColors();
  private _status: RunStatus = 'idle';
  private suggestingShown = false;
  private current: PanelRun | null = null;
  /** The run controller's latest update: the header renders it, never a count of its own. */
  private _progress: RunProgressView | null = null;
  private _error: string | null = null;
  /** The control that opened a picker (Browse…): focus returns to it when the picker closes. */
  private pickerOpener: HTMLElement | null = null;
  /** The latest inspectDataset request: an older answer is for a dataset no longer in the field. */
  private inspection: { requestId: number; path: string } | null = null;
  private nextRequestId = 1;

  readonly statusLine = h('p', { id: 'status', role: 'status' });
  private readonly errorBox = h('div', { id: 'error', class: 'error-box', role: 'alert', hidden: true });
  private readonly exportButtons: HTMLButtonElement[];
  readonly form: RunForm;
  readonly chart: LossChart;
  readonly suggestions: SuggestionsView;
  readonly schedule: ScheduleSection;
  readonly history: HistoryView;
  private savedRunIds = new Set<string>();

  constructor(
    root: HTMLElement,
    private readonly api: VsCodeApi,
    private readonly observer?: PanelObserver,
  ) {
    const saved = loadState(this.api);
    this.hadState = saved !== null;
    this.state = saved ?? {
      version: 1,
      form: { dataset: '', ...pickRequest(DEFAULT_RANGE_TEST_CONFIG) },
      schedule: defaultScheduleForm(),
      shownRunId: null,
      overlayRunId: null,
      bounds: null,
    };

    this.form = new RunForm(this.state.form, {
      onRun: (request) => this.post({ type: 'run', request }),
      onCancel: () => this.post({ type: 'cancel' }),
      onBrowse: (opener) => {
        this.pickerOpener = opener;
        this.post({ type: 'pickDataset' });
      },
      onDataset: (path, target) => {
        this.inspection = { requestId: this.nextRequestId++, path };
        this.post({ type: 'inspectDataset', requestId: this.inspection.requestId, path, ...(target ? { target } : {}) });
      },
      onChange: (request) => this.save({ form: request }),
    });

    const canvas = h('canvas', { id: 'loss-chart', role: 'img', 'aria-label': 'Loss against learning rate. The suggested bounds are the two vertical lines; drag them, or focus a bound below the chart and use the arrow keys.' });
    this.chart = new LossChart(canvas, this.colors, (bounds, done) => {
      this.schedule.setBounds(bounds);
      if (done) {
        this.save({ bounds, schedule: this.schedule.state });
        this.report();
      }
    });
    this.exportButtons = (['png', 'csv', 'json'] as const).map((format) => {
      const b = button(format.toUpperCase(), { 'data-test-id': `export-${format}`, title: `Export this run as ${format.toUpperCase()}`, 'aria-label': `Export the run as ${format.toUpperCase()}`, disabled: true });
      b.addEventListener('click', () => this.export(format));
      return b;
    });

    this.suggestions = new SuggestionsView({
      onUseBounds: (s) => this.useBounds(s.clr),
      onUseOneCycle: (s) => this.schedule.usePeak(s.oneCycle.maxLr),
    });
    this.schedule = new ScheduleSection(this.state.schedule, this.colors, {
      onChange: (form) => {
        this.save({ schedule: form });
        this.report();
      },
      onBoundsEdited: (bounds) => {
        this.chart.setBounds(bounds);
        this.save({ bounds });
      },
      onInsert: (framework, spec, stepsPerEpoch) =>
        this.post({ type: 'insert', framework, spec, stepsPerEpoch, optimizer: this.current?.config.optimizer ?? this.state.form.optimizer }),
    });
    this.history = new HistoryView({
      onOpen: (id) => this.post({ type: 'openRun', id }),
      onOverlay: (id) => this.post({ type: 'overlayRun', id }),
      onDelete: (id) => this.post({ type: 'deleteRun', id }),
    });

    root.append(
      h('header', {}, h('h1', {}, 'Learning-rate range test'), this.statusLine),
      this.form.element,
      h(
        'section',
        { id: 'chart', 'aria-labelledby': 'chart-heading' },
        h('div', { class: 'section-head' }, h('h2', { id: 'chart-heading', tabindex: -1 }, 'Loss vs learning rate'), h('div', { class: 'button-row compact', role: 'group', 'aria-label': 'Export' }, h('span', { class: 'hint', 'aria-hidden': 'true' }, 'Export'), ...this.exportButtons)),
        this.errorBox,
        h('div', { class: 'chart-box' }, canvas),
        this.chart.boundControls,
        h(
          'details',
          { class: 'explain' },
          h('summary', {}, 'How to read this chart'),
          h('p', { class: 'hint' }, 'Faint line: the loss at each step. Bold line: the smoothed loss. The shaded band between the two green lines is the suggested range for a cyclical schedule (base_lr to max_lr); drag a line, or focus its handle below the chart and use the arrow keys (Shift for bigger steps). The loss blowing up at the right end is expected: a range test raises the learning rate until it does.'),
        ),
      ),
      this.suggestions.element,
      this.schedule.element,
      this.history.element,
    );
    if (this.state.bounds) this.chart.setBounds(this.state.bounds);

    watchTheme(() => {
      this.colors = readThemeColors();
      this.chart.applyColors(this.colors);
      this.schedule.applyColors(this.colors);
      this.report();
    });
    window.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
    // A picker that closed without a choice gives the focus back to the webview: return it to its opener.
    window.addEventListener('focus', () => this.returnFocusFromPicker());
    window.addEventListener('error', (event) => this.post({ type: 'log', level: 'error', message: `${event.message} (${event.filename}:${event.lineno})` }));
    this.setStatus('idle');
    this.post({ type: 'ready', shownRunId: this.state.shownRunId, overlayRunId: this.state.overlayRunId });
  }

  private post(message: FromWebview): void {
    this.api.postMessage(message);
  }

  private save(patch: Partial<SavedState>): void {
    this.state = { ...this.state, ...patch };
    this.api.setState(this.state);
  }

  private receive(data: unknown): void {
    const parsed = toWebview.parse(data);
    if (!parsed.ok) {
      if (this.observer?.receiveOther(data)) return;
      this.post({ type: 'log', level: 'warn', message: `panel dropped a message: ${parsed.problem}` });
      return;
    }
    void this.handle(parsed.value).then(() => this.report());
  }

  private async handle(message: ToWebview): Promise<void> {
    switch (message.type) {
      case 'init':
        if (!this.hadState) this.form.setValues(message.defaults);
        this.history.set(message.history);
        this.savedRunIds = new Set(message.history.map((e) => e.id));
        return;
      case 'datasets':
        this.form.setDatasets(message.datasets, message.selected);
        if (message.selected) this.returnFocusFromPicker();
        return;
      case 'datasetInspected':
        if (message.requestId !== this.inspection?.requestId) return;
        this.form.setDatasetInfo(this.inspection.path, message.summary, message.error);
        return;
      case 'runStarted': {
        const run = message.run;
        this.current = run;
        this._progress = null;
        this.chart.reset();
        // The previous run's bounds would read as this run's: they come back with this run's suggestion.
        this.chart.setBounds(null);
        this.suggestions.show(null);
        // The dataset field only ever holds datasets; a PyTorch model's file is shown as the run's source.
        if (!run.config.pytorch) {
          this.form.setValues({ ...pickRequest(run.config), dataset: run.config.dataset, target: run.config.target });
          this.form.runStarted();
        }
        this.form.setRunning(true);
        this.showError(null);
        this.updateExportButtons();
        this.setStatus('running');
        // A run started from the Explorer or a command: bring the chart into view.
        if (!message.replay) document.getElementById('chart')?.scrollIntoView({ block: 'nearest' });
        return;
      }
      case 'progress':
        if (message.runId !== this.current?.id || !(this.status === 'running' || this.status === 'cancelling')) return;
        this._progress = message.progress;
        if (message.progress.phase === 'failed') this.setStatus(this.status);
        else {
          // 'done' and 'cancelled' show at once; the result (a larger message) follows and fills in the words.
          this.setStatus(message.progress.phase);
          if (message.progress.phase !== 'running' && message.progress.phase !== 'cancelling') this.form.setRunning(false);
        }
        if (message.replace) this.chart.reset();
        this.chart.append(message.points);
        // Flow control: the controller sends only a few updates ahead of these answers, so none queue up here.
        this.chart.afterDraw(() => this.post({ type: 'progressShown', runId: message.runId }));
        return;
      case 'runFinished':
      case 'showRun':
        if (message.type === 'showRun' && (this.status === 'running' || this.status === 'cancelling')) return;
        if (message.type === 'runFinished' && message.run.id === this.current?.id) {
          // The words first: the status line is painted before the (slower) redraw of the whole curve.
          this.current = message.run;
          this.form.runEnded(message.run.result.dataset);
          this.form.setRunning(false);
          this.setStatus('done');
          await nextFrame();
        }
        this.showFinished(message.run);
        if (message.type === 'runFinished') this.focusResults();
        return;
      case 'runFailed':
        if (message.runId !== this.current?.id) return;
        this.form.setRunning(false);
        this.form.runEnded(null);
        this.showError(message);
        this.setStatus('failed');
        this.focusResults();
        return;
      case 'runCancelled':
        if (message.runId !== this.current?.id) return;
        this.form.setRunning(false);
        this.form.runEnded(message.partial?.dataset ?? null);
        this.setStatus('cancelled');
        if (message.partial) {
          this.current = { ...this.current, result: message.partial };
          await nextFrame();
          this.chart.showResult(message.partial);
        }
        this.updateExportButtons();
        this.focusResults();
        return;
      case 'overlay':
        this.chart.setOverlay(message.run?.result ?? null, message.run?.label ?? '');
        this.save({ overlayRunId: message.run?.id ?? null });
        this.history.mark(this.state.shownRunId, this.state.overlayRunId);
        return;
      case 'history':
        this.history.set(message.history);
        this.savedRunIds = new Set(message.history.map((e) => e.id));
        this.updateExportButtons();
        if (this.state.overlayRunId && !message.history.some((e) => e.id === this.state.overlayRunId)) {
          this.chart.setOverlay(null, '');
          this.save({ overlayRunId: null });
        }
        this.history.mark(this.state.shownRunId, this.state.overlayRunId);
        return;
      case 'setSchedule':
        this.schedule.setSpec(message.spec);
        document.getElementById('schedule')?.scrollIntoView({ block: 'nearest' });
        return;
      case 'requestPng':
        this.post({ type: 'png', requestId: message.requestId, dataUrl: this.chart.pointsPlotted ? this.chart.toPng(this.chartTitle()) : null });
        return;
    }
  }

  private showFinished(run: PanelRun & { result: RangeTestResult }): void {
    const result = run.result;
    this.current = run;
    this.form.setRunning(false);
    this.showError(null);
    this.chart.showResult(result);
    this.suggestions.show(result);
    // A run's own bounds replace the previous run's; the schedule follows when the user says so.
    this.chart.setBounds(result.suggestion.clr);
    this.save({ shownRunId: run.id, bounds: result.suggestion.clr });
    if (this.state.overlayRunId === run.id) {
      this.chart.setOverlay(null, '');
      this.save({ overlayRunId: null });
    }
    this.history.mark(run.id, this.state.overlayRunId);
    this.setStatus('done');
    this.updateExportButtons();
    // The suggestion is what the user waited for: reported at once (the integration test times it).
    this.report(true);
  }

  /**
   * When a run ends, the keyboard focus moves to its results (the first suggestion's button, else the chart's
   * heading) if it was in the panel: it would otherwise fall to the page when the Cancel button it was on
   * is disabled. Focus in the editor is left alone.
   */
  private focusResults(): void {
    const active = document.activeElement;
    if (!document.hasFocus() || (active && active !== document.body && !(active instanceof HTMLButtonElement && active.disabled) && active.id !== 'cancel-button')) return;
    const target = document.querySelector<HTMLElement>('[data-test-id="use-bounds"]') ?? document.getElementById('chart-heading');
    target?.focus();
  }

  private returnFocusFromPicker(): void {
    const opener = this.pickerOpener;
    this.pickerOpener = null;
    opener?.focus();
  }

  private useBounds(bounds: LrBounds): void {
    const result = this.current?.result;
    if (result && result.dataset.rows > 0) this.schedule.setStepsPerEpoch(Math.max(1, Math.ceil(result.dataset.rows / result.config.batchSize)));
    this.schedule.setBounds(bounds);
    this.chart.setBounds(bounds);
    this.save({ bounds, schedule: this.schedule.state });
    document.getElementById('schedule')?.scrollIntoView({ block: 'nearest' });
  }

  /** PNG for any run that has ended with a curve (finished or stopped); CSV and JSON for runs in the history. */
  private updateExportButtons(): void {
    const ended = this.status === 'done' || this.status === 'cancelled' || this.status === 'failed';
    const png = ended && this.current !== null && this.chart.pointsPlotted > 0;
    const saved = this.current !== null && this.savedRunIds.has(this.current.id);
    this.exportButtons.forEach((b, i) => (b.disabled = i === 0 ? !png : !saved));
  }

  private export(format: 'png' | 'csv' | 'json'): void {
    const run = this.current;
    if (!run) return;
    if (format === 'png') this.post({ type: 'exportPng', id: run.id, dataUrl: this.chart.toPng(this.chartTitle()) });
    else if (run.result) this.post({ type: 'export', id: run.id, format });
  }

  /** The exported image's title: what ran, on what, and how it ended. */
  private chartTitle(): string {
    const run = this.current;
    if (!run) return 'Loss vs learning rate';
    if (run.result) return `${run.label}: loss vs learning rate — ${describeRunEnd(run.result)}`;
    return `${run.label}: loss vs learning rate — ${this.status === 'cancelled' ? `stopped: cancelled after ${stepCount(this.progress?.stepsDone ?? 0)}` : 'stopped'}`;
  }

  private showError(failure: { message: string; hint?: string; location?: string } | null): void {
    this._error = failure ? [failure.location, failure.message].filter(Boolean).join(': ') : null;
    this.errorBox.replaceChildren();
    this.errorBox.hidden = !failure;
    if (!failure) return;
    this.errorBox.append(
      h('strong', {}, 'The range test failed. '),
      failure.location ? h('code', {}, failure.location) : '',
      failure.location ? ': ' : '',
      failure.message,
      failure.hint ? h('p', { class: 'hint' }, failure.hint) : '',
    );
  }

  private setStatus(status: RunStatus): void {
    const suggesting = status === 'running' && this.progress?.suggesting === true;
    // "Computing the suggestion" is a change of kind too: the user waits for it, the test times it.
    const changed = status !== this.status || suggesting !== this.suggestingShown;
    this._status = status;
    this.suggestingShown = suggesting;
    const run = this.current;
    const result = run?.result;
    const source = run ? (run.config.pytorch ? `the PyTorch model in ${run.label}` : run.label) : '';
    const progress = this.progress;
    const steps = progress ? stepsText(progress) : 'starting';
    const repeats = progress && progress.runs > 1 ? ` (${progress.runs} runs, averaged at the end)` : '';
    let text: string;
    switch (status) {
      case 'idle':
        text = 'Choose a dataset and run a range test to find learning-rate bounds.';
        break;
      case 'running':
        text = `Running on ${source}: ${steps}${repeats}${suggesting ? '; computing the suggestion…' : ''}`;
        break;
      case 'cancelling':
        text = `Cancelling the run on ${source} (${steps} done)…`;
        break;
      case 'done':
        text = result ? `${run?.label}: ${describeRunEnd(result)}.` : `Finished on ${source}: ${steps}; drawing the results…`;
        break;
      case 'failed':
        text = `The run on ${source || 'the dataset'} failed (details below).`;
        break;
      case 'cancelled':
        text = `Stopped: you cancelled the run on ${source} after ${stepCount(progress?.stepsDone ?? this.chart.pointsPlotted)}.`;
        break;
    }
    if (this.statusLine.textContent !== text) this.statusLine.textContent = text;
    document.body.dataset.status = status;
    if (changed) {
      // The integration test measures when a change became visible: it is reported at once, not debounced.
      this.report(true);
    }
  }

  /** Tells whoever embeds the panel that what it shows changed (`now`: the status did). */
  private report(now = false): void {
    this.observer?.changed(now);
  }

  get status(): RunStatus {
    return this._status;
  }

  get runId(): string | null {
    return this.current?.id ?? null;
  }

  get overlayRunId(): string | null {
    return this.state.overlayRunId;
  }

  get progress(): RunProgressView | null {
    return this._progress;
  }

  /** The failure shown, as one line (null: none). */
  get error(): string | null {
    return this._error;
  }

  /** For the benchmark: frames the loss chart drew and points it holds. */
  get stats(): { framesDrawn: number; pointsPlotted: number } {
    return { framesDrawn: this.chart.framesDrawn, pointsPlotted: this.chart.pointsPlotted };
  }
}

function pickRequest(c: Omit<PanelRunRequest, 'dataset'>): Omit<PanelRunRequest, 'dataset'> {
  return { model: c.model, optimizer: c.optimizer, startLr: c.startLr, endLr: c.endLr, iterations: c.iterations, batchSize: c.batchSize, stepMode: c.stepMode, runs: c.runs };
}

/** Resolves after the browser has painted the current frame. */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
