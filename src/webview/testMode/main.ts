// The panel's webview in test mode (media/test/webview.js, never packaged; the extension loads it only in
// ExtensionMode.Test): the product's panel, plus the test table's side of the channel. It reports what the
// panel shows (the integration tests cannot look inside the webview), clicks what a test names, and exposes
// the panel to the browser-driven tests and the chart benchmark as `window.cyclicalLrPanel`.
import { fromTestWebview, type PanelStateReport, toTestWebview } from '../../core/wire/panelTestChannel';
import { Panel, type PanelObserver, type VsCodeApi } from '../panel';
import { themeKind } from '../theme';

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
let reportTimer = 0;
let statusChangedAt = Date.now();
let cancelClickedAt: number | null = null;
/** Recent delays of a 100-ms timer (ms), newest last: the webview's own share of any lag. */
const timerDelays: number[] = [];

const observer: PanelObserver = {
  changed(statusChanged) {
    if (statusChanged) {
      statusChangedAt = Date.now();
      // The integration test measures when a change became visible: it is reported at once, not debounced.
      window.clearTimeout(reportTimer);
      reportTimer = 0;
      sendReport();
      return;
    }
    if (reportTimer) return;
    reportTimer = window.setTimeout(() => {
      reportTimer = 0;
      sendReport();
    }, 150);
  },
  receiveOther(raw) {
    const parsed = toTestWebview.parse(raw);
    if (!parsed.ok) return false;
    const target = document.querySelector<HTMLElement>(`[data-test-id="${CSS.escape(parsed.value.target)}"]`);
    if (!target) api.postMessage({ type: 'log', level: 'warn', message: `test action: no element ${parsed.value.target}` });
    else if ((target as HTMLButtonElement).disabled) api.postMessage({ type: 'log', level: 'warn', message: `test action: ${parsed.value.target} is disabled` });
    else target.click();
    // As after any message: what the click changed is reported, whether or not the panel reported it.
    observer.changed(false);
    return true;
  },
};
const panel = new Panel(document.getElementById('app') ?? document.body, api, observer);
(window as unknown as { cyclicalLrPanel: Panel }).cyclicalLrPanel = panel;

document.addEventListener(
  'click',
  (event) => {
    if (event.target instanceof Element && event.target.closest('#cancel-button')) cancelClickedAt = Date.now();
  },
  true,
);
let expected = Date.now() + 100;
window.setInterval(() => {
  timerDelays.push(Math.max(0, Date.now() - expected));
  if (timerDelays.length > 30) timerDelays.shift();
  expected = Date.now() + 100;
}, 100);

function sendReport(): void {
  const state: PanelStateReport = {
    status: panel.status,
    runId: panel.runId,
    pointsPlotted: panel.chart.pointsPlotted,
    overlayRunId: panel.overlayRunId,
    overlayPoints: panel.chart.overlayPoints,
    suggestionRows: panel.suggestions.rows,
    diagnostics: panel.suggestions.diagnostics,
    bounds: panel.chart.bounds,
    policy: panel.schedule.policy,
    schedulePoints: panel.schedule.schedulePoints,
    error: panel.error,
    theme: themeKind(),
    historyIds: panel.history.ids,
    datasetInfo: panel.form.datasetText,
    datasetField: panel.form.datasetValue,
    statusLine: panel.statusLine.textContent ?? '',
    statusChangedAt,
    stepsShown: panel.progress?.stepsDone ?? 0,
    cancelClickedAt,
    timerDelay: [...timerDelays].sort((a, b) => a - b)[Math.floor(timerDelays.length * 0.9)] ?? 0,
  };
  // Checked as the host will check it: a report the host would drop fails here, where it is made.
  const checked = fromTestWebview.parse({ type: 'state', state });
  api.postMessage(checked.ok ? checked.value : { type: 'log', level: 'error', message: `test report refused: ${checked.problem}` });
}
