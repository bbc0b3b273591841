import * as vscode from 'vscode';
import { isUserError } from '../core/errors';
import { detectFramework } from '../core/frameworkDetection';
import { parseSchedulerCalls } from '../core/schedulerCallParser';
import { validateScheduleSpec, WARMUP_POLICIES } from '../core/schedules';
import {
  FRAMEWORK_LABELS,
  GeneratedSnippet,
  POLICY_LABELS,
  rangeTestProvenance,
  SNIPPET_FRAMEWORKS,
  SNIPPET_POLICIES,
  SnippetFramework,
  SnippetPolicy,
  SnippetRequest,
  snippetForRequest,
  stepsPerEpochOf,
  withScalingCaveat,
} from '../core/snippets';
import { OPTIMIZERS, RangeTestResult } from '../core/types';
import { getLastRangeTestResult } from './lastResult';
import { USE_LAST_BOUNDS_COMMAND } from './schedulerCodeLens';
import { InsertionFramework, InsertionPlan, planInsertion, TextEdit } from '../core/insertion/planner';
import { chooseOptimizer, findOptimizers } from '../core/insertion/optimizers';
import { PythonSource } from '../core/insertion/pythonSource';

export const INSERT_SCHEDULER_COMMAND = 'cyclicalLr.insertScheduler';

/** The argument form of `cyclicalLr.insertScheduler` (the panel's "Insert into editor" buttons use it). */
export type InsertSchedulerArgs = SnippetRequest;

/** Registers Insert Scheduler… and the CodeLens's "Use last range test" (the CodeLens itself: schedulerCodeLens.ts). */
export function registerSnippetFeatures(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(INSERT_SCHEDULER_COMMAND, (args?: unknown) => insertScheduler(context, args)),
    vscode.commands.registerCommand(USE_LAST_BOUNDS_COMMAND, (uri: vscode.Uri, line: number, policy: SnippetPolicy) => useLastBounds(uri, line, policy)),
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

async function pickFramework(text: string, languageId: string): Promise<SnippetFramework | undefined> {
  const detected = detectFramework(text, languageId);
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
      description: (policy === 'one-cycle' || (WARMUP_POLICIES as readonly string[]).includes(policy)) && last ? `peak ${last.suggestion.oneCycle.maxLr.toPrecision(2)} from the last range test` : bounds,
      policy,
    })),
    { title: 'Insert Scheduler (2/2): schedule', placeHolder: 'Which schedule?' },
  );
  return picked?.policy;
}

/** Where the numbers come from, for the comment above the scheduler: the panel, the last range test, or nothing. */
function provenanceOf(args: Partial<InsertSchedulerArgs>, last: RangeTestResult | undefined): string | undefined {
  const today = new Date().toISOString().slice(0, 10);
  if (args.spec) return withScalingCaveat(`Cyclical LR panel${last ? ` (${rangeTestProvenance(last)})` : ''}, ${today}`, last);
  return last ? withScalingCaveat(`${rangeTestProvenance(last)}, ${today}`, last) : undefined;
}

async function pickOptimizer(source: string, cursorLine: number): Promise<string | undefined | null> {
  const found = findOptimizers(new PythonSource(source));
  if (found.length <= 1 || parseSchedulerCalls(source).length > 0) return undefined;
  const nearest = chooseOptimizer(found, undefined, cursorLine);
  const items = found.map((o) => ({ label: o.variable, description: `${o.className}, line ${o.line + 1}`, picked: o === nearest }));
  items.sort((a, b) => Number(b.picked) - Number(a.picked));
  const picked = await vscode.window.showQuickPick(items, { title: 'Insert Scheduler: which optimizer does the scheduler drive?' });
  return picked ? picked.label : null;
}

/** One code cell of a notebook, and where its text starts in the cells joined by newlines. */
interface CellSpan {
  document: vscode.TextDocument;
  start: number;
  length: number;
}

/**
 * The text the planner sees and where its edits go: the editor's document, or for a notebook every Python code
 * cell joined (imports land in the first cell, the scheduler in the optimizer's cell, the step in the loop's).
 */
function planningTarget(editor: vscode.TextEditor | undefined): { text: string; cells: CellSpan[]; cursorLine: number } {
  const notebookEditor = vscode.window.activeNotebookEditor;
  const inNotebook = notebookEditor && (!editor || editor.document.uri.scheme === 'vscode-notebook-cell');
  const codeCells = inNotebook
    ? notebookEditor.notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python')
    : [];
  const documents = inNotebook ? codeCells.map((c) => c.document) : editor ? [editor.document] : [];
  // The cursor: in the focused cell, else at the top of the selected cell.
  const selectedCell = inNotebook ? notebookEditor.notebook.cellAt(notebookEditor.selection.start).document : undefined;
  const cursorDocument = editor?.document ?? selectedCell;
  const cells: CellSpan[] = [];
  let offset = 0;
  let cursorLine = editor?.selection.active.line ?? 0;
  let lines = 0;
  for (const document of documents) {
    if (document === cursorDocument) cursorLine += lines;
    cells.push({ document, start: offset, length: document.getText().length });
    offset += document.getText().length + 1;
    lines += document.lineCount;
  }
  return { text: documents.map((d) => d.getText()).join('\n'), cells, cursorLine };
}

