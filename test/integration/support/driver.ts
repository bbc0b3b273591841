import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// Mirrors test/harness/driver.ts (the harness side); kept separate because this file runs inside VS Code.
const DRIVER_PREFIX = '[clr-driver] ';
let nextId = 0;

export type DriverAction =
  | { action: 'screenshotWebview'; path: string }
  | { action: 'screenshotPage'; path: string }
  | { action: 'webviewEval'; expression: string }
  | { action: 'webviewClick'; selector: string }
  | { action: 'press'; keys: string }
  | { action: 'axe' }
  | { action: 'viewport'; width: number; height: number };

/** True when the suite runs under the offline harness, which can drive the browser for us. */
export function hasBrowserDriver(): boolean {
  return !!process.env.CLR_DRIVER_DIR;
}

/**
 * Asks the harness to act on the browser that renders the workbench (screenshot, click or evaluate in the
 * webview) and waits for its answer.
 */
export async function driveBrowser(request: DriverAction, timeoutMs = 60_000): Promise<unknown> {
  const dir = process.env.CLR_DRIVER_DIR;
  if (!dir) throw new Error('no browser driver: this test needs the offline harness (npm test), which drives Chromium');
  const id = `${process.pid}-${Date.now()}-${nextId++}`;
  const replyFile = join(dir, `${id}.json`);
  console.log(DRIVER_PREFIX + JSON.stringify({ id, ...request }));
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(replyFile)) {
    if (Date.now() > deadline) throw new Error(`the browser driver did not answer '${request.action}' within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const reply = JSON.parse(readFileSync(replyFile, 'utf8')) as { ok: boolean; value?: unknown; error?: string };
  rmSync(replyFile, { force: true });
  if (!reply.ok) throw new Error(`browser driver: ${reply.error}`);
  return reply.value;
}
