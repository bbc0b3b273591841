import type * as vscode from 'vscode';
import { RangeTestResult } from '../core/types';

/** Where the panel keeps the latest finished range test (it writes; snippet insertion reads). */
export const LAST_RESULT_STATE_KEY = 'cyclicalLr.lastResult';

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
