import type { PanelRunRequest } from '../core/wire/panelChannel';
import { defaultStartLr, MODEL_PRESETS, OPTIMIZERS, STEP_MODES, type DatasetSummary, type OptimizerName } from '../core/types';
import { button, field, h, select, setOptions } from './dom';
import { formatLr, parsePositive, parsePositiveInt } from './format';
import { groupThousands } from '../core/displayFormat';

// The run controls: dataset (typed, picked from the workspace list, or browsed), target column from the
// dataset's inspection, model, optimizer, the sweep, and Run / Cancel.

export interface RunFormEvents {
  onRun(request: PanelRunRequest): void;
  onCancel(): void;
  /** Browse… was pressed on `opener` (focus returns there when the picker closes). */
  onBrowse(opener: HTMLElement): void;
  /** The dataset (or the target) changed: inspect it. */
  onDataset(path: string, target?: string): void;
  /** Any edit: persist the form. */
  onChange(request: PanelRunRequest): void;
}

const MODEL_LABELS: Record<string, string> = { linear: 'Linear (logistic / linear regression)', mlp: 'MLP (2 hidden layers)', cnn: 'Small CNN (images)' };

export class RunForm {
  readonly element: HTMLElement;
  private readonly dataset = h('input', { id: 'run-dataset', type: 'text', list: 'run-dataset-list', spellcheck: 'false', placeholder: 'path of a CSV, NPY, IDX file or image folder' });
  private readonly datasetList = h('datalist', { id: 'run-dataset-list' });
  private readonly target = select('run-target', [['', 'automatic']]);
  private readonly model = select('run-model', MODEL_PRESETS.map((m) => [m, MODEL_LABELS[m] ?? m] as const));
  private readonly optimizer = select('run-optimizer', OPTIMIZERS.map((o) => [o, o] as const));
  private readonly startLr = h('input', { id: 'run-start-lr', type: 'text', inputmode: 'decimal', spellcheck: 'false' });
  private readonly endLr = h('input', { id: 'run-end-lr', type: 'text', inputmode: 'decimal', spellcheck: 'false' });
  private readonly iterations = h('input', { id: 'run-iterations', type: 'number', min: 10, step: 1 });
  private readonly batchSize = h('input', { id: 'run-batch-size', type: 'number', min: 1, step: 1 });
  private readonly stepMode = select('run-step-mode', STEP_MODES.map((m) => [m, m === 'exp' ? 'exponential' : 'linear'] as const));
  private readonly runs = h('input', { id: 'run-runs', type: 'number', min: 1, max: 20, step: 1 });
  private readonly datasetInfo = h('p', { id: 'run-dataset-info', class: 'hint', 'aria-live': 'polite' });
  private readonly problem = h('p', { id: 'run-problem', class: 'error-text', role: 'alert' });
  readonly runButton = button('Run range test', { id: 'run-button', class: 'primary', 'data-test-id': 'run' });
  readonly cancelButton = button('Cancel', { id: 'cancel-button', 'data-test-id': 'cancel', disabled: true });
  private lastInspected = '';
  /** The dataset of the run going on, when the run will describe it (see runStarted). */
  private describedByRun: string | undefined;
  /** The optimizer whose default start lr the Start LR field may still be showing. */
  private shownOptimizer = '';