/** The planner's edits as one WorkspaceEdit over the cells (or the document) they fall in. */
function workspaceEditOf(edits: TextEdit[], cells: CellSpan[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) {
    let index = cells.findIndex((c) => e.start >= c.start && e.start <= c.start + c.length);
    let start = e.start;
    let text = e.text;
    // Insertions "after the last line" of a cell arrive at the next cell's start: they belong to the cell above.
    if (index > 0 && e.start === cells[index].start && e.end === e.start && text.endsWith('\n')) {
      index -= 1;
      start = cells[index].start + cells[index].length;
      text = `\n${text.slice(0, -1)}`;
    }
    const cell = cells[index];
    const document = cell.document;
    const range = new vscode.Range(document.positionAt(start - cell.start), document.positionAt(Math.min(e.end, cell.start + cell.length) - cell.start));
    edit.replace(document.uri, range, text);
  }
  return edit;
}

async function insertScheduler(context: vscode.ExtensionContext, rawArgs: unknown): Promise<GeneratedSnippet | InsertionPlan | undefined> {
  const notebook = vscode.window.activeNotebookEditor;
  const editor = vscode.window.activeTextEditor;
  if (!editor && !notebook) {
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
  const target = planningTarget(editor);
  const languageId = editor?.document.languageId ?? 'python';
  const framework = args.framework ?? (await pickFramework(target.text, languageId));
  if (!framework) return undefined;
  const policy = args.policy ?? (await pickPolicy(last));
  if (!policy) return undefined;
  if ((framework === 'pytorch' || framework === 'lightning') && languageId === 'python') {
    return insertIntoScript(target, { ...args, framework, policy }, last);
  }
  if (!editor) {
    void vscode.window.showErrorMessage(`Cyclical LR: click into the notebook cell where the ${FRAMEWORK_LABELS[framework]} code goes, then insert again.`);
    return undefined;
  }

  let generated: GeneratedSnippet;
  try {
    generated = snippetForRequest({ ...args, framework, policy }, last, editor.document.languageId);
  } catch (error) {
    if (!isUserError(error)) throw error;
    void vscode.window.showErrorMessage(`Cyclical LR: ${error.format()}`);
    return undefined;
  }
  // Keras, TF.js and fastai code is self-contained: on a blank line, insert right there; otherwise on a new line
  // below. VS Code indents every inserted line like the line it starts on, and the whole insertion is one undo step.
  const position = editor.selection.active;
  const line = editor.document.lineAt(position.line);
  const blank = line.isEmptyOrWhitespace;
  const body = generated.snippet.replace(/\n$/, '');
  const snippet = new vscode.SnippetString(blank ? body : `\n${body}`);
  const ok = await editor.insertSnippet(snippet, line.range.end, { undoStopBefore: true, undoStopAfter: true });
  return ok ? generated : undefined;
}

/** PyTorch and Lightning: the planner's edits (import, scheduler after the optimizer, step in the loop) as one edit. */
async function insertIntoScript(
  target: ReturnType<typeof planningTarget>,
  request: InsertSchedulerArgs,
  last: RangeTestResult | undefined,
): Promise<InsertionPlan | undefined> {
  let plan: InsertionPlan;
  try {
    const optimizerVar = await pickOptimizer(target.text, target.cursorLine);
    if (optimizerVar === null) return undefined;
    const stepsPerEpoch = request.stepsPerEpoch ?? request.spec?.stepsPerEpoch ?? stepsPerEpochOf(last);
    const spec = request.spec ?? snippetForRequest(request, last, 'python').schedule;
    plan = planInsertion({
      source: target.text,
      framework: request.framework as InsertionFramework,
      spec,
      cursorLine: target.cursorLine,
      optimizerVar,
      stepsPerEpoch,
      provenance: provenanceOf(request, last),
    });
  } catch (error) {
    if (!isUserError(error)) throw error;
    void vscode.window.showErrorMessage(`Cyclical LR: Insert Scheduler: ${error.format()}`);
    return undefined;
  }
  if (!(await vscode.workspace.applyEdit(workspaceEditOf(plan.edits, target.cells)))) {
    void vscode.window.showErrorMessage('Cyclical LR: the editor refused the edit (is the file read-only?).');
    return undefined;
  }
  const what = plan.action === 'updated' ? 'Updated the scheduler' : plan.action === 'replaced' ? 'Replaced the scheduler' : 'Inserted the scheduler';
  const where = plan.step === 'loop' ? '; scheduler.step() runs after every optimizer step' : plan.step === 'lightning' ? '; Lightning steps it every batch' : '';
  if (plan.step === 'none') void vscode.window.showWarningMessage(`Cyclical LR: ${what}. ${plan.messages.join(' ')}`);
  else void vscode.window.showInformationMessage(`Cyclical LR: ${what}${where}.${plan.messages.length ? ` ${plan.messages.join(' ')}` : ''}`);
  return plan;
}

/** The CodeLens's "Use last range test": Insert Scheduler with the call's policy at the call, i.e. an update in place. */
async function useLastBounds(uri: vscode.Uri, line: number, policy: SnippetPolicy): Promise<unknown> {
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document);
  editor.selection = new vscode.Selection(line, 0, line, 0);
  return vscode.commands.executeCommand(INSERT_SCHEDULER_COMMAND, { framework: detectFramework(document.getText(), 'python') === 'lightning' ? 'lightning' : 'pytorch', policy });
}
