// From an insertion request (the command's argument or the QuickPick's answers) and the latest range test to
// the code.

import type { OptimizerName, RangeTestResult } from '../types';
import { scalingCaveat } from '../preprocessingNote';
import { WARMUP_POLICIES, type ScheduleSpec } from '../schedules';
import type { GeneratedSnippet, SnippetFramework, SnippetPolicy } from './catalog';
import { defaultSnippetSpec } from './defaults';
import { generateSnippet } from './generate';

/** What to insert: the extension command's argument, or the QuickPick answers. */
export interface SnippetRequest {
  framework: SnippetFramework;
  policy: SnippetPolicy;
  /** The exact schedule (from the panel); absent: bounds from the last range test, or defaults. */
  spec?: ScheduleSpec;
  stepsPerEpoch?: number;
  optimizer?: OptimizerName;
}

/** Iterations per epoch of a range test's dataset: ceil(rows / batch size). */
export function stepsPerEpochOf(result: RangeTestResult | undefined): number | undefined {
  return result && result.dataset.rows > 0 && result.config.batchSize > 0 ? Math.ceil(result.dataset.rows / result.config.batchSize) : undefined;
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** "range test on train.csv": where bounds taken from a range test came from. */
export function rangeTestProvenance(result: RangeTestResult): string {
  return `range test on ${basename(result.dataset.path)}`;
}

/** Where numbers came from, and the scaling the range test trained on when the user's data must match it. */
export function withScalingCaveat(provenance: string, result: RangeTestResult | undefined): string {
  const caveat = scalingCaveat(result?.preprocessing);
  return caveat ? `${provenance}; ${caveat}` : provenance;
}

/**
 * The code for a request, with the numbers of `last` (the latest range test) where the request leaves them
 * open: CLR bounds from its suggestion, one-cycle's peak from its one-cycle suggestion, iterations per epoch from
 * its dataset and batch size.
 */
export function snippetForRequest(request: SnippetRequest, last: RangeTestResult | undefined, languageId: string): GeneratedSnippet {
  const stepsPerEpoch = request.stepsPerEpoch ?? request.spec?.stepsPerEpoch ?? stepsPerEpochOf(last);
  const fromLast = last !== undefined && request.stepsPerEpoch === undefined && request.spec?.stepsPerEpoch === undefined && stepsPerEpoch !== undefined;
  const spec =
    request.spec ??
    defaultSnippetSpec(request.policy, {
      baseLr: last?.suggestion.clr.baseLr,
      // Warm-up schedules peak like one-cycle: at the range test's one-cycle peak.
      maxLr: request.policy === 'one-cycle' || (WARMUP_POLICIES as readonly string[]).includes(request.policy) ? last?.suggestion.oneCycle.maxLr : last?.suggestion.clr.maxLr,
      stepsPerEpoch,
    });
  return generateSnippet({
    framework: request.framework,
    spec,
    stepsPerEpoch,
    rows: fromLast ? last?.dataset.rows : undefined,
    batchSize: fromLast ? last?.config.batchSize : undefined,
    boundsFrom: request.spec ? withScalingCaveat('the Cyclical LR panel', last) : last ? withScalingCaveat(`the ${rangeTestProvenance(last)}`, last) : undefined,
    optimizer: request.optimizer,
    typescript: languageId === 'typescript' || languageId === 'typescriptreact',
  });
}
