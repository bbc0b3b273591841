// `--report out.html`: one self-contained HTML file with the range-test plot (chart.js inlined, no network),
// the suggested bounds and the settings, to attach to a bug report or a lab notebook.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { addToLossExtremes, emptyLossExtremes, lossAxisRange } from '../core/lossAxis';
import { stopAtStep } from '../core/runOutcome';
import { RangeTestResult } from '../core/types';
import { writeFileAtomic } from '../outputs/atomicWrite';

/** chart.js's UMD build: beside the bundle (the build copies it to dist/), else from node_modules. */
export function loadChartJs(): string {
  const candidates = [join(__dirname, 'chart.umd.min.js')];
  try {
    candidates.push(join(dirname(require.resolve('chart.js')), 'chart.umd.js'));
  } catch {
    // not installed beside this bundle
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('chart.js (dist/chart.umd.js) was not found beside the program; rebuild with npm run build');
  return readFileSync(found, 'utf8');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// JSON inside <script> must not be able to close the tag.
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

const fmt = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toPrecision(3));

function lossAxis(result: RangeTestResult): { min: number; max: number } | undefined {
  const extremes = emptyLossExtremes();
  result.losses.forEach((loss, i) => addToLossExtremes(extremes, loss, result.smoothed[i]));
  return lossAxisRange(extremes);
}

export function renderReport(result: RangeTestResult, chartJs: string): string {
  const s = result.suggestion;
  const c = result.config;
  const title = `Range test — ${result.dataset.path.split(/[\\/]/).pop() ?? result.dataset.path}`;
  const settings: Array<[string, string]> = [
    ['dataset', `${result.dataset.path} (${result.dataset.rows} rows, ${result.dataset.features} features, ${result.dataset.task})`],
    ['model', c.model === 'mlp' ? `mlp ${c.hidden.join('-')}` : c.model],
    ['optimizer', `${c.optimizer}${c.optimizer === 'momentum' || c.optimizer === 'nesterov' ? ` (momentum ${c.momentum})` : ''}, weight decay ${c.weightDecay}`],
    ['sweep', `${c.startLr} → ${c.endLr}, ${c.iterations} iterations, ${c.stepMode}, batch ${c.batchSize}`],
    ['runs', c.runs > 1 ? `${c.runs} (seeds ${c.seed}..${c.seed + c.runs - 1}); the curve is their median, the band their lowest..highest` : `1 (seed ${c.seed})`],
    ['stopped', stopAtStep(result)],
    ['backend', `${result.backend}, ${result.stepsPerSecond.toFixed(1)} steps/s`],
  ];
  const range = (r: [number, number] | undefined) => (r ? ` (seeds ${fmt(r[0])}–${fmt(r[1])})` : '');
  const suggestions: Array<[string, string]> = [
    ['CyclicLR base_lr', fmt(s.clr.baseLr) + range(s.clr.baseLrRange)],
    ['CyclicLR max_lr', fmt(s.clr.maxLr) + range(s.clr.maxLrRange)],
    ['1cycle max_lr', fmt(s.oneCycle.maxLr)],
    ['confidence', s.confidence.toFixed(2)],
    ['fastai lr_find: valley', fmt(s.finders?.fastai.valley ?? s.valley)],
    ['fastai lr_find: slide', fmt(s.finders?.fastai.slide ?? s.slide)],
    ['fastai lr_find: minimum', fmt(s.finders?.fastai.minimum ?? s.minimum)],
    ['fastai lr_find: steep', fmt(s.finders?.fastai.steep)],
    ['torch-lr-finder: steepest', fmt(s.finders?.torchLrFinder.steepest ?? s.steepest)],
    ['Lightning lr_find: suggestion()', fmt(s.finders?.lightning.suggestion)],
  ];
  const rows = (pairs: Array<[string, string]>) => pairs.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n');
  const data = {
    lrs: result.lrs,
    losses: result.losses,
    smoothed: result.smoothed,
    band: result.band ?? null,
    valLosses: result.valLosses ?? null,
    baseLr: Number.isFinite(s.clr.baseLr) ? s.clr.baseLr : null,
    maxLr: Number.isFinite(s.clr.maxLr) ? s.clr.maxLr : null,
    logScale: c.stepMode === 'exp',
    // One exploding loss at the end would flatten the rest of the plot; the smoothed curve sets the scale.
    yAxis: lossAxis(result) ?? null,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1000px; }
  h1 { font-size: 20px; }
  .chart { position: relative; height: 420px; }
  table { border-collapse: collapse; margin: 12px 0; }
  th, td { text-align: left; padding: 3px 12px 3px 0; vertical-align: top; }
  th { font-weight: 600; }
  .diag { color: #8a5300; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<div class="chart"><canvas id="curve" aria-label="loss against learning rate"></canvas></div>
<h2>Suggested bounds</h2>
<table>${rows(suggestions)}</table>
${s.diagnostics.map((d) => `<p class="diag">${escapeHtml(d)}</p>`).join('\n')}
<h2>Settings</h2>
<table>${rows(settings)}</table>
<script>${chartJs.replace(/<\/script/gi, '<\\/script')}</script>
<script>
const data = ${scriptJson(data)};
const points = (ys) => data.lrs.map((x, i) => ({ x, y: ys[i] }));
const datasets = [
  { label: data.band ? 'median of the runs' : 'loss', data: points(data.losses), borderColor: 'rgba(90,120,200,0.45)', pointRadius: 0, borderWidth: 1 },
  { label: 'smoothed', data: points(data.smoothed), borderColor: 'rgb(30,60,160)', pointRadius: 0, borderWidth: 2 },
];
if (data.band) {
  datasets.push({ label: 'highest run', data: points(data.band.high), borderColor: 'rgba(0,0,0,0)', backgroundColor: 'rgba(90,120,200,0.15)', pointRadius: 0, fill: '+1' });
  datasets.push({ label: 'lowest run', data: points(data.band.low), borderColor: 'rgba(0,0,0,0)', pointRadius: 0, fill: false });
}
if (data.valLosses) {
  datasets.push({ label: 'validation loss', data: data.valLosses.map(([step, y]) => ({ x: data.lrs[step], y })), borderColor: 'rgb(200,100,30)', pointRadius: 2, borderWidth: 1.5 });
}
const band = {
  id: 'clrBand',
  beforeDatasetsDraw(chart) {
    if (data.baseLr === null || data.maxLr === null) return;
    const { ctx, chartArea, scales } = chart;
    const left = scales.x.getPixelForValue(data.baseLr);
    const right = scales.x.getPixelForValue(data.maxLr);
    ctx.save();
    ctx.fillStyle = 'rgba(40,160,80,0.12)';
    ctx.fillRect(left, chartArea.top, right - left, chartArea.bottom - chartArea.top);
    ctx.restore();
  },
};
new Chart(document.getElementById('curve'), {
  type: 'line',
  data: { datasets },
  options: {
    animation: false,
    maintainAspectRatio: false,
    parsing: false,
    scales: {
      x: { type: data.logScale ? 'logarithmic' : 'linear', title: { display: true, text: 'learning rate' } },
      y: { title: { display: true, text: 'loss' }, min: data.yAxis?.min, max: data.yAxis?.max, ticks: { format: { maximumSignificantDigits: 4 } } },
    },
    plugins: { legend: { position: 'bottom' }, tooltip: { mode: 'nearest', intersect: false } },
  },
  plugins: [band],
});
</script>
</body>
</html>
`;
}

export function writeReport(path: string, result: RangeTestResult): void {
  writeFileAtomic(path, renderReport(result, loadChartJs()));
}
