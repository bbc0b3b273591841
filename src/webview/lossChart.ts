import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Title,
  Tooltip,
  type ChartDataset,
  type ChartOptions,
  type Plugin,
  type TooltipItem,
} from 'chart.js';
import { addToLossExtremes, distinctTickLabels, emptyLossExtremes, lossAxisRange } from '../core/lossAxis';
import type { CurvePoint, LrBounds, RangeTestResult } from '../core/types';
import { attachBoundsDrag, BOUND_LABELS_HEIGHT, BoundsOverlay, createBoundKeys, createBoundsPlugin } from './boundsPlugin';
import { formatLoss, formatLr } from './format';
import { redraw } from './chartRedraw';
import type { ThemeColors } from './theme';

// The live loss-vs-learning-rate chart. Points arrive in bursts from the extension; they are queued and
// drawn once per animation frame, so the chart redraws at most at the display's rate however fast the
// engine streams (chart.js is told not to animate, parse or re-sort anything).

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend, Title);

/** The exported PNG has twice the pixels of the chart on screen (sharp in documents and on HiDPI screens). */
const EXPORT_SCALE = 2;

interface XY {
  x: number;
  y: number;
}

/** Index of the overlaid run's dataset (0: raw loss, 1: smoothed loss). */
const OVERLAY = 2;

/** Non-finite losses (a diverged step, NaN sent as null) become gaps. */
function y(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : NaN;
}

function isPowerOfTen(value: number): boolean {
  const exponent = Math.log10(value);
  return Math.abs(exponent - Math.round(exponent)) < 1e-9;
}

export class LossChart {
  readonly chart: Chart<'line', XY[]>;
  private readonly overlay: BoundsOverlay;
  /** Keyboard handles for the two bounds, shown under the chart (arrow keys move a focused bound). */
  readonly boundControls: HTMLElement;
  private readonly updateBoundKeys: () => void;
  private raw: XY[] = [];
  private smoothed: XY[] = [];
  private bandLow: XY[] = [];
  private bandHigh: XY[] = [];
  private pending: CurvePoint[] = [];
  private frame = 0;
  private drawn: Array<() => void> = [];
  /** Running extremes for the y range, so a frame does not rescan 10,000 points. */
  private extremes = emptyLossExtremes();
  /** Frames drawn while streaming (read by the benchmark). */
  framesDrawn = 0;

  constructor(
    canvas: HTMLCanvasElement,
    colors: ThemeColors,
    onBoundsDragged: (bounds: LrBounds, done: boolean) => void,
  ) {
    this.overlay = { bounds: null, diverged: null, colors, active: null };
    this.chart = new Chart<'line', XY[]>(canvas, {
      type: 'line',
      data: {
        datasets: [
          this.dataset('loss', this.raw, colors.loss, 1),
          this.dataset('smoothed loss', this.smoothed, colors.smoothed, 2.5),
          { ...this.dataset('overlay (smoothed)', [], colors.overlay, 2), borderDash: [6, 4], hidden: true },
          // Several runs: the band of their lowest and highest loss around the median (thin dotted edges).
          { ...this.dataset('lowest run', this.bandLow, colors.loss, 1), borderDash: [2, 3] },
          { ...this.dataset('highest run', this.bandHigh, colors.loss, 1), borderDash: [2, 3] },
        ],
      },
      options: chartOptions(colors),
      plugins: [createBoundsPlugin(this.overlay)],
    });
    // Dragging and the keys both keep the handles' values (and what a screen reader reads) current.
    const changed = (bounds: LrBounds, done: boolean) => {
      this.updateBoundKeys();
      onBoundsDragged(bounds, done);
    };
    attachBoundsDrag(this.chart as unknown as Chart, this.overlay, changed);
    const keys = createBoundKeys(this.chart as unknown as Chart, this.overlay, changed);
    this.boundControls = keys.element;
    this.updateBoundKeys = keys.update;
    this.applyColors(colors);
  }

  private dataset(label: string, data: XY[], color: string, width: number): ChartDataset<'line', XY[]> {
    return { label, data, borderColor: color, backgroundColor: color, borderWidth: width, pointRadius: 0, pointHitRadius: 4, tension: 0 };
  }

