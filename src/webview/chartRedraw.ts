import type { Chart } from 'chart.js';

/**
 * Redraws a chart now, or leaves it to chart.js when its canvas is not in the document yet: chart.js lays out
 * and draws a chart in full when its canvas is attached. The panel builds both charts before it appends
 * them, and a layout of each before that (colours, the first schedule) was a third of the webview's start-up
 * (measured in Chromium), for a picture nobody saw.
 */
export function redraw(chart: Chart): void {
  if (chart.attached) chart.update('none');
}
