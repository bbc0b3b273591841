import type * as vscode from 'vscode';
import { RangeTestResult } from '../core/types';

/** Where the panel keeps the latest finished range test (it writes; snippet insertion reads). */
export const LAST_RESULT_STATE_KEY = 'cyclicalLr.lastResult';

/**
 * What the workspace keeps of a finished test: all but its curves, which the history keeps in files. Snippet
 * insertion and the CodeLens read the suggestion, the dataset, the settings and the scaling only, and storing
 * the curves (about 1 MB for 3 × 6,000 steps) held the panel's "finished" back by most of a second in a
 * browser-hosted VS Code, whose window relays the webview's messages and the workspace state alike.
 */
export function lastResultToKeep(result: RangeTestResult): RangeTestResult {
  const kept: RangeTestResult = { ...result, lrs: [], losses: [], smoothed: [] };
  delete kept.band;
  delete kept.runCurves;
  delete kept.valLosses;
  return kept;
}

/** The latest range test of this workspace, or undefined when there is none (or it is not a result). */
export function getLastRangeTestResult(context: Pick<vscode.ExtensionContext, 'workspaceState'>): RangeTestResult | undefined {
  const value = context.workspaceState.get<unknown>(LAST_RESULT_STATE_KEY);
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Partial<RangeTestResult>;
  const ok =
    typeof r.suggestion?.clr?.baseLr === 'number' &&
    typeof r.suggestion?.clr?.maxLr === 'number' &&
    typeof r.suggestion?.oneCycle?.maxLr === 'number' &&
    typeof r.dataset?.rows === 'number' &&
    typeof r.config?.batchSize === 'number';
  return ok ? (value as RangeTestResult) : undefined;
}
