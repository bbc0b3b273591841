// Chart streaming benchmark: the panel's real bundle (media/webview.js) in headless Chromium, with a fake
// VS Code API, receives a 10,000-point range-test curve as the extension sends it (bursts of points), and we
// count the frames the page renders meanwhile. Compared side by side in the same page load: the panel's
// requestAnimationFrame batching vs. redrawing the chart on every message.
// Usage: npm run build && npx tsc -p . && node out/bench/panelChart/run.js [repeats=3] [points=10000]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { syntheticRun } from './syntheticRun';

const root = resolve(__dirname, '..', '..', '..');

/** The page the bench loads: the panel's CSS and bundle, and an acquireVsCodeApi that records messages. */
/** The panel as test mode loads it (media/test/webview.js): the product's panel plus window.cyclicalLrPanel, which the benchmark reads. */
export function benchPageHtml(theme: 'vscode-dark' | 'vscode-light' = 'vscode-dark'): string {
  const media = (name: string) => pathToFileURL(join(root, 'media', name)).toString();
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="${media('panel.css')}">
<style>body { --vscode-foreground: ${theme === 'vscode-dark' ? '#cccccc' : '#3b3b3b'}; --vscode-editor-background: ${theme === 'vscode-dark' ? '#1f1f1f' : '#ffffff'}; --vscode-font-family: system-ui, sans-serif; }</style>
<script>
  window.sent = [];
  let state;
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.sent.push(m), getState: () => state, setState: (s) => { state = s; } });
</script></head>
<body class="${theme}"><main id="app"></main><script src="${media('test/webview.js')}"></script></body></html>`;
}

interface Sample {
  fps: number;
  p95FrameMs: number;
  maxFrameMs: number;
  chartFrames: number;
  redrawMs: number;
  points: number;
  seconds: number;
}

/**
 * Streams `points` points in bursts of `burst` every `intervalMs` (the extension flushes every 50 ms; a
 * fast engine at ~2,000 steps/s gives bursts of ~100) and measures the page's frame rate meanwhile.
 */
async function stream(page: Page, mode: 'raf' | 'per-message', points: number, burst: number, intervalMs: number): Promise<Sample> {
  return page.evaluate(
    async ({ mode, result, burst, intervalMs }) => {
      // This function runs in the page; the bench compiles without DOM typings, hence `any`.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const window = globalThis as any;
      const requestAnimationFrame = (cb: (now: number) => void) => window.requestAnimationFrame(cb);
      const panel = window.cyclicalLrPanel;
      const chart = panel.chart;
      if (mode === 'per-message') {
        // The naive alternative: draw as each message arrives.
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        chart.append = function (this: any, pts: any[]) {
          for (const p of pts) this.push(p.lr, p.loss, p.smoothed);
          this.fitY();
          this.chart.update('none');
          this.framesDrawn++;
        };
      } else {
        delete chart.append;
      }
      const run = { id: `bench-${mode}-${Date.now()}`, label: 'bench', config: result.config };
      window.postMessage({ type: 'runStarted', run, stepsExpected: result.lrs.length }, '*');
      await new Promise((r) => setTimeout(r, 100));
      const framesBefore = chart.framesDrawn;
      // Main-thread time spent redrawing the chart.
      let redrawMs = 0;
      const update = chart.chart.update.bind(chart.chart);
      chart.chart.update = (m: unknown) => {
        const t = performance.now();
        update(m);
        redrawMs += performance.now() - t;
      };
      const frameTimes: number[] = [];
      let last = performance.now();
      let counting = true;
      const tick = (now: number) => {
        frameTimes.push(now - last);
        last = now;
        if (counting) requestAnimationFrame(tick);
      };
      requestAnimationFrame((now) => {
        last = now;
        requestAnimationFrame(tick);
      });
      const t0 = performance.now();
      for (let i = 0; i < result.lrs.length; i += burst) {
        const pts = [];
        for (let j = i; j < Math.min(i + burst, result.lrs.length); j++) {
          pts.push({ step: j, lr: result.lrs[j], loss: result.losses[j], smoothed: result.smoothed[j] });
        }
        const progress = { phase: 'running', stepsDone: i + pts.length, stepsTotal: result.lrs.length, runs: 1, chartRun: 0, lastEventAt: Date.now(), endedAt: null };
        window.postMessage({ type: 'progress', runId: run.id, progress, points: pts, replace: false }, '*');
        await new Promise((r) => setTimeout(r, intervalMs));
      }
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      counting = false;
      const seconds = (performance.now() - t0) / 1000;
      const sorted = frameTimes.slice(1).sort((a, b) => a - b);
      return {
        fps: frameTimes.length / seconds,
        p95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
        maxFrameMs: sorted[sorted.length - 1] ?? 0,
        chartFrames: chart.framesDrawn - framesBefore,
        redrawMs,
        points: chart.pointsPlotted,
        seconds,
      };
    },
    { mode, result: syntheticRun(points), burst, intervalMs },
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const repeats = Number(process.argv[2] ?? 3);
  const points = Number(process.argv[3] ?? 10_000);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-timer-throttling', '--disable-renderer-backgrounding'],
  });
  const outDir = join(root, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const pageFile = join(outDir, 'panel-chart.html');
  writeFileSync(pageFile, benchPageHtml());
  const scenarios = [
    { name: '100 points / 50 ms (fast engine)', burst: 100, intervalMs: 50 },
    { name: '10 points / 5 ms (many small messages)', burst: 10, intervalMs: 5 },
  ];
  const rows: string[] = [];
  try {
    for (const scenario of scenarios) {
      const results: Record<string, Sample[]> = { raf: [], 'per-message': [] };
      for (let r = 0; r < repeats; r++) {
        for (const mode of ['raf', 'per-message'] as const) {
          const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
          const errors: string[] = [];
          page.on('pageerror', (e) => errors.push(e.message));
          await page.goto(pathToFileURL(pageFile).toString());
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          await page.waitForFunction(() => (globalThis as any).cyclicalLrPanel !== undefined);
          results[mode].push(await stream(page, mode, points, scenario.burst, scenario.intervalMs));
          if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
          if (r === 0 && mode === 'raf' && scenario === scenarios[0]) await page.screenshot({ path: join(outDir, 'panel-chart-bench.png'), fullPage: true });
          await page.close();
        }
      }
      for (const mode of ['raf', 'per-message'] as const) {
        const s = results[mode];
        rows.push(
          `| ${scenario.name} | ${mode} | ${median(s.map((x) => x.fps)).toFixed(1)} | ${median(s.map((x) => x.p95FrameMs)).toFixed(1)} | ${median(s.map((x) => x.maxFrameMs)).toFixed(0)} | ${median(s.map((x) => x.chartFrames)).toFixed(0)} | ${median(s.map((x) => x.redrawMs)).toFixed(0)} | ${median(s.map((x) => x.seconds)).toFixed(1)} | ${s[0].points} |`,
        );
      }
      const ratio = median(results.raf.map((x) => x.fps)) / median(results['per-message'].map((x) => x.fps));
      const work = median(results['per-message'].map((x) => x.redrawMs)) / median(results.raf.map((x) => x.redrawMs));
      rows.push(`| ${scenario.name} | ratio raf / per-message | ${ratio.toFixed(2)}× fps | | | | ${work.toFixed(2)}× less redraw time | | |`);
    }
  } finally {
    await browser.close();
  }
  console.log(`\nPanel chart streaming, ${points} points, median of ${repeats} page loads each (headless Chromium, software rendering; shared 2-core machine: noisy)\n`);
  console.log('| scenario | drawing | frames/s | p95 frame ms | max frame ms | chart redraws | redraw ms in all | seconds | points plotted |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  const rafFps = rows.filter((r) => r.includes('| raf |')).map((r) => Number(r.split('|')[3]));
  console.log(`\ntarget ≥ 30 frames/s while streaming: ${rafFps.every((f) => f >= 30) ? 'met' : 'NOT met'} (${rafFps.join(', ')})`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  });
}