  get pointsPlotted(): number {
    return this.raw.length;
  }

  get overlayPoints(): number {
    return this.chart.data.datasets[OVERLAY].hidden ? 0 : this.chart.data.datasets[OVERLAY].data.length;
  }

  get bounds(): LrBounds | null {
    return this.overlay.bounds;
  }

  /** Empties the curve for a new run (the overlay stays). */
  reset(): void {
    this.pending = [];
    this.raw.length = 0;
    this.smoothed.length = 0;
    this.bandLow.length = 0;
    this.bandHigh.length = 0;
    this.overlay.diverged = null;
    this.extremes = emptyLossExtremes();
    this.fitY();
    redraw(this.chart);
  }

  /** Queues streamed points; they are drawn on the next animation frame. */
  append(points: readonly CurvePoint[]): void {
    for (const p of points) this.pending.push(p);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.drawPending());
  }

  /** Calls `callback` once the points queued so far are drawn (at once when none are queued). */
  afterDraw(callback: () => void): void {
    if (this.frame) this.drawn.push(callback);
    else callback();
  }

  private drawPending(): void {
    this.frame = 0;
    const points = this.pending;
    this.pending = [];
    for (const p of points) this.push(p.lr, p.loss, p.smoothed);
    this.fitY();
    redraw(this.chart);
    this.framesDrawn++;
    for (const callback of this.drawn.splice(0)) callback();
  }

  private push(lr: number, loss: number | null, smoothed: number | null): void {
    const rawY = y(loss);
    const smoothY = y(smoothed);
    this.raw.push({ x: lr, y: rawY });
    this.smoothed.push({ x: lr, y: smoothY });
    addToLossExtremes(this.extremes, rawY, smoothY);
  }

  /**
   * Frames the smoothed curve: the raw loss's spikes near divergence would otherwise squash everything
   * into a flat line at the bottom. The range goes into the options the chart was configured with, not into
   * `chart.options`: that is chart.js's resolved view as of the last update, and once the options are
   * replaced (a theme change) a range written there is dropped at the next update — the finished chart then
   * stretched to the raw loss's highest spike.
   */
  private fitY(): void {
    const yScale = this.chart.config.options?.scales?.y;
    if (!yScale) return;
    const range = lossAxisRange(this.extremes);
    yScale.min = range?.min;
    yScale.max = range?.max;
  }

  /** Shows a finished run (replaces what streamed in: with several runs the result is their median). */
  showResult(result: RangeTestResult): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    for (const callback of this.drawn.splice(0)) callback();
    this.pending = [];
    this.raw.length = 0;
    this.smoothed.length = 0;
    this.extremes = emptyLossExtremes();
    for (let i = 0; i < result.lrs.length; i++) this.push(result.lrs[i], result.losses[i], result.smoothed[i]);
    const band = result.band;
    this.bandLow.splice(0, Infinity, ...(band ? result.lrs.map((lr, i) => ({ x: lr, y: y(band.low[i]) })) : []));
    this.bandHigh.splice(0, Infinity, ...(band ? result.lrs.map((lr, i) => ({ x: lr, y: y(band.high[i]) })) : []));
    const stop = Math.min(result.stoppedAt, result.lrs.length - 1);
    this.overlay.diverged =
      result.stopReason === 'diverged' || result.stopReason === 'non-finite'
        ? { lr: result.lrs[stop], loss: Number.isFinite(result.smoothed[stop]) ? result.smoothed[stop] : this.extremes.maxSmoothed }
        : null;
    this.fitY();
    redraw(this.chart);
  }

  setOverlay(result: RangeTestResult | null, label: string): void {
    const dataset = this.chart.data.datasets[OVERLAY];
    dataset.data = result ? result.lrs.map((lr, i) => ({ x: lr, y: y(result.smoothed[i]) })) : [];
    dataset.hidden = !result;
    dataset.label = result ? `overlay: ${label}` : 'overlay';
    redraw(this.chart);
  }

  /** The bound lines (null: none, e.g. while a new run plots, so the previous run's bounds are not read as its own). */
  setBounds(bounds: LrBounds | null): void {
    this.overlay.bounds = bounds ? { ...bounds } : null;
    this.overlay.active = null;
    this.updateBoundKeys();
    this.chart.draw();
  }

  applyColors(colors: ThemeColors): void {
    this.overlay.colors = colors;
    const [raw, smoothed, overlay] = this.chart.data.datasets;
    raw.borderColor = raw.backgroundColor = colors.loss;
    smoothed.borderColor = smoothed.backgroundColor = colors.smoothed;
    overlay.borderColor = overlay.backgroundColor = colors.overlay;
    this.chart.options = chartOptions(colors);
    this.fitY();
    redraw(this.chart);
  }

  /**
   * The chart as a PNG data URL at twice its size on screen, with a title, the legend and the bounds, on the
   * theme's background (a bare canvas is transparent). It is drawn afresh on a canvas of its own, so the
   * image does not depend on the panel's width or the screen's pixel ratio.
   */
  toPng(title: string): string {
    const width = Math.max(320, this.chart.width);
    const height = Math.max(240, this.chart.height) + 28;
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const colors = this.overlay.colors;
    const options = chartOptions(colors);
    options.responsive = false;
    options.devicePixelRatio = EXPORT_SCALE;
    options.events = [];
    const range = lossAxisRange(this.extremes);
    const y = options.scales?.y;
    if (y && range) Object.assign(y, range);
    options.plugins = {
      ...options.plugins,
      title: { display: true, text: title, color: colors.foreground, font: { family: colors.font, size: 13, weight: 'bold' }, align: 'start' },
    };
    const background: Plugin<'line'> = {
      id: 'exportBackground',
      beforeDraw(chart) {
        chart.ctx.save();
        chart.ctx.fillStyle = colors.background;
        chart.ctx.fillRect(0, 0, chart.width, chart.height);
        chart.ctx.restore();
      },
    };
    const copy = new Chart<'line', XY[]>(canvas, {
      type: 'line',
      data: { datasets: this.chart.data.datasets.map((d) => ({ ...d, data: d.data.slice() })) },
      options,
      plugins: [background, createBoundsPlugin({ ...this.overlay, active: null })],
    });
    try {
      return canvas.toDataURL('image/png');
    } finally {
      copy.destroy();
    }
  }
}

