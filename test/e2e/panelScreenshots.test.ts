import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RangeTestResult } from '../../src/core/types';
import { driveBrowser, hasBrowserDriver } from '../integration/support/driver';
import { activateExtension } from '../integration/support/extension';
import { makePanelFixtures, waitFor, waitForPanel } from '../integration/support/panel';

// End to end, through the browser that renders VS Code: after a completed run, the panel is captured as PNG
// in a light, a dark and a high-contrast theme (test-results/panel-light.png, panel-dark.png,
// panel-high-contrast.png), with the bound lines dragged
// by the pointer and the schedule following them. Runs inside the integration suite's VS Code.

const root = process.env.CLR_REPO_ROOT ?? join(__dirname, '..', '..', '..');
const results = join(root, 'test-results');

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
    for (const [theme, bodyClass, file] of [
      ['Default Light Modern', 'vscode-light', 'panel-light.png'],
      ['Default Dark Modern', 'vscode-dark', 'panel-dark.png'],
      ['Default High Contrast', 'vscode-high-contrast', 'panel-high-contrast.png'],
    ] as const) {
      await setTheme(theme, bodyClass);
      const state = await waitForPanel((s) => s.theme === bodyClass.replace('vscode-', ''), `the panel in ${theme}`);
      assert.equal(state.pointsPlotted, result.lrs.length);
      await driveBrowser({ action: 'webviewEval', expression: 'window.scrollTo(0, 0)' });
      const path = join(results, file);
      rmSync(path, { force: true });
      await driveBrowser({ action: 'screenshotWebview', path });
      assert.ok(existsSync(path) && statSync(path).size > 10_000, `${file} written`);
      shots.push(path);
    }
    console.log(`panel screenshots: ${shots.join(', ')}`);
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
});