  constructor(initial: PanelRunRequest & { target?: string }, private readonly events: RunFormEvents) {
    const browse = button('Browse…', { id: 'run-browse', title: 'Pick a dataset from the workspace or the disk' });
    browse.addEventListener('click', () => events.onBrowse(browse));
    this.runButton.addEventListener('click', () => this.submit());
    this.cancelButton.addEventListener('click', () => events.onCancel());
    this.element = h(
      'section',
      { id: 'run', 'aria-labelledby': 'run-heading' },
      h('h2', { id: 'run-heading' }, 'Range test'),
      h('div', { class: 'field wide' }, h('label', { for: 'run-dataset' }, 'Dataset'), h('div', { class: 'inline' }, this.dataset, browse), this.datasetList, this.datasetInfo),
      h(
        'div',
        { class: 'form-grid' },
        field('Target column', this.target),
        field('Model', this.model),
        field('Optimizer', this.optimizer),
        field('Start LR', this.startLr),
        field('End LR', this.endLr),
        field('Iterations', this.iterations),
        field('Batch size', this.batchSize),
        field('LR growth', this.stepMode),
        field('Runs (averaged)', this.runs),
      ),
      this.problem,
      h('div', { class: 'button-row' }, this.runButton, this.cancelButton),
    );
    // The form submits with Enter from any text field, like a native dialog.
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.target instanceof HTMLInputElement && !this.runButton.disabled) this.submit();
    });
    this.element.addEventListener('input', () => this.changed());
    this.element.addEventListener('change', (event) => {
      if (event.target === this.dataset) this.inspect();
      if (event.target === this.target) events.onDataset(this.dataset.value.trim(), this.target.value || undefined);
      if (event.target === this.optimizer) this.followOptimizerDefault();
      this.changed();
    });
    this.setValues(initial);
  }

  setValues(request: PanelRunRequest & { target?: string }): void {
    this.dataset.value = request.dataset;
    if (typeof request.model === 'string' && !MODEL_PRESETS.includes(request.model as never)) {
      setOptions(this.model, [...MODEL_PRESETS.map((m) => [m, MODEL_LABELS[m] ?? m] as const), [request.model, request.model]], request.model);
    }
    this.model.value = request.model;
    this.optimizer.value = request.optimizer;
    this.shownOptimizer = request.optimizer;
    this.startLr.value = formatLr(request.startLr);
    this.endLr.value = formatLr(request.endLr);
    this.iterations.value = String(request.iterations);
    this.batchSize.value = String(request.batchSize);
    this.stepMode.value = request.stepMode;
    this.runs.value = String(request.runs);
    if (request.target) {
      if (![...this.target.options].some((o) => o.value === request.target)) this.target.appendChild(h('option', { value: request.target }, request.target));
      this.target.value = request.target;
    }
  }

  /**
   * The default start lr depends on the optimizer (adaptive ones start to learn lower): a Start LR that still
   * shows the previous optimizer's default follows the new one; one the user typed stays.
   */
  private followOptimizerDefault(): void {
    const previous = this.shownOptimizer as OptimizerName;
    const next = this.optimizer.value as OptimizerName;
    this.shownOptimizer = next;
    if (OPTIMIZERS.includes(previous) && parsePositive(this.startLr.value) === defaultStartLr(previous)) this.startLr.value = formatLr(defaultStartLr(next));
  }

  setDatasets(datasets: readonly string[], selected?: string): void {
    this.datasetList.replaceChildren(...datasets.map((d) => h('option', { value: d })));
    if (!this.dataset.value && datasets.length === 1) this.dataset.value = datasets[0];
    if (selected) this.dataset.value = selected;
    if (selected || (this.dataset.value && this.dataset.value !== this.lastInspected)) this.inspect();
  }

  setDatasetInfo(path: string, summary: DatasetSummary | null, error?: string): void {
    if (path !== this.dataset.value.trim()) return;
    if (!summary) {
      this.datasetInfo.textContent = error ?? '';
      this.datasetInfo.className = 'error-text';
      return;
    }
    this.datasetInfo.className = 'hint';
    const task = summary.task === 'classification' ? `classification, ${summary.classes.length} classes` : 'regression';
    this.datasetInfo.textContent = `${summary.format.toUpperCase()} · ${groupThousands(summary.rows)} rows · ${summary.features} features · target “${summary.target}” (${task})${summary.warnings.length ? ` · ${summary.warnings.join('; ')}` : ''}`;
    const tabular = ['csv', 'tsv', 'jsonl'].includes(summary.format);
    const current = this.target.value;
    const columns = [...new Set([summary.target, ...summary.featureNames.filter((n) => !n.includes('='))])];
    setOptions(this.target, [['', `automatic (${summary.target})`], ...columns.map((c) => [c, c] as const)], current);
    this.target.disabled = !tabular;
  }

  get datasetValue(): string {
    return this.dataset.value;
  }

  /** The text shown about the dataset (its inspection, or the problem with it). */
  get datasetText(): string {
    return this.datasetInfo.textContent ?? '';
  }

  /**
   * A run on the dataset in the field has started. Its result describes the dataset, so the form does not
   * inspect it beside the run: on a first click that inspection was a process of its own (~0.25 s of CPU)
   * competing with the run for two cores.
   */
  runStarted(): void {
    const path = this.dataset.value.trim();
    if (!path || path === this.lastInspected) return;
    this.describedByRun = path;
    this.showReading(path);
  }

  /** The run ended: the dataset as the run read it, or, when the run gave none (failed, cancelled early), an inspection. */
  runEnded(summary: DatasetSummary | null): void {
    const path = this.describedByRun;
    this.describedByRun = undefined;
    if (!path) return;
    if (summary) this.setDatasetInfo(path, summary);
    else if (path === this.dataset.value.trim()) this.inspect();
  }

  get batch(): number {
    return parsePositiveInt(this.batchSize.value) ?? 64;
  }

  setRunning(running: boolean): void {
    this.runButton.disabled = running;
    this.cancelButton.disabled = !running;
  }

  private inspect(): void {
    const path = this.dataset.value.trim();
    if (!path) return;
    this.showReading(path);
    this.events.onDataset(path, this.target.value || undefined);
  }

  /** `path` is being read, by an inspection or by a run: it is not asked for again until the field changes. */
  private showReading(path: string): void {
    this.lastInspected = path;
    this.datasetInfo.textContent = 'Reading the dataset…';
    this.datasetInfo.className = 'hint';
  }

  private changed(): void {
    const request = this.read(false);
    if (request) this.events.onChange(request);
  }

  /** The form as a request, or null (and the problem shown, when `report`) if something is invalid. */
  read(report: boolean): (PanelRunRequest & { target?: string }) | null {
    const problems: string[] = [];
    const mark = (input: HTMLInputElement, ok: boolean, message: string) => {
      input.setAttribute('aria-invalid', ok ? 'false' : 'true');
      if (!ok) problems.push(message);
    };
    const dataset = this.dataset.value.trim();
    const startLr = parsePositive(this.startLr.value);
    const endLr = parsePositive(this.endLr.value);
    const iterations = parsePositiveInt(this.iterations.value);
    const batchSize = parsePositiveInt(this.batchSize.value);
    const runs = parsePositiveInt(this.runs.value);
    mark(this.dataset, dataset !== '', 'Choose a dataset.');
    mark(this.startLr, startLr !== null, 'Start LR must be a positive number, e.g. 1e-7.');
    mark(this.endLr, endLr !== null && (startLr === null || endLr > startLr), 'End LR must be a number above Start LR, e.g. 10.');
    mark(this.iterations, iterations !== null && iterations >= 10, 'Iterations must be a whole number ≥ 10.');
    mark(this.batchSize, batchSize !== null, 'Batch size must be a whole number ≥ 1.');
    mark(this.runs, runs !== null && runs <= 20, 'Runs must be a whole number from 1 to 20.');
    if (report) this.problem.textContent = problems.join(' ');
    if (problems.length) return null;
    return {
      dataset,
      ...(this.target.value ? { target: this.target.value } : {}),
      model: this.model.value,
      optimizer: this.optimizer.value as PanelRunRequest['optimizer'],
      startLr: startLr as number,
      endLr: endLr as number,
      iterations: iterations as number,
      batchSize: batchSize as number,
      stepMode: this.stepMode.value as PanelRunRequest['stepMode'],
      runs: runs as number,
    };
  }

  private submit(): void {
    const request = this.read(true);
    if (request) this.events.onRun(request);
  }
}
