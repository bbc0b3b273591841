import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type TooltipItem } from 'chart.js';
import { FRAMEWORKS, type Framework } from '../core/wire/panelChannel';
import {
  computeSchedule,
  defaultPreviewSteps,
  defaultWarmupSpec,
  SCHEDULE_POLICIES,
  WARMUP_POLICIES,
  type SchedulePolicy,
  type ScheduleSpec,
} from '../core/schedules';
import type { LrBounds } from '../core/types';
import { button, field, h, select } from './dom';
import { formatLr, parsePositive, parsePositiveInt } from './format';
import type { ThemeColors } from './theme';

// The schedule section: the policy and its parameters (bounds from the range test), a preview of the
// learning rate and momentum per iteration computed by the same code the CLI and snippets use, and one
// "Insert" button per framework.

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend);

/** The section's inputs, persisted with the webview state. */
export interface ScheduleForm {
  policy: SchedulePolicy;
  baseLr: number;
  maxLr: number;
  stepsPerEpoch: number;
  /** CyclicLR: iterations in the rising half-cycle. */
  stepSizeUp: number;
  /** exp_range's decay per iteration. */
  gamma: number;
  /** Training length for one-cycle and cosine. */
  epochs: number;
  /** SGDR: epochs to the first restart, and the period's growth factor. */
  t0: number;
  tMult: number;
  cycleMomentum: boolean;
  /** A spec handed over by the CodeLens: its other parameters (pct_start, …) are kept while the policy is. */
  imported: ScheduleSpec | null;
}

/** Smith: a half-cycle of 2–10 epochs; we start at 4. */
const HALF_CYCLE_EPOCHS = 4;
/** The preview draws at most this many points (every k-th step beyond). */
const PREVIEW_POINTS = 2000;

const POLICY_LABELS: Record<SchedulePolicy, string> = {
  triangular: 'CyclicLR — triangular',
  triangular2: 'CyclicLR — triangular2 (amplitude halves each cycle)',
  exp_range: 'CyclicLR — exp_range (amplitude decays by gamma)',
  'one-cycle': 'OneCycleLR (1cycle)',
  sgdr: 'SGDR — cosine with warm restarts',
  cosine: 'Cosine annealing',
  'warmup-cosine': 'Linear warm-up + cosine decay',
  wsd: 'Warmup-stable-decay (WSD)',
  'linear-decay': 'Linear decay to zero (with warm-up)',
};

const FRAMEWORK_LABELS: Record<Framework, string> = {
  pytorch: 'PyTorch',
  lightning: 'Lightning',
  keras: 'Keras',
  tfjs: 'TensorFlow.js',
  fastai: 'fastai',
};

export function defaultScheduleForm(): ScheduleForm {
  const stepsPerEpoch = 100;
  return {
    policy: 'triangular',
    baseLr: 1e-4,
    maxLr: 1e-2,
    stepsPerEpoch,
    stepSizeUp: HALF_CYCLE_EPOCHS * stepsPerEpoch,
    gamma: 0.9999,
    epochs: 10,
    t0: 2,
    tMult: 2,
    cycleMomentum: true,
    imported: null,
  };
}

/** The ScheduleSpec the form describes. */
export function specFromForm(form: ScheduleForm): ScheduleSpec {
  const kept = form.imported && form.imported.policy === form.policy ? form.imported : {};
  switch (form.policy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range':
      return {
        ...kept,
        policy: form.policy,
        baseLr: form.baseLr,
        maxLr: form.maxLr,
        stepSizeUp: form.stepSizeUp,
        ...(form.policy === 'exp_range' ? { gamma: form.gamma } : {}),
        cycleMomentum: form.cycleMomentum,
        stepsPerEpoch: form.stepsPerEpoch,
      } as ScheduleSpec;
    case 'one-cycle': {
      // An imported total_steps stands until the user edits the training length.
      const length = (kept as { totalSteps?: number }).totalSteps !== undefined ? {} : { epochs: form.epochs, stepsPerEpoch: form.stepsPerEpoch };
      return { ...kept, ...length, policy: 'one-cycle', maxLr: form.maxLr, cycleMomentum: form.cycleMomentum };
    }
    case 'sgdr':
      return { ...kept, policy: 'sgdr', maxLr: form.maxLr, t0: form.t0, tMult: form.tMult, etaMin: form.baseLr, stepsPerEpoch: form.stepsPerEpoch };
    case 'cosine': {
      const tMax = (kept as { tMax?: number }).tMax ?? form.epochs * form.stepsPerEpoch;
      return { ...kept, policy: 'cosine', maxLr: form.maxLr, tMax, etaMin: form.baseLr, stepsPerEpoch: form.stepsPerEpoch };
    }
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay': {
      // An imported length and phases stand until the user edits the training length.
      const imported = (kept as { totalSteps?: number }).totalSteps !== undefined;
      const spec = imported ? kept : defaultWarmupSpec(form.policy, form.maxLr, form.epochs * form.stepsPerEpoch);
      return { ...spec, policy: form.policy, maxLr: form.maxLr, stepsPerEpoch: form.stepsPerEpoch, ...(form.policy === 'warmup-cosine' ? { etaMin: form.baseLr } : {}) } as ScheduleSpec;
    }
  }
}

