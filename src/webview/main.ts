// The range-test panel's front end; bundled into media/webview.js. It builds its own DOM (the extension's
// HTML is an empty shell under a strict CSP), keeps what it shows in the webview state so that hiding the
// panel or reloading the window restores it, and validates every message from the extension.

import {
  describeDropped,
  FromWebview,
  HistoryEntry,
  PanelRun,
  PanelRunRequest,
  PanelStateReport,
  parseToWebview,
  RunStatus,
  ToWebview,
} from '../core/panelProtocol';
import { DEFAULT_RANGE_TEST_CONFIG, type LrBounds, type RangeTestResult } from '../core/types';
import { button, h } from './dom';
import { HistoryView } from './historyView';
import { LossChart } from './lossChart';
import { RunForm } from './runForm';
import { defaultScheduleForm, ScheduleForm, ScheduleSection } from './scheduleSection';
import { SuggestionsView } from './suggestionsView';
import { readThemeColors, themeKind, watchTheme } from './theme';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

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

class Panel {
  private readonly api = acquireVsCodeApi();
  private state: SavedState;
  private readonly hadState: boolean;
  private colors = readThemeColors();
  private status: RunStatus = 'idle';
  private current: PanelRun | null = null;
  private stepsExpected = 0;
  private streamed = 0;
  private streamRun = 0;
  private error: string | null = null;
  private reportTimer = 0;

  private readonly statusLine = h('p', { id: 'status', role: 'status' });
  private readonly errorBox = h('div', { id: 'error', class: 'error-box', role: 'alert', hidden: true });
  private readonly exportButtons: HTMLButtonElement[];
  private readonly form: RunForm;
  private readonly chart: LossChart;
  private readonly suggestions: SuggestionsView;
  private readonly schedule: ScheduleSection;
  private readonly history: HistoryView;

