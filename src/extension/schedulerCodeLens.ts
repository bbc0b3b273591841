import * as path from 'node:path';
import * as vscode from 'vscode';
import { providesOwnModel } from '../core/frameworkDetection';
import { parseSchedulerCalls } from '../core/schedulerCallParser';
import type { ScheduleSpec } from '../core/schedules';
import type { SnippetPolicy } from '../core/snippets';
import { SCHEDULER_CLASS_PATTERN } from './codeLensTrigger';
import { getLastRangeTestResult } from './lastResult';

// The CodeLens over scheduler calls in Python files. It is a bundle of its own (dist/extensionCodeLens.js),
// loaded the first time a Python file mentions a scheduler: opening a Python file must not load the panel,
// the worker client or the snippet engine (dist/extensionFeatures.js).

/** The CodeLens's "Use last range test" (registered with Insert Scheduler, in snippetFeatures.ts). */
export const USE_LAST_BOUNDS_COMMAND = 'cyclicalLr.useLastBoundsInCall';

const POLICY_OF_CLASS: Record<string, (spec: ScheduleSpec) => SnippetPolicy> = {
  CyclicLR: (spec) => spec.policy as SnippetPolicy,
  OneCycleLR: () => 'one-cycle',
  CosineAnnealingWarmRestarts: () => 'sgdr',
  SequentialLR: (spec) => spec.policy as SnippetPolicy,
};

/**
 * "Preview schedule", "Tune bounds" (on the file's own model when it defines one, else on a dataset) and, after a
 * range test, "Use last range test" (updates the call's arguments in place) above scheduler calls in Python files.
 */
export class SchedulerCodeLensProvider implements vscode.CodeLensProvider {
  constructor(private readonly context?: vscode.ExtensionContext) {}

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const text = document.getText();
    if (!SCHEDULER_CLASS_PATTERN.test(text)) return [];
    const ownModel = document.uri.scheme === 'file' && providesOwnModel(text);
    const last = this.context ? getLastRangeTestResult(this.context) : undefined;
    return parseSchedulerCalls(text).flatMap((call) => {
      const range = new vscode.Range(call.line, call.column, call.line, call.column + call.className.length);
      const note = call.defaulted.length ? ` (defaults for ${call.defaulted.join(', ')})` : '';
      const lenses = [
        new vscode.CodeLens(range, {
          title: `Preview schedule${note}`,
          tooltip: `Plot the ${call.className} schedule these arguments produce`,
          command: 'cyclicalLr.openPanel',
          arguments: [{ schedule: call.spec }],
        }),
        ownModel
          ? new vscode.CodeLens(range, {
              title: 'Tune bounds',
              tooltip: "Run a learning-rate range test on this file's own model and loader",
              command: 'cyclicalLr.runPyTorchRangeTest',
              arguments: [document.uri],
            })
          : new vscode.CodeLens(range, { title: 'Tune bounds', tooltip: 'Run a learning-rate range test on a dataset to find base_lr and max_lr', command: 'cyclicalLr.runRangeTest' }),
      ];
      if (last) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: 'Use last range test',
            tooltip: `Set this ${call.className}'s rates from the range test on ${path.basename(last.dataset.path)}, keeping its other arguments`,
            command: USE_LAST_BOUNDS_COMMAND,
            arguments: [document.uri, call.line, POLICY_OF_CLASS[call.className](call.spec)],
          }),
        );
      }
      return lenses;
    });
  }
}

