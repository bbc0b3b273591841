import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { addToLossExtremes, emptyLossExtremes, lossAxisRange } from '../../src/core/lossAxis';
import type { RangeTestResult } from '../../src/core/types';
import { driveBrowser, hasBrowserDriver } from '../integration/support/driver';
import { activateExtension } from '../integration/support/extension';
import { makePanelFixtures, waitFor, waitForPanel } from '../integration/support/panel';

// End to end, through the browser that renders VS Code: the panel is captured (test-results/*.png) during a
// long run, after a cancel, after a completed run in a light, a dark and a high-contrast theme, and in a
// 400-px-wide column in all three themes; axe-core checks each of those for accessibility (0 serious or
// critical violations); the bound lines are dragged by the pointer and moved with the keyboard, and the
// schedule follows them. Runs inside the integration suite's VS Code.

const root = process.env.CLR_REPO_ROOT ?? join(__dirname, '..', '..', '..');
const results = join(root, 'test-results');

const THEMES = [
  ['Default Light Modern', 'vscode-light', 'light'],
  ['Default Dark Modern', 'vscode-dark', 'dark'],
  ['Default High Contrast', 'vscode-high-contrast', 'high-contrast'],
] as const;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core on the webview: fails on any serious or critical violation, naming each with its nodes. */
async function assertAccessible(where: string): Promise<void> {
  const violations = (await driveBrowser({ action: 'axe' })) as AxeViolation[];
  const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = violations.filter((v) => !grave.includes(v)).map((v) => `${v.id} (${v.impact})`);
  if (minor.length) console.log(`axe, ${where}: minor: ${minor.join(', ')}`);
  assert.deepEqual(grave.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.join(' | ')}`), [], `axe, ${where}`);
}

/**
 * The loss axis as the chart draws it is the one lossAxisRange frames the plotted curve with (a person reads
 * the curve, not the raw loss's spikes near divergence). Compared on the chart's own points and scale.
 */
async function assertLossAxisFramed(where: string): Promise<void> {
  const drawn = (await driveBrowser({
    action: 'webviewEval',
    expression: `(() => {
      const chart = window.cyclicalLrPanel.chart.chart;
      const ys = (i) => chart.data.datasets[i].data.map((p) => p.y);
      return { min: chart.scales.y.min, max: chart.scales.y.max, raw: ys(0), smoothed: ys(1) };
    })()`,
  })) as { min: number; max: number; raw: Array<number | null>; smoothed: Array<number | null> };
  const extremes = emptyLossExtremes();
  // NaN (a gap) comes back from the page as null.
  drawn.raw.forEach((raw, i) => addToLossExtremes(extremes, raw ?? NaN, drawn.smoothed[i] ?? NaN));
  const framed = lossAxisRange(extremes);
  assert.ok(framed, `${where}: a curve is plotted`);
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  console.log(`${where}: loss axis ${drawn.min.toPrecision(4)}…${drawn.max.toPrecision(4)} (framed ${framed.min.toPrecision(4)}…${framed.max.toPrecision(4)}, highest raw loss ${extremes.maxRaw.toPrecision(4)})`);
  assert.ok(close(drawn.max, framed.max) && close(drawn.min, framed.min), `${where}: the loss axis is ${drawn.min}…${drawn.max}, not the curve's ${framed.min}…${framed.max}`);
}

async function capture(file: string): Promise<string> {
  const path = join(results, file);
  rmSync(path, { force: true });
  await driveBrowser({ action: 'screenshotWebview', path });
  assert.ok(existsSync(path) && statSync(path).size > 10_000, `${file} written`);
  return path;
}

async function setTheme(theme: string, bodyClass: string): Promise<void> {
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
  await waitFor(async () => {
    const classes = String(await driveBrowser({ action: 'webviewEval', expression: 'document.body.className' }));
    return classes.split(/\s+/).includes(bodyClass) ? true : undefined;
  }, `the webview in ${theme}`);
  // The chart re-reads the theme's colours on the class change; give it a frame or two.
  await new Promise((r) => setTimeout(r, 500));
}

