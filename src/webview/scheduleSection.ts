import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type TooltipItem } from 'chart.js';
import { FRAMEWORK_SHORT_LABELS } from '../core/snippets/catalog';
import { FRAMEWORKS, type Framework } from '../core/wire/panelChannel';
import {
  baseLrLabel,
  formFromSpec,
  peakSpec,
  readScheduleField,
  SCHEDULE_FIELD_LABELS,
  type ScheduleForm,
  type ScheduleNumberField,
  scheduleFieldsUsed,
  specFromForm,
  withoutImportedLength,
  withStepsPerEpoch,
} from '../core/scheduleForm';
import { computeSchedule, defaultPreviewSteps, SCHEDULE_POLICIES, type SchedulePolicy, type ScheduleSpec } from '../core/schedules';
import { UserError } from '../core/errors';
import type { LrBounds } from '../core/types';
import { groupThousands } from '../core/displayFormat';
import { button, field, h, select } from './dom';
import { redraw } from './chartRedraw';
import { formatLr } from './format';
import type { ThemeColors } from './theme';

// The schedule section: the policy and its parameters (bounds from the range test), a preview of the
// learning rate and momentum per iteration computed by the same code the CLI and snippets use, and one
// "Insert" button per framework. The form's mapping to a ScheduleSpec is core's (src/core/scheduleForm.ts).

export { defaultScheduleForm, type ScheduleForm } from '../core/scheduleForm';

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend);

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
  /** Messages about inputs that do not parse, shown until the input does. */
  private fieldErrors: Partial<Record<ScheduleNumberField, string>> = {};
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
    const L = SCHEDULE_FIELD_LABELS;
    const baseRow = field(L.baseLr, this.inputs.baseLr);
    this.baseLabel = baseRow.querySelector('label') as HTMLLabelElement;
    this.rows = {
      baseLr: baseRow,
      stepSizeUp: field(L.stepSizeUp, this.inputs.stepSizeUp, 'Smith: 2–10 epochs per half-cycle'),
      gamma: field(L.gamma, this.inputs.gamma),
      epochs: field(L.epochs, this.inputs.epochs),
      t0: field(L.t0, this.inputs.t0),
      tMult: field(L.tMult, this.inputs.tMult),
      cycleMomentum: h('div', { class: 'field checkbox' }, this.inputs.cycleMomentum, h('label', { for: 'schedule-cycle-momentum' }, L.cycleMomentum)),
    };
    this.problems = h('ul', { class: 'problems', 'aria-live': 'polite' });
    const canvas = h('canvas', { id: 'schedule-chart', role: 'img', 'aria-label': 'Schedule preview: learning rate and momentum per iteration' });
    const insertRow = h('div', { class: 'button-row', role: 'group', 'aria-label': 'Insert the scheduler into the editor' });
    for (const framework of FRAMEWORKS) {
      const b = button(`Insert ${FRAMEWORK_SHORT_LABELS[framework]}`, { 'data-test-id': `insert-${framework}`, title: `Insert ${FRAMEWORK_SHORT_LABELS[framework]} code for this schedule at the cursor of your last editor` });
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
        field(L.maxLr, this.inputs.maxLr),
        field(L.stepsPerEpoch, this.inputs.stepsPerEpoch, 'ceil(rows / batch size)'),
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
          x: { type: 'linear', title: { display: true, text: 'iteration' }, ticks: { maxRotation: 0, callback: (v) => groupThousands(Number(v)) } },
          y: { type: 'linear', position: 'left', title: { display: true, text: 'learning rate' }, ticks: { callback: (v) => formatLr(Number(v)) } },
          y1: { type: 'linear', position: 'right', title: { display: true, text: 'momentum' }, grid: { drawOnChartArea: false }, ticks: { callback: (v) => groupThousands(Number(v)) } },
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

  /** A new dataset size: iterations per epoch, and the default half-cycle in epochs. */
  setStepsPerEpoch(stepsPerEpoch: number): void {
    this.form = withStepsPerEpoch(this.form, stepsPerEpoch);
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
    let spec: ScheduleSpec;
    try {
      spec = peakSpec(this.form, peak);
    } catch {
      // The form itself is invalid (its message is already shown): leave it as it is.
      this.render();
      return;
    }
    this.setSpec(spec);
  }

  private readInput(key: keyof ScheduleSection['inputs']): void {
    const input = this.inputs[key];
    if (key === 'policy') {
      this.form.policy = (input as HTMLSelectElement).value as SchedulePolicy;
      this.writeInputs();
    } else if (key === 'cycleMomentum') {
      this.form.cycleMomentum = (input as HTMLInputElement).checked;
    } else {
      const read = readScheduleField(key, (input as HTMLInputElement).value);
      input.setAttribute('aria-invalid', 'error' in read ? 'true' : 'false');
      if ('error' in read) {
        // The form keeps its last valid value; the message says what to type instead.
        this.fieldErrors[key] = read.error;
        this.render();
        return;
      }
      delete this.fieldErrors[key];
      this.form[key] = read.value;
      if (key === 'epochs' || key === 'stepsPerEpoch') this.form = withoutImportedLength(this.form);
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
    this.fieldErrors = {};
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
    const used = scheduleFieldsUsed(f.policy);
    for (const [key, row] of Object.entries(this.rows) as Array<[keyof ScheduleSection['rows'], HTMLElement]>) row.hidden = !used.has(key);
    this.baseLabel.textContent = baseLrLabel(f.policy);
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
    for (const message of Object.values(this.fieldErrors)) this.problems.appendChild(h('li', { class: 'error' }, message));
    let values: { lr: number[]; momentum: number[] | null; warnings: string[] };
    let spec: ScheduleSpec;
    try {
      spec = specFromForm(this.form);
      const steps = Math.min(defaultPreviewSteps(spec), 1_000_000);
      values = computeSchedule(spec, steps);
    } catch (error) {
      this.spec = null;
      this.previewPoints = 0;
      const hint = error instanceof UserError && error.hint ? ` (${error.hint})` : '';
      this.problems.appendChild(h('li', { class: 'error' }, error instanceof Error ? error.message + hint : String(error)));
      for (const b of this.insertButtons) b.disabled = true;
      this.chart.data.datasets[0].data = [];
      this.chart.data.datasets[1].data = [];
      redraw(this.chart);
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
    redraw(this.chart);
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
    redraw(this.chart);
  }
}