/** The form that shows `spec` (from the CodeLens), starting from the current one for what it leaves out. */
export function formFromSpec(spec: ScheduleSpec, current: ScheduleForm): ScheduleForm {
  const form: ScheduleForm = { ...current, policy: spec.policy, imported: spec };
  const spe = spec.stepsPerEpoch ?? current.stepsPerEpoch;
  form.stepsPerEpoch = spe;
  switch (spec.policy) {
    case 'triangular':
    case 'triangular2':
    case 'exp_range':
      form.baseLr = spec.baseLr;
      form.maxLr = spec.maxLr;
      form.stepSizeUp = spec.stepSizeUp ?? 2000;
      if (spec.gamma !== undefined) form.gamma = spec.gamma;
      form.cycleMomentum = spec.cycleMomentum ?? true;
      break;
    case 'one-cycle':
      form.maxLr = spec.maxLr;
      form.baseLr = spec.maxLr / (spec.divFactor ?? 25);
      if (spec.totalSteps !== undefined) {
        form.epochs = Math.max(1, Math.round(spec.totalSteps / spe));
        if (spec.stepsPerEpoch === undefined) form.stepsPerEpoch = Math.max(1, Math.round(spec.totalSteps / form.epochs));
      } else if (spec.epochs !== undefined) form.epochs = spec.epochs;
      form.cycleMomentum = spec.cycleMomentum ?? true;
      break;
    case 'sgdr':
      form.maxLr = spec.maxLr;
      form.baseLr = spec.etaMin ?? 0;
      form.t0 = spec.t0;
      form.tMult = spec.tMult ?? 1;
      if (spec.stepsPerEpoch === undefined) form.stepsPerEpoch = 1;
      break;
    case 'cosine':
      form.maxLr = spec.maxLr;
      form.baseLr = spec.etaMin ?? 0;
      form.epochs = Math.max(1, Math.round(spec.tMax / spe));
      if (spec.stepsPerEpoch === undefined) {
        form.stepsPerEpoch = 1;
        form.epochs = spec.tMax;
      }
      break;
    case 'warmup-cosine':
    case 'wsd':
    case 'linear-decay':
      form.maxLr = spec.maxLr;
      form.baseLr = spec.etaMin ?? 0;
      form.epochs = Math.max(1, Math.round(spec.totalSteps / spe));
      if (spec.stepsPerEpoch === undefined) {
        form.stepsPerEpoch = 1;
        form.epochs = spec.totalSteps;
      }
      break;
  }
  return form;
}

export interface ScheduleSectionEvents {
  /** The form changed (persist it, report it). */
  onChange(form: ScheduleForm): void;
  /** The user typed new bounds: move the chart's lines. */
  onBoundsEdited(bounds: LrBounds): void;
  onInsert(framework: Framework, spec: ScheduleSpec, stepsPerEpoch: number): void;
}

export class ScheduleSection {
  readonly element: HTMLElement;
  private form: ScheduleForm;
  private readonly inputs: {
    policy: HTMLSelectElement;
    baseLr: HTMLInputElement;
    maxLr: HTMLInputElement;
    stepsPerEpoch: HTMLInputElement;
    stepSizeUp: HTMLInputElement;
    gamma: HTMLInputElement;
    epochs: HTMLInputElement;
    t0: HTMLInputElement;
    tMult: HTMLInputElement;
    cycleMomentum: HTMLInputElement;
  };
  private readonly rows: Record<'baseLr' | 'stepSizeUp' | 'gamma' | 'epochs' | 't0' | 'tMult' | 'cycleMomentum', HTMLElement>;
  private readonly baseLabel: HTMLLabelElement;
  private readonly problems: HTMLElement;
  private readonly chart: Chart<'line', Array<{ x: number; y: number }>>;
  private readonly insertButtons: HTMLButtonElement[] = [];
  private previewPoints = 0;
  private spec: ScheduleSpec | null = null;
  private frame = 0;

