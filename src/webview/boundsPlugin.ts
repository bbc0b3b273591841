import type { Chart, Plugin } from 'chart.js';
import type { LrBounds } from '../core/types';
import { h } from './dom';
import { formatLr } from './format';
import type { ThemeColors } from './theme';

// A chart.js plugin for the loss chart's annotations: the suggested bounds as two vertical lines over a
// shaded band, labelled above the plot, the divergence point as a marker inside the plot, dragging of the
// bound lines with the pointer, and keyboard handles (sliders) that move them with the arrow keys.

export interface BoundsOverlay {
  bounds: LrBounds | null;
  /** Where the run stopped because the loss diverged. */
  diverged: { lr: number; loss: number } | null;
  colors: ThemeColors;
  /** The line being dragged or hovered, drawn thicker. */
  active: 'baseLr' | 'maxLr' | null;
}

const GRAB_PX = 7;
/** Dragging never lets the bounds cross: max stays at least this factor above base. */
const MIN_RATIO = 1.05;
/** Height of the strip above the plot that holds the bound labels (two rows when they would overlap). */
export const BOUND_LABELS_HEIGHT = 32;
const LABEL_ROW = 14;
/** An arrow key moves a bound by a twentieth of a decade; with Shift, by a fifth. */
const KEY_STEP = 10 ** (1 / 20);
const BIG_KEY_STEP = 10 ** (1 / 5);
const NAMES = { baseLr: 'base_lr', maxLr: 'max_lr' } as const;

export function createBoundsPlugin(overlay: BoundsOverlay): Plugin<'line'> {
  return {
    id: 'lrBounds',
    beforeDatasetsDraw(chart) {
      const span = boundPixels(chart, overlay.bounds);
      if (!span) return;
      const { top, bottom } = chart.chartArea;
      const ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = overlay.colors.band;
      ctx.fillRect(span.base, top, span.max - span.base, bottom - top);
      ctx.restore();
    },
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      const { top, bottom, left, right } = chart.chartArea;
      const span = boundPixels(chart, overlay.bounds);
      ctx.save();
      ctx.font = `11px ${overlay.colors.font}`;
      if (span && overlay.bounds) {
        const labels: Array<{ x: number; text: string; width: number }> = [];
        for (const key of ['baseLr', 'maxLr'] as const) {
          const x = key === 'baseLr' ? span.base : span.max;
          ctx.strokeStyle = overlay.colors.bounds;
          ctx.lineWidth = overlay.active === key ? 3 : 1.5;
          ctx.setLineDash(key === 'baseLr' ? [5, 3] : []);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, bottom);
          ctx.stroke();
          const text = `${NAMES[key]} ${formatLr(overlay.bounds[key])}`;
          labels.push({ x, text, width: ctx.measureText(text).width });
        }
        // Labels sit above the plot, centred on their line and kept on the canvas; when they would overlap,
        // max_lr moves up a row. They never cover the curve, the lines or each other.
        ctx.fillStyle = overlay.colors.bounds;
        ctx.textBaseline = 'bottom';
        ctx.textAlign = 'left';
        const place = (label: { x: number; width: number }) => Math.min(Math.max(label.x - label.width / 2, 2), chart.width - label.width - 2);
        const [base, max] = labels;
        const baseX = place(base);
        const maxX = place(max);
        const overlap = maxX < baseX + base.width + 8;
        ctx.fillText(base.text, baseX, top - 3);
        ctx.fillText(max.text, maxX, top - 3 - (overlap ? LABEL_ROW : 0));
      }
      if (overlay.diverged) {
        // The marker and its words stay inside the plot, also when the run stopped at its right edge.
        const rawX = chart.scales.x.getPixelForValue(overlay.diverged.lr);
        const x = Math.min(Math.max(rawX, left + 8), right - 8);
        const yScale = chart.scales.y;
        const y = Math.min(Math.max(yScale.getPixelForValue(overlay.diverged.loss), top + 8), bottom - 8);
        ctx.setLineDash([]);
        ctx.strokeStyle = overlay.colors.diverged;
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(x, y, 6, 0, 2 * Math.PI);
        ctx.moveTo(x - 4, y - 4);
        ctx.lineTo(x + 4, y + 4);
        ctx.moveTo(x + 4, y - 4);
        ctx.lineTo(x - 4, y + 4);
        ctx.stroke();
        const text = 'loss blew up';
        const width = ctx.measureText(text).width;
        ctx.fillStyle = overlay.colors.diverged;
        ctx.textAlign = 'left';
        const textX = x - 10 - width >= left + 2 ? x - 10 - width : Math.min(x + 10, right - width - 2);
        const below = y + 8 + 12 <= bottom;
        ctx.textBaseline = below ? 'top' : 'bottom';
        // The words sit where the curve climbs steeply out of the plot: a halo in the background colour keeps
        // them legible over it.
        ctx.strokeStyle = overlay.colors.background;
        ctx.lineWidth = 3;
        ctx.lineJoin = 'round';
        ctx.strokeText(text, textX, below ? y + 8 : y - 8);
        ctx.fillText(text, textX, below ? y + 8 : y - 8);
      }
      ctx.restore();
    },
  };
}

function boundPixels(chart: Chart, bounds: LrBounds | null): { base: number; max: number } | null {
  const x = chart.scales.x;
  if (!bounds || !x || !(bounds.baseLr > 0) || !(bounds.maxLr > 0)) return null;
  const { left, right } = chart.chartArea;
  const clamp = (v: number) => Math.min(Math.max(v, left), right);
  return { base: clamp(x.getPixelForValue(bounds.baseLr)), max: clamp(x.getPixelForValue(bounds.maxLr)) };
}