/** The chart's options in the theme's colours (rebuilt when the theme changes). */
function chartOptions(colors: ThemeColors): ChartOptions<'line'> {
  const axisColors = { grid: { color: colors.grid }, border: { color: colors.grid } };
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    spanGaps: false,
    color: colors.foreground,
    font: { family: colors.font },
    // Room above the plot for the bound labels: they never sit on the curve or the lines.
    layout: { padding: { top: BOUND_LABELS_HEIGHT } },
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    scales: {
      x: {
        type: 'logarithmic',
        ...axisColors,
        title: { display: true, text: 'learning rate (log scale)', color: colors.muted },
        ticks: { color: colors.muted, autoSkip: true, maxRotation: 0, callback: (value) => (isPowerOfTen(Number(value)) ? formatLr(Number(value)) : '') },
      },
      // Bounds are set by fitY(); they are rarely round numbers, so they get no tick of their own.
      y: {
        type: 'linear',
        ...axisColors,
        title: { display: true, text: 'loss', color: colors.muted },
        ticks: { color: colors.muted, includeBounds: false, callback: (value, index, ticks) => distinctTickLabels(ticks.map((t) => t.value))[index] ?? String(value) },
      },
    },
    plugins: {
      legend: { position: 'bottom', align: 'center', labels: { color: colors.foreground, boxWidth: 14, boxHeight: 2, filter: (item, data) => (data.datasets[item.datasetIndex ?? 0]?.data.length ?? 0) > 0 } },
      tooltip: {
        callbacks: {
          title: (items: TooltipItem<'line'>[]) => (items[0] ? `lr ${formatLr(items[0].parsed.x)}` : ''),
          label: (item: TooltipItem<'line'>) => `${item.dataset.label ?? ''}: ${formatLoss(item.parsed.y)}`,
        },
      },
    },
  };
}