  constructor(form: ScheduleForm, colors: ThemeColors, private readonly events: ScheduleSectionEvents) {
    this.form = { ...form };
    const numberInput = (id: string, step = 'any') => h('input', { id, type: 'text', inputmode: 'decimal', spellcheck: 'false', 'data-step': step });
    this.inputs = {
      policy: select('schedule-policy', SCHEDULE_POLICIES.map((p) => [p, POLICY_LABELS[p]] as const), form.policy),
      baseLr: numberInput('schedule-base-lr'),
      maxLr: numberInput('schedule-max-lr'),
      stepsPerEpoch: numberInput('schedule-steps-per-epoch'),
      stepSizeUp: numberInput('schedule-step-size-up'),
      gamma: numberInput('schedule-gamma'),
      epochs: numberInput('schedule-epochs'),
      t0: numberInput('schedule-t0'),
      tMult: numberInput('schedule-t-mult'),
      cycleMomentum: h('input', { id: 'schedule-cycle-momentum', type: 'checkbox' }),
    };
    const baseRow = field('base_lr', this.inputs.baseLr);
    this.baseLabel = baseRow.querySelector('label') as HTMLLabelElement;
    this.rows = {
      baseLr: baseRow,
      stepSizeUp: field('step_size_up (iterations)', this.inputs.stepSizeUp, 'Smith: 2–10 epochs per half-cycle'),
      gamma: field('gamma', this.inputs.gamma),
      epochs: field('Epochs', this.inputs.epochs),
      t0: field('T_0 (epochs to first restart)', this.inputs.t0),
      tMult: field('T_mult', this.inputs.tMult),
      cycleMomentum: h('div', { class: 'field checkbox' }, this.inputs.cycleMomentum, h('label', { for: 'schedule-cycle-momentum' }, 'Cycle momentum (inverse to the rate)')),
    };
    this.problems = h('ul', { class: 'problems', 'aria-live': 'polite' });
    const canvas = h('canvas', { id: 'schedule-chart', role: 'img', 'aria-label': 'Schedule preview: learning rate and momentum per iteration' });
    const insertRow = h('div', { class: 'button-row', role: 'group', 'aria-label': 'Insert the scheduler into the editor' });
    for (const framework of FRAMEWORKS) {
      const b = button(`Insert ${FRAMEWORK_LABELS[framework]}`, { 'data-test-id': `insert-${framework}`, title: `Insert ${FRAMEWORK_LABELS[framework]} code for this schedule at the cursor of your last editor` });
      b.addEventListener('click', () => {
        // From the form as it is now: a redraw of the preview may still be pending.
        this.render();
        if (this.spec) this.events.onInsert(framework, this.spec, this.form.stepsPerEpoch);
      });
      this.insertButtons.push(b);
      insertRow.appendChild(b);
    }
    this.element = h(
      'section',
      { id: 'schedule', 'aria-labelledby': 'schedule-heading' },
      h('h2', { id: 'schedule-heading' }, 'Schedule'),
      h(
        'div',
        { class: 'form-grid' },
        field('Policy', this.inputs.policy),
        baseRow,
        field('max_lr', this.inputs.maxLr),
        field('Iterations per epoch', this.inputs.stepsPerEpoch, 'ceil(rows / batch size)'),
        this.rows.stepSizeUp,
        this.rows.gamma,
        this.rows.epochs,
        this.rows.t0,
        this.rows.tMult,
        this.rows.cycleMomentum,
      ),
      this.problems,
      h('div', { class: 'chart-box small' }, canvas),
      insertRow,
    );
    for (const [key, input] of Object.entries(this.inputs)) {
      input.addEventListener(input instanceof HTMLSelectElement || input.type === 'checkbox' ? 'change' : 'input', () => this.readInput(key as keyof ScheduleSection['inputs']));
    }
    this.chart = new Chart(canvas, {
      type: 'line',
      data: {
        datasets: [
          { label: 'learning rate', data: [], yAxisID: 'y', borderWidth: 2, pointRadius: 0, tension: 0 },
          { label: 'momentum', data: [], yAxisID: 'y1', borderWidth: 1.5, borderDash: [5, 3], pointRadius: 0, tension: 0, hidden: false },
        ],
      },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'iteration' }, ticks: { maxRotation: 0 } },
          y: { type: 'linear', position: 'left', title: { display: true, text: 'learning rate' }, ticks: { callback: (v) => formatLr(Number(v)) } },
          y1: { type: 'linear', position: 'right', title: { display: true, text: 'momentum' }, grid: { drawOnChartArea: false } },
        },
        plugins: {
          legend: { position: 'top', align: 'end', labels: { boxWidth: 14, boxHeight: 2, filter: (item, data) => (data.datasets[item.datasetIndex ?? 0]?.data.length ?? 0) > 0 } },
          tooltip: {
            callbacks: {
              title: (items: TooltipItem<'line'>[]) => (items[0] ? `iteration ${items[0].parsed.x}` : ''),
              label: (item: TooltipItem<'line'>) => `${item.dataset.label ?? ''}: ${formatLr(item.parsed.y)}`,
            },
          },
        },
      },
    });
    this.applyColors(colors);
    this.writeInputs();
    this.render();
  }

  get state(): ScheduleForm {
    return { ...this.form };
  }

  get policy(): SchedulePolicy {
    return this.form.policy;
  }

  get schedulePoints(): number {
    return this.previewPoints;
  }

  /** New bounds from the range test or a dragged line. */
  setBounds(bounds: LrBounds): void {
    this.form.baseLr = bounds.baseLr;
    this.form.maxLr = bounds.maxLr;
    this.writeInputs();
    this.scheduleRender();
  }

  /** A new dataset size: iterations per epoch, and a half-cycle of HALF_CYCLE_EPOCHS epochs. */
  setStepsPerEpoch(stepsPerEpoch: number): void {
    this.form.stepsPerEpoch = stepsPerEpoch;
    this.dropImportedLength();
    this.form.stepSizeUp = HALF_CYCLE_EPOCHS * stepsPerEpoch;
    this.writeInputs();
    this.scheduleRender();
  }

  setSpec(spec: ScheduleSpec): void {
    this.form = formFromSpec(spec, this.form);
    this.writeInputs();
    this.render();
    this.events.onChange(this.state);
    this.events.onBoundsEdited({ baseLr: this.form.baseLr, maxLr: this.form.maxLr });
  }

  /**
   * The range test's peak (its one-cycle max_lr): the peak of the warm-up schedule shown, else a one-cycle
   * schedule peaking there over the form's training length.
   */
  usePeak(peak: number): void {
    const f = this.form;
    this.setSpec(
      (WARMUP_POLICIES as readonly string[]).includes(f.policy)
        ? specFromForm({ ...f, maxLr: peak })
        : { policy: 'one-cycle', maxLr: peak, epochs: f.epochs, stepsPerEpoch: f.stepsPerEpoch },
    );
  }

  /** The training length now comes from the form's epochs × iterations per epoch. */
  private dropImportedLength(): void {
    if (!this.form.imported) return;
    const { totalSteps: _t, tMax: _m, epochs: _e, ...rest } = this.form.imported as ScheduleSpec & { totalSteps?: number; tMax?: number; epochs?: number };
    this.form.imported = rest as ScheduleSpec;
  }

  private readInput(key: keyof ScheduleSection['inputs']): void {
    const input = this.inputs[key];
    if (key === 'policy') {
      this.form.policy = (input as HTMLSelectElement).value as SchedulePolicy;
      this.writeInputs();
    } else if (key === 'cycleMomentum') {
      this.form.cycleMomentum = (input as HTMLInputElement).checked;
    } else {
      const text = (input as HTMLInputElement).value;
      const integer = key === 'stepsPerEpoch' || key === 't0' || key === 'tMult' || key === 'epochs';
      const value = key === 'baseLr' && text.trim() === '0' ? 0 : integer ? parsePositiveInt(text) : parsePositive(text);
      input.setAttribute('aria-invalid', value === null ? 'true' : 'false');
      if (value === null) return;
      this.form[key] = value;
      if (key === 'epochs' || key === 'stepsPerEpoch') this.dropImportedLength();
      if (key === 'baseLr' || key === 'maxLr') this.events.onBoundsEdited({ baseLr: this.form.baseLr, maxLr: this.form.maxLr });
    }
    this.render();
    this.events.onChange(this.state);
  }

  private writeInputs(): void {
    const f = this.form;
    const set = (input: HTMLInputElement, value: number) => {
      if (document.activeElement !== input) input.value = formatLr(value).replace('—', '');
      input.setAttribute('aria-invalid', 'false');
    };
    this.inputs.policy.value = f.policy;
    set(this.inputs.baseLr, f.baseLr);
    set(this.inputs.maxLr, f.maxLr);
    this.inputs.stepsPerEpoch.value = String(f.stepsPerEpoch);
    this.inputs.stepSizeUp.value = String(f.stepSizeUp);
    this.inputs.gamma.value = String(f.gamma);
    this.inputs.epochs.value = String(f.epochs);
    this.inputs.t0.value = String(f.t0);
    this.inputs.tMult.value = String(f.tMult);
    this.inputs.cycleMomentum.checked = f.cycleMomentum;
    const cyclic = f.policy === 'triangular' || f.policy === 'triangular2' || f.policy === 'exp_range';
    this.rows.baseLr.hidden = f.policy === 'one-cycle' || f.policy === 'wsd' || f.policy === 'linear-decay';
    this.baseLabel.textContent = cyclic ? 'base_lr' : 'eta_min (lowest rate)';
    this.rows.stepSizeUp.hidden = !cyclic;
    this.rows.gamma.hidden = f.policy !== 'exp_range';
    this.rows.epochs.hidden = !['one-cycle', 'cosine', 'warmup-cosine', 'wsd', 'linear-decay'].includes(f.policy);
    this.rows.t0.hidden = f.policy !== 'sgdr';
    this.rows.tMult.hidden = f.policy !== 'sgdr';
    this.rows.cycleMomentum.hidden = !(cyclic || f.policy === 'one-cycle');
  }

  private scheduleRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    this.problems.replaceChildren();
    let values: { lr: number[]; momentum: number[] | null; warnings: string[] };
    let spec: ScheduleSpec;
    try {
      spec = specFromForm(this.form);
      const steps = Math.min(defaultPreviewSteps(spec), 1_000_000);
      values = computeSchedule(spec, steps);
    } catch (error) {
      this.spec = null;
      this.previewPoints = 0;
      this.problems.appendChild(h('li', { class: 'error' }, error instanceof Error ? error.message : String(error)));
      for (const b of this.insertButtons) b.disabled = true;
      this.chart.data.datasets[0].data = [];
      this.chart.data.datasets[1].data = [];
      this.chart.update('none');
      return;
    }
    this.spec = spec;
    for (const b of this.insertButtons) b.disabled = false;
    for (const warning of values.warnings) this.problems.appendChild(h('li', { class: 'warning' }, warning));
    const stride = Math.max(1, Math.ceil(values.lr.length / PREVIEW_POINTS));
    const lr: Array<{ x: number; y: number }> = [];
    const momentum: Array<{ x: number; y: number }> = [];
    for (let t = 0; t < values.lr.length; t += stride) {
      lr.push({ x: t, y: values.lr[t] });
      if (values.momentum) momentum.push({ x: t, y: values.momentum[t] });
    }
    this.previewPoints = lr.length;
    this.chart.data.datasets[0].data = lr;
    this.chart.data.datasets[1].data = momentum;
    const y1 = this.chart.options.scales?.y1;
    if (y1) y1.display = momentum.length > 0;
    this.chart.update('none');
  }

  applyColors(colors: ThemeColors): void {
    const [lr, momentum] = this.chart.data.datasets;
    lr.borderColor = lr.backgroundColor = colors.smoothed;
    momentum.borderColor = momentum.backgroundColor = colors.momentum;
    const options = this.chart.options;
    options.color = colors.foreground;
    options.font = { family: colors.font };
    for (const axis of ['x', 'y', 'y1'] as const) {
      const scale = options.scales?.[axis];
      if (!scale) continue;
      scale.grid = { ...scale.grid, color: colors.grid };
      scale.border = { color: colors.grid };
      scale.ticks = { ...scale.ticks, color: colors.muted };
      if ('title' in scale && scale.title) scale.title.color = colors.muted;
    }
    this.chart.update('none');
  }
}