/**
 * Lets the user drag the bound lines. `onChange(bounds, done)` is called while dragging (done = false, at
 * most once per frame) and once more when the pointer is released (done = true).
 */
export function attachBoundsDrag(chart: Chart, overlay: BoundsOverlay, onChange: (bounds: LrBounds, done: boolean) => void): void {
  const canvas = chart.canvas;
  let dragging: 'baseLr' | 'maxLr' | null = null;
  let frame = 0;

  const lineAt = (offsetX: number): 'baseLr' | 'maxLr' | null => {
    const span = boundPixels(chart, overlay.bounds);
    if (!span) return null;
    const dBase = Math.abs(offsetX - span.base);
    const dMax = Math.abs(offsetX - span.max);
    if (Math.min(dBase, dMax) > GRAB_PX) return null;
    return dBase <= dMax ? 'baseLr' : 'maxLr';
  };

  const redraw = () => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      chart.draw();
      if (dragging && overlay.bounds) onChange({ ...overlay.bounds }, false);
    });
  };

  canvas.addEventListener('pointerdown', (event) => {
    const line = lineAt(event.offsetX);
    if (!line || event.button !== 0) return;
    dragging = line;
    overlay.active = line;
    try {
      canvas.setPointerCapture(event.pointerId);
    } catch {
      // A synthetic pointer (tests, assistive tools) cannot be captured; dragging still works over the canvas.
    }
    event.preventDefault();
    redraw();
  });

  canvas.addEventListener('pointermove', (event) => {
    if (!dragging) {
      const line = lineAt(event.offsetX);
      canvas.style.cursor = line ? 'ew-resize' : '';
      if (overlay.active !== line) {
        overlay.active = line;
        redraw();
      }
      return;
    }
    if (!overlay.bounds) return;
    const { left, right } = chart.chartArea;
    const value = chart.scales.x.getValueForPixel(Math.min(Math.max(event.offsetX, left), right));
    if (value === undefined || !(value > 0)) return;
    const next = { ...overlay.bounds };
    if (dragging === 'baseLr') next.baseLr = Math.min(value, next.maxLr / MIN_RATIO);
    else next.maxLr = Math.max(value, next.baseLr * MIN_RATIO);
    overlay.bounds = next;
    redraw();
  });

  const release = (event: PointerEvent) => {
    if (!dragging) return;
    dragging = null;
    overlay.active = lineAt(event.offsetX);
    if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
    chart.draw();
    if (overlay.bounds) onChange({ ...overlay.bounds }, true);
  };
  canvas.addEventListener('pointerup', release);
  canvas.addEventListener('pointercancel', release);
}

/** `bounds` with one bound moved by a key press (`direction` +1 / -1), keeping max above base. */
export function nudgeBound(bounds: LrBounds, key: 'baseLr' | 'maxLr', direction: 1 | -1, big: boolean): LrBounds {
  const factor = (big ? BIG_KEY_STEP : KEY_STEP) ** direction;
  const next = { ...bounds };
  if (key === 'baseLr') next.baseLr = Math.min(bounds.baseLr * factor, bounds.maxLr / MIN_RATIO);
  else next.maxLr = Math.max(bounds.maxLr * factor, bounds.baseLr * MIN_RATIO);
  return next;
}

/**
 * Keyboard access to the bounds: one slider per bound under the chart. Arrow keys (Shift for bigger steps)
 * move the focused bound, whose line is drawn thicker; the slider's label reads the value.
 */
export function createBoundKeys(
  chart: Chart,
  overlay: BoundsOverlay,
  onChange: (bounds: LrBounds, done: boolean) => void,
): { element: HTMLElement; update(): void } {
  const sliders = (['baseLr', 'maxLr'] as const).map((key) => {
    const slider = h('span', { class: 'bound-key', role: 'slider', tabindex: 0, 'data-test-id': `bound-${key}`, 'aria-orientation': 'horizontal' });
    slider.addEventListener('keydown', (event) => {
      if (!overlay.bounds) return;
      const direction = event.key === 'ArrowRight' || event.key === 'ArrowUp' ? 1 : event.key === 'ArrowLeft' || event.key === 'ArrowDown' ? -1 : 0;
      const page = event.key === 'PageUp' ? 1 : event.key === 'PageDown' ? -1 : 0;
      if (!direction && !page) return;
      event.preventDefault();
      overlay.bounds = nudgeBound(overlay.bounds, key, (direction || page) as 1 | -1, event.shiftKey || page !== 0);
      update();
      chart.draw();
      onChange({ ...overlay.bounds }, true);
    });
    slider.addEventListener('focus', () => {
      overlay.active = key;
      chart.draw();
    });
    slider.addEventListener('blur', () => {
      if (overlay.active === key) overlay.active = null;
      chart.draw();
    });
    return { key, slider };
  });
  const element = h('div', { class: 'bound-keys', hidden: true }, h('span', { class: 'hint' }, 'Bounds (arrow keys):'), ...sliders.map((s) => s.slider));
  const update = () => {
    element.hidden = !overlay.bounds;
    if (!overlay.bounds) return;
    const x = chart.scales.x;
    for (const { key, slider } of sliders) {
      const value = overlay.bounds[key];
      slider.textContent = `${NAMES[key]} ${formatLr(value)}`;
      slider.setAttribute('aria-label', key === 'baseLr' ? 'Lower bound, base_lr' : 'Upper bound, max_lr');
      slider.setAttribute('aria-valuenow', String(value));
      slider.setAttribute('aria-valuetext', `${NAMES[key]} ${formatLr(value)}`);
      slider.setAttribute('aria-valuemin', String(x?.min ?? 0));
      slider.setAttribute('aria-valuemax', String(x?.max ?? value));
    }
  };
  return { element, update };
}
