import type { Chart, Plugin } from 'chart.js';
import type { LrBounds } from '../core/types';
import { formatLr } from './format';
import type { ThemeColors } from './theme';

// A chart.js plugin for the loss chart's annotations: the suggested bounds as two vertical lines over a
// shaded band, the divergence point as a marker, and dragging of the bound lines with the pointer.

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
        for (const key of ['baseLr', 'maxLr'] as const) {
          const x = key === 'baseLr' ? span.base : span.max;
          if (x < left - 1 || x > right + 1) continue;
          ctx.strokeStyle = overlay.colors.bounds;
          ctx.lineWidth = overlay.active === key ? 3 : 1.5;
          ctx.setLineDash(key === 'baseLr' ? [5, 3] : []);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, bottom);
          ctx.stroke();
          const text = `${key === 'baseLr' ? 'base' : 'max'} ${formatLr(overlay.bounds[key])}`;
          const width = ctx.measureText(text).width;
          // Labels sit inside the band (base to the right of its line, max to the left) unless they would
          // overflow the plot.
          const toRight = key === 'baseLr' ? x + width + 6 < right : x - width - 6 < left;
          ctx.fillStyle = overlay.colors.bounds;
          ctx.textAlign = toRight ? 'left' : 'right';
          ctx.textBaseline = 'top';
          ctx.fillText(text, toRight ? x + 4 : x - 4, top + 4 + (key === 'maxLr' ? 14 : 0));
        }
      }
      if (overlay.diverged) {
        const x = chart.scales.x.getPixelForValue(overlay.diverged.lr);
        const yScale = chart.scales.y;
        const y = Math.min(Math.max(yScale.getPixelForValue(overlay.diverged.loss), top + 6), bottom - 6);
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
        // Below-left of the marker: above it is the legend, right of it the plot's edge.
        ctx.fillStyle = overlay.colors.diverged;
        ctx.textAlign = 'right';
        ctx.textBaseline = 'top';
        ctx.fillText('diverged', x - 8, y + 6);
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
