import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Frame, Page } from 'playwright-core';

/**
 * Requests a test running inside VS Code sends to the harness that drives the browser (screenshots, clicks in
 * the webview). The test prints `DRIVER_PREFIX + JSON` on its console; the harness answers by writing
 * `<CLR_DRIVER_DIR>/<id>.json`. See test/integration/support/driver.ts for the test's side.
 */
export const DRIVER_PREFIX = '[clr-driver] ';

export type DriverRequest =
  | { id: string; action: 'screenshotWebview'; path: string }
  | { id: string; action: 'screenshotPage'; path: string }
  | { id: string; action: 'webviewEval'; expression: string }
  | { id: string; action: 'webviewClick'; selector: string }
  | { id: string; action: 'press'; keys: string }
  | { id: string; action: 'axe' }
  | { id: string; action: 'viewport'; width: number; height: number };

export interface DriverReply {
  ok: boolean;
  value?: unknown;
  error?: string;
}

async function webviewFrame(page: Page): Promise<Frame> {
  const outer = await page.locator('iframe.webview.ready').last().elementHandle({ timeout: 30_000 });
  const outerFrame = await outer?.contentFrame();
  if (!outerFrame) throw new Error('no webview is open');
  const inner = await outerFrame.locator('iframe#active-frame').elementHandle({ timeout: 30_000 });
  const innerFrame = await inner?.contentFrame();
  if (!innerFrame) throw new Error("the webview's content frame is not loaded");
  return innerFrame;
}

async function perform(page: Page, request: DriverRequest): Promise<unknown> {
  switch (request.action) {
    case 'screenshotWebview':
      mkdirSync(dirname(request.path), { recursive: true });
      await page.locator('iframe.webview.ready').last().screenshot({ path: request.path });
      return request.path;
    case 'screenshotPage':
      mkdirSync(dirname(request.path), { recursive: true });
      await page.screenshot({ path: request.path });
      return request.path;
    case 'webviewEval':
      return (await webviewFrame(page)).evaluate(request.expression);
    case 'webviewClick':
      await (await webviewFrame(page)).locator(request.selector).click({ timeout: 30_000 });
      return true;
    case 'press':
      await page.keyboard.press(request.keys);
      return true;
    case 'axe':
      return runAxe(await webviewFrame(page));
    case 'viewport':
      await page.setViewportSize({ width: request.width, height: request.height });
      return true;
  }
}

/**
 * axe-core's accessibility check of the webview's page: its violations, each with the selectors of (up to
 * five of) the offending nodes. Evaluated through the DevTools protocol, which the page's CSP does not block.
 */
async function runAxe(frame: Frame): Promise<unknown> {
  await frame.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return frame.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n').slice(1, 2).join('')),
  })))`);
}

/** Handles one console line if it is a driver request; answers into `replyDir`. */
export function handleDriverLine(page: Page, line: string, replyDir: string): boolean {
  const at = line.indexOf(DRIVER_PREFIX);
  if (at < 0) return false;
  let request: DriverRequest;
  try {
    request = JSON.parse(line.slice(at + DRIVER_PREFIX.length)) as DriverRequest;
  } catch {
    return false;
  }
  const answer = (reply: DriverReply) => {
    mkdirSync(replyDir, { recursive: true });
    writeFileSync(`${replyDir}/${request.id}.json.tmp`, JSON.stringify(reply));
    // rename makes the reply appear whole to the polling test
    renameSync(`${replyDir}/${request.id}.json.tmp`, `${replyDir}/${request.id}.json`);
  };
  perform(page, request).then(
    (value) => answer({ ok: true, value }),
    (error: Error) => answer({ ok: false, error: error.message.split('\n')[0] }),
  );
  return true;
}