describe('range-test panel (e2e screenshots)', function () {
  this.timeout(240_000);
  let fixtures: ReturnType<typeof makePanelFixtures>;
  let previousTheme: string | undefined;

  before(async function () {
    assert.ok(hasBrowserDriver(), 'this test needs the offline harness (npm test), which drives Chromium for the screenshots');
    await activateExtension();
    fixtures = makePanelFixtures();
    previousTheme = vscode.workspace.getConfiguration('workbench').get<string>('colorTheme');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', previousTheme, vscode.ConfigurationTarget.Global);
    rmSync(fixtures.dir, { recursive: true, force: true });
  });

  it('captures the panel after a completed run in light, dark and high-contrast themes', async () => {
    // The bundled example (machine-condition readings): the screenshot in the README is of a real dataset's curve.
    const extension = await activateExtension();
    const dataset = join(fixtures.dir, 'sensors.csv');
    copyFileSync(join(extension.extensionPath, 'examples', 'sensors.csv'), dataset);
    const result = await vscode.commands.executeCommand<RangeTestResult | undefined>('cyclicalLr.runRangeTest', {
      dataset,
      config: { iterations: 400, model: 'mlp', batchSize: 64, startLr: 1e-4, endLr: 10 },
    });
    assert.ok(result);
    await waitForPanel((s) => s.status === 'done' && s.pointsPlotted === result.lrs.length && s.suggestionRows.length > 0, 'the finished run');
    await driveBrowser({ action: 'webviewClick', selector: '[data-test-id="use-bounds"]' });

    // The webview really is under a strict CSP: an inline script injected into it does not run.
    const csp = String(await driveBrowser({ action: 'webviewEval', expression: `document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? ''` }));
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-/);
    const inlineRan = await driveBrowser({
      action: 'webviewEval',
      expression: `(() => { const s = document.createElement('script'); s.textContent = 'window.inlineScriptRan = true'; document.body.appendChild(s); s.remove(); return window.inlineScriptRan === true; })()`,
    });
    assert.equal(inlineRan, false, 'an inline script is blocked by the CSP');

    const shots: string[] = [];
    for (const [theme, bodyClass, name] of THEMES) {
      await setTheme(theme, bodyClass);
      const state = await waitForPanel((s) => s.theme === bodyClass.replace('vscode-', ''), `the panel in ${theme}`);
      assert.equal(state.pointsPlotted, result.lrs.length);
      await driveBrowser({ action: 'webviewEval', expression: 'window.scrollTo(0, 0)' });
      shots.push(await capture(`panel-${name}.png`));
      // After a theme change too (the chart's options are rebuilt in the new colours).
      await assertLossAxisFramed(`after a run, ${theme}`);
      await assertAccessible(`after a run, ${theme}`);
    }
    console.log(`panel screenshots: ${shots.join(', ')}`);
  });

  it('captures a 400-px-wide column in all three themes: the chart first, the explanations behind a disclosure', async () => {
    // A 450-px window (the activity bar included): the panel's column is about 400 px wide.
    await driveBrowser({ action: 'viewport', width: 450, height: 1000 });
    try {
      const width = await waitFor(async () => {
        const w = Number(await driveBrowser({ action: 'webviewEval', expression: 'window.innerWidth' }));
        return w < 600 ? w : undefined;
      }, 'the narrow panel');
      assert.ok(width > 300 && width < 600, `the panel is ${width} px wide`);
      const layout = (await driveBrowser({
        action: 'webviewEval',
        expression: `(() => {
          const top = (id) => document.getElementById(id).getBoundingClientRect().top;
          const source = document.querySelector('table.suggestions td.hint');
          return { chartFirst: top('chart') < top('run'), sourceHidden: !source || getComputedStyle(source).display === 'none', disclosure: !!document.querySelector('#chart details summary') };
        })()`,
      })) as { chartFirst: boolean; sourceHidden: boolean; disclosure: boolean };
      assert.deepEqual(layout, { chartFirst: true, sourceHidden: true, disclosure: true });
      for (const [theme, bodyClass, name] of THEMES) {
        await setTheme(theme, bodyClass);
        await driveBrowser({ action: 'webviewEval', expression: 'window.scrollTo(0, 0)' });
        await capture(`panel-narrow-${name}.png`);
        await assertAccessible(`400 px column, ${theme}`);
      }
    } finally {
      await driveBrowser({ action: 'viewport', width: 1400, height: 900 });
      await setTheme('Default Light Modern', 'vscode-light');
    }
  });

  it('moves a bound with the arrow keys on its focused handle, which reads its value', async () => {
    const before = await waitForPanel((s) => s.bounds !== null, 'bounds on the chart');
    assert.ok(before.bounds);
    await driveBrowser({ action: 'webviewClick', selector: '[data-test-id="bound-baseLr"]' });
    const focused = String(await driveBrowser({ action: 'webviewEval', expression: `document.activeElement?.getAttribute('aria-valuetext') ?? ''` }));
    assert.match(focused, /^base_lr \S+$/);
    await driveBrowser({ action: 'press', keys: 'ArrowRight' });
    const after = await waitForPanel((s) => s.bounds !== null && s.bounds.baseLr > (before.bounds?.baseLr ?? Infinity), 'the bound moved by the key');
    assert.ok(after.bounds && Math.abs(after.bounds.baseLr / before.bounds.baseLr - 10 ** (1 / 20)) < 1e-9, `one step of a twentieth of a decade: ${before.bounds.baseLr} → ${after.bounds?.baseLr}`);
    const read = String(await driveBrowser({ action: 'webviewEval', expression: `document.activeElement?.getAttribute('aria-valuetext') ?? ''` }));
    assert.notEqual(read, focused, 'the handle reads the new value');
    await driveBrowser({ action: 'press', keys: 'ArrowLeft' });
    await waitForPanel((s) => s.bounds !== null && Math.abs(s.bounds.baseLr - (before.bounds?.baseLr ?? 0)) < 1e-12, 'the bound back');
  });

  it("the form's Start LR follows the optimizer's default until the user types one", async () => {
    // As a user would: pick from the optimizer list (a change event), type into Start LR (an input event).
    const shown = async (steps: ReadonlyArray<['optimizer' | 'start', string]>): Promise<string[]> =>
      (await driveBrowser({
        action: 'webviewEval',
        expression: `(() => {
          const optimizer = document.getElementById('run-optimizer');
          const start = document.getElementById('run-start-lr');
          return ${JSON.stringify(steps)}.map(([field, value]) => {
            const element = field === 'optimizer' ? optimizer : start;
            element.value = value;
            element.dispatchEvent(new Event(field === 'optimizer' ? 'change' : 'input', { bubbles: true }));
            return start.value;
          });
        })()`,
      })) as string[];
    const defaults = await shown([['start', '1e-4'], ['optimizer', 'momentum'], ['optimizer', 'adam'], ['optimizer', 'rmsprop'], ['optimizer', 'nesterov']]);
    assert.deepEqual(defaults, ['1e-4', '1e-4', '1e-6', '1e-6', '1e-4']);
    const typed = await shown([['start', '3e-5'], ['optimizer', 'adam'], ['optimizer', 'momentum']]);
    assert.deepEqual(typed, ['3e-5', '3e-5', '3e-5'], 'a start lr the user typed stays');
    await shown([['start', '1e-4']]);
  });

  it('drags the max bound line and the schedule follows', async () => {
    const before = await waitForPanel((s) => s.bounds !== null, 'bounds on the chart');
    assert.ok(before.bounds);
    // Pointer events on the canvas: grab the max line and move it 60 px to the left.
    const moved = await driveBrowser({
      action: 'webviewEval',
      expression: `(() => {
        const panel = window.cyclicalLrPanel;
        const chart = panel.chart.chart;
        const canvas = chart.canvas;
        const x = chart.scales.x.getPixelForValue(${before.bounds.maxLr});
        const y = (chart.chartArea.top + chart.chartArea.bottom) / 2;
        const rect = canvas.getBoundingClientRect();
        const fire = (type, px) => canvas.dispatchEvent(new PointerEvent(type, { bubbles: true, pointerId: 1, button: 0, isPrimary: true, clientX: rect.left + px, clientY: rect.top + y }));
        fire('pointerdown', x);
        fire('pointermove', x - 60);
        fire('pointerup', x - 60);
        return document.getElementById('schedule-max-lr').value;
      })()`,
    });
    const after = await waitForPanel((s) => s.bounds !== null && s.bounds.maxLr < (before.bounds?.maxLr ?? 0), 'the dragged bound');
    assert.ok(after.bounds && after.bounds.maxLr < before.bounds.maxLr, `max_lr moved down: ${before.bounds.maxLr} → ${after.bounds?.maxLr}`);
    assert.equal(after.bounds.baseLr, before.bounds.baseLr);
    assert.ok(typeof moved === 'string');
  });

  it('captures the panel during a long run and after a cancel, and exports the stopped run as a 2× PNG', async () => {
    await setTheme('Default Light Modern', 'vscode-light');
    const running = vscode.commands.executeCommand<RangeTestResult | undefined>('cyclicalLr.runRangeTest', {
      dataset: join(fixtures.dir, 'sensors.csv'),
      config: { iterations: 20_000, runs: 3, model: 'mlp', batchSize: 64, startLr: 1e-4, endLr: 1e-2, diverge: 1e9 },
    });
    await waitForPanel((s) => s.status === 'running' && s.pointsPlotted > 300, 'a long run plotting', 120_000);
    const during = await waitForPanel((s) => s.status === 'running', 'running');
    assert.equal(during.bounds, null, "the previous run's bounds are hidden while a new run plots");
    await driveBrowser({ action: 'webviewEval', expression: 'window.scrollTo(0, 0)' });
    await capture('panel-running-light.png');
    await assertLossAxisFramed('during a run');
    await assertAccessible('during a run');
    // A DOM click: the pointer click's wait for a still frame can time out while the chart redraws.
    await driveBrowser({ action: 'webviewEval', expression: `document.querySelector('[data-test-id="cancel"]').click()` });
    assert.equal(await running, undefined);
    const cancelled = await waitForPanel((s) => s.status === 'cancelled', 'the cancel shown');
    assert.match(cancelled.statusLine, /cancelled/);
    await driveBrowser({ action: 'webviewEval', expression: 'window.scrollTo(0, 0)' });
    await capture('panel-cancelled-light.png');
    await assertLossAxisFramed('after a cancel');
    await assertAccessible('after a cancel');
    // The focus went to the results (not to the page) when the run ended.
    const focusedTag = String(await driveBrowser({ action: 'webviewEval', expression: 'document.activeElement?.tagName' }));
    assert.notEqual(focusedTag, 'BODY');

    const window = vscode.window as { showSaveDialog: typeof vscode.window.showSaveDialog };
    const original = window.showSaveDialog;
    const target = join(fixtures.dir, 'stopped.png');
    try {
      window.showSaveDialog = async () => vscode.Uri.file(target);
      await driveBrowser({ action: 'webviewClick', selector: '[data-test-id="export-png"]' });
      await waitFor(() => (existsSync(target) && statSync(target).size > 0 ? true : undefined), 'the PNG of the stopped run');
    } finally {
      window.showSaveDialog = original;
    }
    const png = readFileSync(target);
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    const canvas = (await driveBrowser({ action: 'webviewEval', expression: `(() => { const c = window.cyclicalLrPanel.chart.chart; return [c.width, c.height]; })()` })) as [number, number];
    // The chart's size may be fractional (CSS pixels); the image's is whole.
    assert.ok(Math.abs(width - 2 * canvas[0]) <= 2, `the PNG is ${width} px wide, the chart ${canvas[0]} px`);
    assert.ok(height >= 2 * Math.floor(canvas[1]), `the PNG is ${height} px high (title included), the chart ${canvas[1]} px`);
    copyFileSync(target, join(results, 'export-stopped.png'));

    // The run's own dataset picked in the save dialog by mistake: refused with the reason, the file untouched.
    const dataset = join(fixtures.dir, 'sensors.csv');
    const before = readFileSync(dataset);
    const shown: string[] = [];
    const errors = vscode.window as { showErrorMessage: typeof vscode.window.showErrorMessage };
    const originalError = errors.showErrorMessage;
    try {
      window.showSaveDialog = async () => vscode.Uri.file(dataset);
      errors.showErrorMessage = (async (message: string) => {
        shown.push(message);
        return undefined;
      }) as typeof vscode.window.showErrorMessage;
      await driveBrowser({ action: 'webviewClick', selector: '[data-test-id="export-png"]' });
      await waitFor(() => (shown.length ? true : undefined), 'the refusal');
    } finally {
      window.showSaveDialog = original;
      errors.showErrorMessage = originalError;
    }
    assert.match(shown[0], /^Not exported to .*sensors\.csv: the export file: is the dataset of this run; writing there would overwrite it — choose another path/);
    assert.deepEqual(readFileSync(dataset), before, 'the dataset is unchanged');
  });

});
