import * as vscode from 'vscode';
import { isUserError } from '../core/errors';
import { detectFramework } from '../core/frameworkDetection';
import { parseSchedulerCalls } from '../core/schedulerCallParser';
import { validateScheduleSpec } from '../core/schedules';
import {
  FRAMEWORK_LABELS,
  GeneratedSnippet,
  POLICY_LABELS,
  SNIPPET_FRAMEWORKS,
  SNIPPET_POLICIES,
  SnippetFramework,
  SnippetPolicy,
  SnippetRequest,
  snippetForRequest,
} from '../core/snippets';
import { OPTIMIZERS, RangeTestResult } from '../core/types';
import { getLastRangeTestResult } from './lastResult';

export const INSERT_SCHEDULER_COMMAND = 'cyclicalLr.insertScheduler';

/** The argument form of `cyclicalLr.insertScheduler` (the panel's "Insert into editor" buttons use it). */
export type InsertSchedulerArgs = SnippetRequest;

/** Registers Insert Scheduler… and the CodeLens over scheduler calls in Python files. */
export function registerSnippetFeatures(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(INSERT_SCHEDULER_COMMAND, (args?: unknown) => insertScheduler(context, args)),
    vscode.languages.registerCodeLensProvider({ language: 'python' }, new SchedulerCodeLensProvider()),
  );
}

function checkArgs(value: unknown): Partial<InsertSchedulerArgs> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object') throw new Error('the argument must be an object { framework, policy, spec?, stepsPerEpoch?, optimizer? }');
  const a = value as Record<string, unknown>;
  if (a.framework !== undefined && !(SNIPPET_FRAMEWORKS as readonly unknown[]).includes(a.framework)) {
    throw new Error(`unknown framework ${String(a.framework)}: expected one of ${SNIPPET_FRAMEWORKS.join(', ')}`);
  }
  if (a.policy !== undefined && !(SNIPPET_POLICIES as readonly unknown[]).includes(a.policy)) {
    throw new Error(`unknown policy ${String(a.policy)}: expected one of ${SNIPPET_POLICIES.join(', ')}`);
  }
  if (a.optimizer !== undefined && !(OPTIMIZERS as readonly unknown[]).includes(a.optimizer)) {
    throw new Error(`unknown optimizer ${String(a.optimizer)}: expected one of ${OPTIMIZERS.join(', ')}`);
  }
  if (a.stepsPerEpoch !== undefined && !(typeof a.stepsPerEpoch === 'number' && Number.isInteger(a.stepsPerEpoch) && a.stepsPerEpoch >= 1)) {
    throw new Error('stepsPerEpoch must be a positive integer');
  }
  const spec = a.spec === undefined ? undefined : validateScheduleSpec(a.spec);
  if (spec && a.policy !== undefined && spec.policy !== a.policy) throw new Error(`spec.policy '${spec.policy}' differs from policy '${String(a.policy)}'`);
  return { ...(a as Partial<InsertSchedulerArgs>), spec, policy: (a.policy as SnippetPolicy | undefined) ?? (spec?.policy as SnippetPolicy | undefined) };
}

async function pickFramework(document: vscode.TextDocument): Promise<SnippetFramework | undefined> {
  const detected = detectFramework(document.getText(), document.languageId);
  const order = detected ? [detected, ...SNIPPET_FRAMEWORKS.filter((f) => f !== detected)] : [...SNIPPET_FRAMEWORKS];
  const picked = await vscode.window.showQuickPick(
    order.map((framework) => ({ label: FRAMEWORK_LABELS[framework], description: framework === detected ? 'detected from imports' : undefined, framework })),
    { title: 'Insert Scheduler (1/2): framework', placeHolder: 'Which framework does this file train with?' },
  );
  return picked?.framework;
}

async function pickPolicy(last: RangeTestResult | undefined): Promise<SnippetPolicy | undefined> {
  const bounds = last ? `${last.suggestion.clr.baseLr.toPrecision(2)} → ${last.suggestion.clr.maxLr.toPrecision(2)} from the last range test` : 'default bounds: run a range test to tune them';
  const picked = await vscode.window.showQuickPick(
    SNIPPET_POLICIES.map((policy) => ({
      label: POLICY_LABELS[policy],
      description: policy === 'one-cycle' && last ? `max ${last.suggestion.oneCycle.maxLr.toPrecision(2)} from the last range test` : bounds,
      policy,
    })),
    { title: 'Insert Scheduler (2/2): schedule', placeHolder: 'Which schedule?' },
  );
  return picked?.policy;
}

async function insertScheduler(context: vscode.ExtensionContext, rawArgs: unknown): Promise<GeneratedSnippet | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showErrorMessage('Cyclical LR: open your training script, put the cursor where the scheduler goes, and run Insert Scheduler again.');
    return undefined;
  }
  let args: Partial<InsertSchedulerArgs>;
  try {
    args = checkArgs(rawArgs);
  } catch (error) {
    void vscode.window.showErrorMessage(`Cyclical LR: Insert Scheduler: ${(error as Error).message}`);
    return undefined;
  }
  const last = getLastRangeTestResult(context);
  const framework = args.framework ?? (await pickFramework(editor.document));
  if (!framework) return undefined;
  const policy = args.policy ?? (await pickPolicy(last));
  if (!policy) return undefined;

  let generated: GeneratedSnippet;
  try {
    generated = snippetForRequest({ ...args, framework, policy }, last, editor.document.languageId);
  } catch (error) {
    if (!isUserError(error)) throw error;
    void vscode.window.showErrorMessage(`Cyclical LR: ${error.format()}`);
    return undefined;
  }
  // On a blank line, insert right there; otherwise on a new line below. VS Code indents every inserted line like
  // the line it starts on, and the whole insertion is one undo step.
  const position = editor.selection.active;
  const line = editor.document.lineAt(position.line);
  const blank = line.isEmptyOrWhitespace;
  const body = generated.snippet.replace(/\n$/, '');
  const snippet = new vscode.SnippetString(blank ? body : `\n${body}`);
  const ok = await editor.insertSnippet(snippet, line.range.end, { undoStopBefore: true, undoStopAfter: true });
  return ok ? generated : undefined;
}

/** "Preview schedule" and "Tune bounds" above scheduler calls in Python files. */
export class SchedulerCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const text = document.getText();
    if (!/CyclicLR|OneCycleLR|CosineAnnealingWarmRestarts/.test(text)) return [];
    return parseSchedulerCalls(text).flatMap((call) => {
      const range = new vscode.Range(call.line, call.column, call.line, call.column + call.className.length);
      const note = call.defaulted.length ? ` (defaults for ${call.defaulted.join(', ')})` : '';
      return [
        new vscode.CodeLens(range, {
          title: `Preview schedule${note}`,
          tooltip: `Plot the ${call.className} schedule these arguments produce`,
          command: 'cyclicalLr.openPanel',
          arguments: [{ schedule: call.spec }],
        }),
        new vscode.CodeLens(range, { title: 'Tune bounds', tooltip: 'Run a learning-rate range test to find base_lr and max_lr', command: 'cyclicalLr.runRangeTest' }),
      ];
    });
  }
}