  constructor(root: HTMLElement) {
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
      onBrowse: () => this.post({ type: 'pickDataset' }),
      onDataset: (path, target) => this.post({ type: 'inspectDataset', path, ...(target ? { target } : {}) }),
      onChange: (request) => this.save({ form: request }),
    });

    const canvas = h('canvas', { id: 'loss-chart', role: 'img', 'aria-label': 'Loss against learning rate; the suggested bounds are the two vertical lines, which can be dragged' });
    this.chart = new LossChart(canvas, this.colors, (bounds, done) => {
      this.schedule.setBounds(bounds);
      if (done) {
        this.save({ bounds, schedule: this.schedule.state });
        this.report();
      }
    });
    this.exportButtons = (['png', 'csv', 'json'] as const).map((format) => {
      const b = button(format.toUpperCase(), { 'data-test-id': `export-${format}`, title: `Export this run as ${format.toUpperCase()}`, 'aria-label': `Export run as ${format.toUpperCase()}`, disabled: true });
      b.addEventListener('click', () => this.export(format));
      return b;
    });

    this.suggestions = new SuggestionsView({
      onUseBounds: (s) => this.useBounds(s.clr),
      onUseOneCycle: (s) => {
        const form = this.schedule.state;
        this.schedule.setSpec({ policy: 'one-cycle', maxLr: s.oneCycle.maxLr, epochs: form.epochs, stepsPerEpoch: form.stepsPerEpoch });
      },
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
        h('div', { class: 'section-head' }, h('h2', { id: 'chart-heading' }, 'Loss vs learning rate'), h('div', { class: 'button-row compact', role: 'group', 'aria-label': 'Export' }, h('span', { class: 'hint' }, 'Export'), ...this.exportButtons)),
        this.errorBox,
        h('div', { class: 'chart-box' }, canvas),
        h('p', { class: 'hint' }, 'Faint: raw loss. Bold: smoothed. Drag the green lines to adjust the bounds.'),
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
    const message = parseToWebview(data);
    if (!message) {
      this.post({ type: 'log', level: 'warn', message: `panel dropped a malformed message: ${describeDropped(data)}` });
      return;
    }
    this.handle(message);
    this.report();
  }

  private handle(message: ToWebview): void {
    switch (message.type) {
      case 'init':
        if (!this.hadState) this.form.setValues(message.defaults);
        this.history.set(message.history);
        return;
      case 'datasets':
        this.form.setDatasets(message.datasets, message.selected);
        return;
      case 'datasetInfo':
        this.form.setDatasetInfo(message.path, message.summary, message.error);
        return;
      case 'runStarted':
        this.current = message.run;
        this.stepsExpected = message.stepsExpected;
        this.streamed = 0;
        this.streamRun = 0;
        this.chart.reset();
        this.suggestions.show(null);
        this.form.setValues({ ...pickRequest(message.run.config), dataset: message.run.config.dataset, target: message.run.config.target });
        this.form.setRunning(true);
        this.form.ensureInspected();
        this.showError(null);
        this.setStatus('running');
        return;
      case 'points':
        if (message.runId !== this.current?.id || this.status !== 'running') return;
        if (message.run !== this.streamRun) {
          this.streamRun = message.run;
          this.chart.reset();
        }
        this.streamed += message.points.length;
        this.chart.append(message.points);
        this.setStatus('running');
        return;
      case 'runFinished':
      case 'showRun':
        if (message.type === 'showRun' && this.status === 'running') return;
        this.showFinished(message.run);
        return;
      case 'runFailed':
        if (message.runId !== this.current?.id) return;
        this.form.setRunning(false);
        this.showError(message);
        this.setStatus('failed');
        return;
      case 'runCancelled':
        if (message.runId !== this.current?.id) return;
        this.form.setRunning(false);
        this.setStatus('cancelled');
        return;
      case 'overlay':
        this.chart.setOverlay(message.run?.result ?? null, message.run?.label ?? '');
        this.save({ overlayRunId: message.run?.id ?? null });
        this.history.mark(this.state.shownRunId, this.state.overlayRunId);
        return;
      case 'history':
        this.history.set(message.history);
        this.updateExportButtons(message.history);
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
        this.post({ type: 'png', requestId: message.requestId, dataUrl: this.chart.pointsPlotted ? this.chart.toPng() : null });
        return;
      case 'testAction': {
        const target = document.querySelector<HTMLElement>(`[data-test-id="${CSS.escape(message.target)}"]`);
        if (target) target.click();
        else this.post({ type: 'log', level: 'warn', message: `test action: no element ${message.target}` });
        return;
      }
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
    this.exportButtons.forEach((b) => (b.disabled = false));
    this.setStatus('done');
  }

  private useBounds(bounds: LrBounds): void {
    const result = this.current?.result;
    if (result && result.dataset.rows > 0) this.schedule.setStepsPerEpoch(Math.max(1, Math.ceil(result.dataset.rows / result.config.batchSize)));
    this.schedule.setBounds(bounds);
    this.chart.setBounds(bounds);
    this.save({ bounds, schedule: this.schedule.state });
    document.getElementById('schedule')?.scrollIntoView({ block: 'nearest' });
  }

  private updateExportButtons(history: HistoryEntry[]): void {
    const saved = this.current !== null && history.some((e) => e.id === this.current?.id);
    this.exportButtons.forEach((b) => (b.disabled = !saved));
  }

  private export(format: 'png' | 'csv' | 'json'): void {
    const id = this.current?.id;
    if (!id || !this.current?.result) return;
    if (format === 'png') this.post({ type: 'exportPng', id, dataUrl: this.chart.toPng() });
    else this.post({ type: 'export', id, format });
  }

  private showError(failure: { message: string; hint?: string; location?: string } | null): void {
    this.error = failure ? [failure.location, failure.message].filter(Boolean).join(': ') : null;
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
    this.status = status;
    const run = this.current;
    const result = run?.result;
    let text: string;
    switch (status) {
      case 'idle':
        text = 'Choose a dataset and run a range test to find learning-rate bounds.';
        break;
      case 'running': {
        const runs = run?.config.runs ?? 1;
        text = `Running on ${run?.label ?? ''} — ${runs > 1 ? `run ${this.streamRun + 1} of ${runs}, ` : ''}${this.streamed} of ${this.stepsExpected} steps`;
        break;
      }
      case 'done':
        text = result ? `${run?.label}: ${result.stopReason}, ${result.lrs.length} steps on ${result.backend}` : 'Done';
        break;
      case 'failed':
        text = `${run?.label ?? 'The run'} failed.`;
        break;
      case 'cancelled':
        text = `${run?.label ?? 'The run'} was cancelled after ${this.chart.pointsPlotted} steps.`;
        break;
    }
    this.statusLine.textContent = text;
    document.body.dataset.status = status;
  }

  /** Tells the extension what is on screen (debounced); the integration tests read it. */
  private report(): void {
    if (this.reportTimer) return;
    this.reportTimer = window.setTimeout(() => {
      this.reportTimer = 0;
      const state: PanelStateReport = {
        status: this.status,
        runId: this.current?.id ?? null,
        pointsPlotted: this.chart.pointsPlotted,
        overlayRunId: this.state.overlayRunId,
        overlayPoints: this.chart.overlayPoints,
        suggestionRows: this.suggestions.rows,
        diagnostics: this.suggestions.diagnostics,
        bounds: this.chart.bounds,
        policy: this.schedule.policy,
        schedulePoints: this.schedule.schedulePoints,
        error: this.error,
        theme: themeKind(),
        historyIds: this.history.ids,
        datasetInfo: this.form.datasetText,
      };
      this.post({ type: 'state', state });
    }, 150);
  }

  /** For the benchmark: frames the loss chart drew and points it holds. */
  get stats(): { framesDrawn: number; pointsPlotted: number } {
    return { framesDrawn: this.chart.framesDrawn, pointsPlotted: this.chart.pointsPlotted };
  }
}

function pickRequest(c: Omit<PanelRunRequest, 'dataset'>): Omit<PanelRunRequest, 'dataset'> {
  return { model: c.model, optimizer: c.optimizer, startLr: c.startLr, endLr: c.endLr, iterations: c.iterations, batchSize: c.batchSize, stepMode: c.stepMode, runs: c.runs };
}

const root = document.getElementById('app') ?? document.body;
const panel = new Panel(root);
(window as unknown as { cyclicalLrPanel: Panel }).cyclicalLrPanel = panel;
