import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunProgressView } from '../../../src/core/wire/panelChannel';
import type { PanelStateReport } from '../../../src/core/wire/panelTestChannel';
import { mulberry32 } from '../../support/seededRandom';
import { testTempDir } from '../../support/tempDirs';

// Helpers for the panel's integration and e2e tests: fixture files in a temp folder, and polling of what
// the webview reports it shows (through the hidden cyclicalLr._panelStateForTests command).

/** A temp folder with a 3-class "spirals" CSV (x, y, label) and a small Python training script. */
export function makePanelFixtures(rows = 600): { dir: string; csv: string; script: string } {
  const dir = testTempDir('clr-panel-');
  const random = mulberry32(7);
  const lines = ['x,y,label'];
  for (let i = 0; i < rows; i++) {
    const label = i % 3;
    const r = (i / rows) * 5;
    const t = 1.75 * r + (2 * Math.PI * label) / 3 + (random() - 0.5) * 0.4;
    lines.push(`${(r * Math.sin(t)).toFixed(5)},${(r * Math.cos(t)).toFixed(5)},${label}`);
  }
  const csv = join(dir, 'spirals.csv');
  writeFileSync(csv, lines.join('\n') + '\n');
  const script = join(dir, 'train.py');
  writeFileSync(
    script,
    [
      'import torch',
      'from torch import nn',
      '',
      'model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 3))',
      'optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)',
      '',
      '',
    ].join('\n'),
  );
  return { dir, csv, script };
}

export async function panelState(): Promise<PanelStateReport | null> {
  return (await vscode.commands.executeCommand<PanelStateReport | null>('cyclicalLr._panelStateForTests')) ?? null;
}

/**
 * Waits, without polling, until the panel reports a state that `accept` takes (or already shows one), and
 * returns it with the time it was seen; fails after `timeoutMs` with the last state seen.
 */
export async function panelStateWhen(accept: (state: PanelStateReport | null) => boolean, what: string, timeoutMs: number): Promise<{ state: PanelStateReport | null; at: number }> {
  let change = -1;
  let state: PanelStateReport | null = null;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), timeoutMs)));
  try {
    for (;;) {
      const next = await Promise.race([vscode.commands.executeCommand<{ change: number; state: PanelStateReport | null }>('cyclicalLr._panelStateChangeForTests', change), expired]);
      if (next === 'expired') throw new Error(`timed out waiting for the panel: ${what}; last state: ${JSON.stringify(state)}`);
      ({ change, state } = next);
      if (accept(state)) return { state, at: performance.now() };
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A finished run with its result on screen. "done" alone is not enough: the status line turns to done with the
 * worker's last progress event, and the suggestions and bounds arrive with the result message after it.
 */
export function resultShown(state: PanelStateReport): boolean {
  return state.status === 'done' && state.bounds !== null && state.suggestionRows.length > 0;
}

/** Polls the panel's reported state until `accept` holds; fails with the last state seen. */
export async function waitForPanel(accept: (state: PanelStateReport) => boolean, what: string, timeoutMs = 30_000): Promise<PanelStateReport> {
  const deadline = Date.now() + timeoutMs;
  let last: PanelStateReport | null = null;
  while (Date.now() < deadline) {
    last = await panelState();
    if (last && accept(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for the panel: ${what}; last state: ${JSON.stringify(last)}`);
}

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The extension's run controller as the tests see it (test mode only): the one source of truth of a run. */
export interface RunStateForTests {
  runId: string;
  progress: RunProgressView;
  renders: number;
  /** Mean ms from an update to the panel's acknowledgement of it. */
  roundTripMs: number | null;
  statusBar: string | null;
}

export async function runState(): Promise<RunStateForTests | null> {
  return (await vscode.commands.executeCommand<RunStateForTests | null>('cyclicalLr._runStateForTests')) ?? null;
}
