// Plans the edits that put a PyTorch scheduler into a user's training script: the import merged with the file's
// imports, the scheduler created right after the optimizer it drives (or an existing CyclicLR / OneCycleLR /
// CosineAnnealingWarmRestarts call updated in place), and `scheduler.step()` placed in the user's own loop right
// after the optimizer step. Pure: text in, edits out; the extension, `clr insert` and the tests all use it.

import { UserError } from '../errors';
import { roundBounds, roundSignificant } from '../pythonNumbers';
import { parseSchedulerCalls, SchedulerCall, splitArguments } from '../schedulerCallParser';
import { ScheduleSpec, validateScheduleSpec } from '../schedules';
import { OptimizerName } from '../types';
import { chooseOptimizer, findOptimizers, keywordArguments, optimizerKind, OptimizerAssignment } from './optimizers';
import { escapeRegExp, PythonSource } from './pythonSource';
import { renderConstructor, SchedulerArg, torchSchedulerCode, TorchCodeOptions, TorchSchedulerCode } from './torchSchedulerCode';

export type InsertionFramework = 'pytorch' | 'lightning';

export interface InsertionRequest {
  /** The file (or notebook cell) as it is now. */
  source: string;
  framework: InsertionFramework;
  spec: ScheduleSpec;
  /** 0-based cursor line: picks among several optimizers or scheduler calls. */
  cursorLine?: number;
  /** The optimizer variable, when the user picked one. */
  optimizerVar?: string;
  /** Name for a new scheduler; default `scheduler`. */
  schedulerVar?: string;
  /** Optimizer steps per epoch, as the numbers were planned with (e.g. from the range test's dataset). */
  stepsPerEpoch?: number;
  /** Installed torch version; CyclicLR cycles Adam's beta1 from 2.3. */
  torchVersion?: string;
  /** Where the numbers come from, for the comment, e.g. "range test on data/train.csv, 2026-12-02". */
  provenance?: string;
  /** Round the rates to 3 significant digits (default true). */
  round?: boolean;
}

/** Replace [start, end) of the original source with text. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface InsertionPlan {
  /** Sorted, non-overlapping, against the original source. */
  edits: TextEdit[];
  /** The source after the edits. */
  result: string;
  /** The schedule the edited file trains with, as `clr schedule` computes it. */
  schedule: ScheduleSpec;
  /** 'inserted' a new scheduler, 'updated' an existing call's arguments, or 'replaced' a call of another class. */
  action: 'inserted' | 'updated' | 'replaced';
  optimizer?: { variable: string; className: string; kind: OptimizerName };
  /** Where `scheduler.step()` is: placed in the loop, already there, left to Lightning, or nowhere (a comment). */
  step: 'loop' | 'existing' | 'lightning' | 'none';
  /** 0-based line of the scheduler's constructor in the result. */
  schedulerLine: number;
  /** What the user should know, in sentences (the notification, `clr insert` on stderr). */
  messages: string[];
}

export function applyEdits(source: string, edits: TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start)) {
    out += source.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + source.slice(at);
}

/** The rates of a spec rounded as a person writes them (3 significant digits; 4 when 3 would make base ≥ max). */
export function roundScheduleRates(spec: ScheduleSpec): ScheduleSpec {
  const out = { ...spec } as ScheduleSpec & { baseLr?: number; etaMin?: number };
  if ('baseLr' in spec) Object.assign(out, roundBounds(spec.baseLr, spec.maxLr));
  else out.maxLr = roundSignificant(spec.maxLr, 3);
  if (out.etaMin !== undefined) {
    const rounded = roundSignificant(out.etaMin, 3);
    out.etaMin = rounded < out.maxLr || !(out.etaMin < out.maxLr) ? rounded : out.etaMin;
  }
  return out;
}

/** Python argument → spec field, to keep what the user wrote for arguments the request leaves open. */
const FIELD_OF_ARGUMENT: Record<string, string> = {
  base_momentum: 'baseMomentum',
  max_momentum: 'maxMomentum',
  pct_start: 'pctStart',
  anneal_strategy: 'annealStrategy',
  div_factor: 'divFactor',
  final_div_factor: 'finalDivFactor',
  three_phase: 'threePhase',
  step_size_down: 'stepSizeDown',
  gamma: 'gamma',
};

const PROVENANCE_PREFIX = '# Cyclical LR:';

interface LoopSite {
  /** Offset where `scheduler.step()` goes (start of the line after the optimizer step, or after scaler.update()). */
  insertAt: number;
  indent: string;
  line: number;
}

interface LoopInfo {
  sites: LoopSite[];
  /** Variables of the enclosing loops, for SGDR's fractional epoch. */
  fractional?: { epochVar: string; batchVar: string };
  /** The loader iterated per batch, and the accumulation count when the optimizer steps every k batches. */
  loader?: string;
  accumulation?: string;
  /** The optimizer is stepped in another function than the one the scheduler is created in. */
  otherFunction?: string;
}

function findLoop(src: PythonSource, optimizerVar: string, createdAtLine: number): LoopInfo {
  const name = escapeRegExp(optimizerVar);
  const pattern = new RegExp(String.raw`(?:^|[^\w.])(?:${name}\s*\.\s*step\s*\(|[A-Za-z_][\w.]*\s*\.\s*step\s*\(\s*${name}\s*\))`, 'g');
  const info: LoopInfo = { sites: [] };
  const home = src.enclosingFunction(createdAtLine);
  for (let m = pattern.exec(src.blank); m; m = pattern.exec(src.blank)) {
    const line = src.lineAt(m.index + (m[0].length - m[0].trimStart().length) + 1);
    const blocks = src.enclosingBlocks(line);
    const loopIndex = blocks.findIndex((b) => /^(?:async\s+)?(?:for|while)\b/.test(b.code));
    if (loopIndex < 0) continue;
    const fn = src.enclosingFunction(line);
    if (home >= 0 && fn !== home) {
      info.otherFunction = /def\s+(\w+)/.exec(src.lines[fn]?.code ?? '')?.[1] ?? 'another function';
      continue;
    }
    let last = src.statementEndLine(line);
    // After scaler.step(optimizer) comes scaler.update(): the scheduler steps after both.
    const next = src.lines[last + 1];
    const scaler = /^([A-Za-z_][\w.]*)\s*\.\s*step\s*\(/.exec(src.lines[line].code)?.[1];
    if (next && scaler && scaler !== optimizerVar && next.indent === src.lines[line].indent && next.code.startsWith(`${scaler}.update(`)) last = src.statementEndLine(last + 1);
    info.sites.push({ insertAt: src.afterLine(last), indent: src.lines[line].indent, line });
    if (info.sites.length > 1) continue;
    const inner = blocks[loopIndex];
    const accumulation = blocks.slice(0, loopIndex).map((b) => /^if\b.*%\s*([A-Za-z_][\w.]*)\s*==\s*0\s*:$/.exec(b.code)?.[1]).find((a) => a);
    info.accumulation = accumulation;
    const enumerate = /^for\s+([A-Za-z_]\w*)\s*,.*\bin\s+enumerate\s*\(\s*([A-Za-z_][\w.]*)\s*\)\s*:$/.exec(inner.code);
    const plain = /^for\s+.*\bin\s+([A-Za-z_][\w.]*)\s*:$/.exec(inner.code);
    info.loader = enumerate?.[2] ?? plain?.[1];
    const outer = blocks.slice(loopIndex + 1).find((b) => /^for\b/.test(b.code));
    const epoch = outer && /^for\s+([A-Za-z_]\w*)\s+in\s+range\s*\(\s*[^,()]+\)\s*:$/.exec(outer.code);
    if (enumerate && epoch && !accumulation) info.fractional = { epochVar: epoch[1], batchVar: enumerate[1] };
  }
  return info;
}

/** Whether `name` is assigned at or above `indent` before `offset`, so that code there can use it. */
function assignedBefore(src: PythonSource, name: string, beforeLine: number): number | undefined {
  const pattern = new RegExp(String.raw`^[ \t]*${escapeRegExp(name)}\s*=[^=]`);
  for (let l = beforeLine; l >= 0; l--) {
    if (pattern.test(src.blank.slice(src.lines[l].start, src.lines[l].end))) return l;
  }
  return undefined;
}

function assignedAfter(src: PythonSource, name: string, fromLine: number, toLine: number, indent: string): number | undefined {
  const pattern = new RegExp(String.raw`^${escapeRegExp(indent)}${escapeRegExp(name)}\s*=[^=]`);
  for (let l = fromLine; l <= toLine && l < src.lines.length; l++) {
    if (pattern.test(src.blank.slice(src.lines[l].start, src.lines[l].end))) return l;
  }
  return undefined;
}

/** The edit that adds the imports the code needs, merged into an existing `from torch.optim.lr_scheduler import`. */
function importEdits(src: PythonSource, names: string[], needsMath: boolean): TextEdit[] {
  const edits: TextEdit[] = [];
  const { imports, firstCodeLine } = src.leadingImports();
  const all = src.text;
  const missing = names.filter((n) => !new RegExp(String.raw`^\s*from\s+torch\.optim\.lr_scheduler\s+import\b[^\n]*\b${n}\b`, 'm').test(src.blank));
  const newLines: string[] = [];
  if (needsMath && !/^\s*import\s+math\b/m.test(src.blank)) newLines.push('import math');
  if (missing.length) {
    const existing = /^from[ \t]+torch\.optim\.lr_scheduler[ \t]+import[ \t]+([\w, \t]+)$/m.exec(src.blank);
    if (existing) {
      const end = existing.index + existing[0].trimEnd().length;
      edits.push({ start: end, end, text: `, ${missing.join(', ')}` });
    } else {
      newLines.push(`from torch.optim.lr_scheduler import ${missing.join(', ')}`);
    }
  }
  if (!newLines.length) return edits;
  if (imports.length) {
    const at = src.afterLine(imports[imports.length - 1].last);
    const needsNewline = at === all.length && !all.endsWith('\n');
    edits.push({ start: at, end: at, text: `${needsNewline ? '\n' : ''}${newLines.join('\n')}\n` });
  } else {
    const at = firstCodeLine < src.lines.length ? src.lines[firstCodeLine].start : all.length;
    edits.push({ start: at, end: at, text: `${newLines.join('\n')}\n\n` });
  }
  return edits;
}

function indentBlock(lines: string[], indent: string): string {
  return lines
    .join('\n')
    .split('\n')
    .map((l) => (l ? indent + l : l))
    .join('\n');
}

interface Placement {
  /** Where the new scheduler block goes, and its indentation. */
  at: number;
  indent: string;
  line: number;
}

/** Plans the insertion or update; throws UserError when the file gives nothing to attach the scheduler to. */
export function planInsertion(req: InsertionRequest): InsertionPlan {
  for (const [what, name] of [['scheduler', req.schedulerVar], ['optimizer', req.optimizerVar]]) {
    if (name !== undefined && !/^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/.test(name)) {
      throw new UserError(`the ${what} variable '${name}' is not a Python name`, { hint: 'use letters, digits and _ (self.name is fine), not starting with a digit' });
    }
  }
  const requested = validateScheduleSpec(req.round === false ? req.spec : roundScheduleRates(validateScheduleSpec(req.spec)));
  const src = new PythonSource(req.source);
  const messages: string[] = [];
  const calls = parseSchedulerCalls(req.source);
  const existing = pickCall(calls, req.cursorLine);
  if (req.framework === 'lightning' && !existing) return planLightning(req, src, requested, messages);

  const optimizers = findOptimizers(src);
  const optimizerVar = existing ? (existingOptimizerArg(src, existing) ?? req.optimizerVar) : req.optimizerVar;
  const optimizer = chooseOptimizer(optimizers, optimizerVar, req.cursorLine);
  if (!optimizer && !existing) {
    throw new UserError(
      req.optimizerVar ? `no optimizer named '${req.optimizerVar}' is created in this file` : 'no optimizer is created in this file (e.g. `optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)`)',
      { hint: 'create the optimizer first, or insert where it is created; a scheduler needs the optimizer it drives' },
    );
  }
  if (!existing && optimizers.length > 1 && req.optimizerVar === undefined) {
    messages.push(`This file creates ${optimizers.length} optimizers (${optimizers.map((o) => o.variable).join(', ')}); the scheduler drives ${optimizer?.variable}.`);
  }
  const optVar = optimizer?.variable ?? optimizerVar ?? 'optimizer';
  // An optimizer kept on an object (self.optimizer) gets its scheduler beside it, where the loop can reach it.
  const defaultVar = optVar.startsWith('self.') ? 'self.scheduler' : 'scheduler';
  const schedulerVar = existing ? (existingTarget(src, existing) ?? req.schedulerVar ?? defaultVar) : (req.schedulerVar ?? defaultVar);
  const createdLine = existing ? existing.line : (optimizer as OptimizerAssignment).endLine;
  const loop = findLoop(src, optVar, createdLine);
  const site = loop.sites[0];

  // Steps per epoch from the user's own loader where the scheduler can see it.
  let placement: Placement = existing
    ? { at: 0, indent: src.lines[existing.line].indent, line: existing.line }
    : { at: src.afterLine(createdLine), indent: src.lines[(optimizer as OptimizerAssignment).line].indent, line: createdLine };
  const edits: TextEdit[] = [];
  let speLine: string | undefined;
  let speExpr: string | undefined;
  if (loop.loader && req.stepsPerEpoch !== undefined) {
    const loopStart = site ? src.enclosingBlocks(site.line).slice(-1)[0]?.line ?? site.line : src.lines.length - 1;
    const later = existing ? undefined : assignedAfter(src, loop.loader, placement.line + 1, loopStart, placement.indent);
    if (later !== undefined) {
      const end = src.statementEndLine(later);
      placement = { at: src.afterLine(end), indent: placement.indent, line: end };
    }
    if (assignedBefore(src, loop.loader, placement.line) !== undefined && (!loop.accumulation || assignedBefore(src, loop.accumulation, placement.line) !== undefined)) {
      speExpr = 'steps_per_epoch';
      if (assignedBefore(src, 'steps_per_epoch', placement.line) === undefined) {
        speLine = loop.accumulation
          ? `steps_per_epoch = len(${loop.loader}) // ${loop.accumulation}  # optimizer steps per epoch: one every ${loop.accumulation} batches`
          : `steps_per_epoch = len(${loop.loader})  # optimizer steps per epoch`;
      }
    }
  }

  const codeOptions: TorchCodeOptions = {
    spec: requested,
    optimizerVar: optVar,
    schedulerVar,
    optimizer: optimizer?.kind,
    torchVersion: req.torchVersion,
    stepsPerEpoch: req.stepsPerEpoch,
    stepsPerEpochExpr: speExpr,
    fractionalEpoch: loop.fractional,
  };
  const code = torchSchedulerCode(codeOptions);
  if (optimizer) describeMomentum(code, optimizer, messages);
  const provenance = `${PROVENANCE_PREFIX} ${req.provenance ? `numbers from the ${req.provenance}` : 'default numbers: run a range test (Cyclical LR: Run Range Test) to tune them'}.`;

  let action: InsertionPlan['action'] = 'inserted';
  let schedule = code.schedule;
  if (existing && existing.className === code.className && existing.className !== 'SequentialLR') {
    action = 'updated';
    const update = updateCall(src, existing, code.args);
    edits.push(...update.edits);
    schedule = keptUserArguments(existing, code, update.kept);
    edits.push(provenanceEdit(src, existing.line, provenance));
    if (speLine && code.args.some((a) => a.value.includes('steps_per_epoch'))) {
      edits.push({ start: src.lines[existing.line].start, end: src.lines[existing.line].start, text: `${src.lines[existing.line].indent}${speLine}\n` });
    }
    if (code.before.length && !new RegExp(String.raw`${escapeRegExp(optVar)}\.param_groups`).test(src.blank)) {
      edits.push({ start: src.lines[existing.line].start, end: src.lines[existing.line].start, text: indentBlock(code.before, src.lines[existing.line].indent) + '\n' });
    }
  } else {
    const lines = [provenance, ...(speLine ? [speLine] : []), ...code.before, `${schedulerVar} = ${renderConstructor(code.className, existing ? existingOptimizerText(src, existing) : optVar, code.args)}`];
    if (existing) {
      // A chain (SequentialLR) is rebuilt whole, from the statements that build its schedulers.
      action = existing.className === code.className ? 'updated' : 'replaced';
      let first = existing.firstLine ?? existing.line;
      const last = src.statementEndLine(existing.line);
      const isProvenance = (line: number) => line >= 0 && src.text.slice(src.lines[line].start, src.lines[line].end).trim().startsWith(PROVENANCE_PREFIX);
      if (isProvenance(first - 1)) first--;
      else if (isProvenance(first - 2) && /^\s*steps_per_epoch\s*=/.test(src.lines[first - 1].code)) edits.push({ start: src.lines[first - 2].start, end: src.afterLine(first - 2), text: '' });
      edits.push({ start: src.lines[first].start, end: src.afterLine(last), text: indentBlock(lines, src.lines[first].indent) + '\n' });
      if (action === 'replaced') messages.push(`Replaced the ${existing.className} on line ${existing.line + 1} with ${code.className}.`);
    } else {
      edits.push({ start: placement.at, end: placement.at, text: indentBlock(lines, placement.indent) + '\n' });
    }
  }

  // scheduler.step(): once per optimizer step, in the user's loop.
  let step: InsertionPlan['step'];
  const stepPattern = new RegExp(String.raw`(?:^|[^\w.])${escapeRegExp(schedulerVar)}\s*\.\s*step\s*\(`);
  if (stepPattern.test(src.blank)) {
    step = 'existing';
  } else if (loop.sites.length) {
    step = 'loop';
    for (const s of loop.sites) edits.push({ start: s.insertAt, end: s.insertAt, text: `${s.indent}${code.stepCall}\n` });
  } else {
    step = 'none';
    const at = existing ? src.afterLine(src.statementEndLine(existing.line)) : placement.at;
    const comment = `# Call ${code.stepCall} once per batch, right after ${optVar}.step() (the schedule counts optimizer steps).`;
    edits.push({ start: at, end: at, text: `${placement.indent}${comment}\n` });
    messages.push(
      loop.otherFunction
        ? `${optVar}.step() is called in ${loop.otherFunction}(): pass the scheduler there and call ${code.stepCall} right after it.`
        : `No training loop calls ${optVar}.step() in this file: call ${code.stepCall} after every optimizer step (a comment says where).`,
    );
  }
  if (req.stepsPerEpoch !== undefined && speExpr) {
    messages.push(`steps_per_epoch = len(${loop.loader})${loop.accumulation ? ` // ${loop.accumulation}` : ''} is computed when the script runs; the numbers assumed ${req.stepsPerEpoch} optimizer steps per epoch.`);
  }
  edits.push(...importEdits(src, code.imports, code.needsMath));
  const result = applyEdits(req.source, edits);
  const schedulerLine = result.split('\n').findIndex((l) => new RegExp(String.raw`^\s*${escapeRegExp(schedulerVar)}\s*=\s*${code.className}\(`).test(l));
  return {
    edits: edits.sort((a, b) => a.start - b.start),
    result,
    schedule,
    action,
    optimizer: optimizer ? { variable: optimizer.variable, className: optimizer.className, kind: optimizer.kind } : undefined,
    step,
    schedulerLine,
    messages,
  };
}

function describeMomentum(code: TorchSchedulerCode, optimizer: OptimizerAssignment, messages: string[]): void {
  const arg = code.args.find((a) => a.name === 'cycle_momentum');
  if (arg?.value === 'False' && (optimizer.kind === 'adam' || optimizer.kind === 'adamw')) {
    messages.push(`${optimizer.className} has no momentum to cycle on this torch: cycle_momentum=False.`);
  }
}

function pickCall(calls: SchedulerCall[], cursorLine: number | undefined): SchedulerCall | undefined {
  if (calls.length <= 1 || cursorLine === undefined) return calls[0];
  const above = calls.filter((c) => c.line <= cursorLine);
  return above.length ? above[above.length - 1] : calls[0];
}

function callArguments(src: PythonSource, call: SchedulerCall): { open: number; close: number; args: Array<{ text: string; start: number }> } {
  const open = src.blank.indexOf('(', call.offset);
  return { open, close: src.matchingBracket(open), args: splitArguments(src.code, src.blank, open) ?? [] };
}

function existingOptimizerText(src: PythonSource, call: SchedulerCall): string {
  const first = callArguments(src, call).args[0];
  return first && !/^\s*[A-Za-z_]\w*\s*=(?!=)/.test(first.text) ? first.text.trim() : (existingOptimizerArg(src, call) ?? 'optimizer');
}

function existingOptimizerArg(src: PythonSource, call: SchedulerCall): string | undefined {
  const args = callArguments(src, call).args;
  const kw = args.map((a) => /^\s*optimizer\s*=([\s\S]*)$/.exec(a.text)?.[1]).find((x) => x);
  const text = (kw ?? (args[0] && !/^\s*\w+\s*=(?!=)/.test(args[0].text) ? args[0].text : '')).trim();
  return /^[A-Za-z_][\w.]*$/.test(text) ? text : undefined;
}

function existingTarget(src: PythonSource, call: SchedulerCall): string | undefined {
  const line = src.lines[call.line];
  return /^([A-Za-z_][\w.]*)\s*=/.exec(src.blank.slice(line.start, call.offset).trim())?.[1];
}

const POSITIONAL: Record<string, string[]> = {
  CyclicLR: ['optimizer', 'base_lr', 'max_lr', 'step_size_up', 'step_size_down', 'mode', 'gamma', 'scale_fn', 'scale_mode', 'cycle_momentum', 'base_momentum', 'max_momentum'],
  OneCycleLR: ['optimizer', 'max_lr', 'total_steps', 'epochs', 'steps_per_epoch', 'pct_start', 'anneal_strategy', 'cycle_momentum', 'base_momentum', 'max_momentum', 'div_factor', 'final_div_factor', 'three_phase'],
  CosineAnnealingWarmRestarts: ['optimizer', 'T_0', 'T_mult', 'eta_min'],
};

/** Edits that set the request's arguments in an existing call, keeping every other argument and the layout. */
function updateCall(src: PythonSource, call: SchedulerCall, wanted: SchedulerArg[]): { edits: TextEdit[]; kept: Record<string, string> } {
  const { close, args } = callArguments(src, call);
  const names = POSITIONAL[call.className] ?? [];
  const present = new Map<string, { valueStart: number; valueEnd: number }>();
  args.forEach((arg, i) => {
    const kw = /^(\s*)([A-Za-z_]\w*)(\s*=\s*)(?!=)/.exec(arg.text);
    const name = kw ? kw[2] : names[i];
    if (!name) return;
    const valueText = kw ? arg.text.slice(kw[0].length) : arg.text;
    const lead = valueText.length - valueText.trimStart().length;
    const valueStart = arg.start + (kw ? kw[0].length : 0) + lead;
    present.set(name, { valueStart, valueEnd: valueStart + valueText.trim().length });
  });
  const edits: TextEdit[] = [];
  const appended: SchedulerArg[] = [];
  for (const arg of wanted) {
    // One-cycle's length is either total_steps or epochs × steps_per_epoch: drop the form not written.
    const where = present.get(arg.name);
    if (where) {
      if (arg.explicit && src.text.slice(where.valueStart, where.valueEnd) !== arg.value) edits.push({ start: where.valueStart, end: where.valueEnd, text: arg.value });
    } else if (arg.explicit) {
      appended.push(arg);
    }
  }
  if (call.className === 'OneCycleLR') {
    const writesTotal = wanted.some((a) => a.name === 'total_steps');
    for (const other of writesTotal ? ['epochs', 'steps_per_epoch'] : ['total_steps']) {
      const where = present.get(other);
      if (where) edits.push(...removeArgument(src, args, other, names));
    }
  }
  if (appended.length) {
    const last = args[args.length - 1];
    const lastEnd = last.start + last.text.trimEnd().length;
    const multiline = /\n/.test(last.text.slice(0, last.text.length - last.text.trimStart().length));
    const trailingComma = src.blank.slice(last.start + last.text.length, close).includes(',');
    if (multiline) {
      const indent = /\n([ \t]*)$/.exec(last.text.slice(0, last.text.length - last.text.trimStart().length))?.[1] ?? '    ';
      // New arguments go after the line's comment, if any, so that each comment stays with its argument.
      const commaLine = src.lineAt(trailingComma ? src.blank.indexOf(',', lastEnd) : lastEnd);
      const closeOnSameLine = src.lineAt(close) === commaLine;
      const at = closeOnSameLine ? (trailingComma ? src.blank.indexOf(',', lastEnd) + 1 : lastEnd) : src.lines[commaLine].end;
      if (!trailingComma) edits.push({ start: lastEnd, end: lastEnd, text: ',' });
      const withComments = !closeOnSameLine;
      const text = appended.map((a, i) => `\n${indent}${a.name}=${a.value}${trailingComma || i < appended.length - 1 ? ',' : ''}${withComments && a.comment ? `  # ${a.comment}` : ''}`);
      edits.push({ start: at, end: at, text: text.join('') });
    } else {
      edits.push({ start: lastEnd, end: lastEnd, text: appended.map((a) => `, ${a.name}=${a.value}`).join('') });
    }
  }
  const kept: Record<string, string> = {};
  for (const name of present.keys()) if (!wanted.some((a) => a.name === name && a.explicit)) kept[name] = name;
  return { edits, kept };
}

function removeArgument(src: PythonSource, args: Array<{ text: string; start: number }>, name: string, names: string[]): TextEdit[] {
  const index = args.findIndex((a, i) => (/^\s*([A-Za-z_]\w*)\s*=/.exec(a.text)?.[1] ?? names[i]) === name);
  if (index < 1) return [];
  const prev = args[index - 1];
  const arg = args[index];
  // From the end of the previous argument to the end of this one: the comma before it goes with it.
  return [{ start: prev.start + prev.text.trimEnd().length, end: arg.start + arg.text.trimEnd().length, text: '' }];
}

/** The schedule of an updated call: what the request wrote, plus the user's literal arguments it left alone. */
function keptUserArguments(call: SchedulerCall, code: TorchSchedulerCode, kept: Record<string, string>): ScheduleSpec {
  const schedule = { ...code.schedule } as unknown as Record<string, unknown>;
  const old = call.spec as unknown as Record<string, unknown>;
  for (const name of Object.keys(kept)) {
    const field = FIELD_OF_ARGUMENT[name];
    if (field && old[field] !== undefined && !call.defaulted.includes(name)) schedule[field] = old[field];
  }
  if (code.className === 'CyclicLR' && kept.cycle_momentum === undefined) delete schedule.scaleMode;
  return validateScheduleSpec(schedule);
}

function provenanceEdit(src: PythonSource, line: number, provenance: string): TextEdit {
  const previous = src.lines[line - 1];
  const indent = src.lines[line].indent;
  if (previous && src.text.slice(previous.start, previous.end).trim().startsWith(PROVENANCE_PREFIX)) {
    return { start: previous.start, end: previous.end, text: indent + provenance };
  }
  return { start: src.lines[line].start, end: src.lines[line].start, text: `${indent}${provenance}\n` };
}

// ---------------------------------------------------------------------------------------------------------------
// Lightning: the scheduler goes into configure_optimizers, returned in the form that steps it every batch.

function planLightning(req: InsertionRequest, src: PythonSource, spec: ScheduleSpec, messages: string[]): InsertionPlan {
  const def = src.lines.findIndex((l) => /^def\s+configure_optimizers\s*\(\s*self\b/.test(l.code));
  if (def < 0) {
    throw new UserError('no configure_optimizers(self) method in this file', { hint: 'insert into the LightningModule that defines configure_optimizers, or pick the PyTorch framework' });
  }
  const defIndent = src.lines[def].indent.length;
  let end = def + 1;
  while (end < src.lines.length && (!src.lines[end].code || src.lines[end].indent.length > defIndent)) end++;
  const returns = [];
  for (let l = def + 1; l < end; l++) if (/^return\b/.test(src.lines[l].code)) returns.push(l);
  const ret = returns[returns.length - 1];
  if (ret === undefined) throw new UserError(`configure_optimizers (line ${def + 1}) returns nothing`, { hint: 'return the optimizer, then insert again' });
  const indent = src.lines[ret].indent;
  const retEnd = src.statementEndLine(ret);
  const expr = src.text.slice(src.lines[ret].start + indent.length + 'return'.length, src.lines[retEnd].end).trim();
  const blankExpr = src.blank.slice(src.lines[ret].start + indent.length + 'return'.length, src.lines[retEnd].end).trim();
  const schedulerVar = req.schedulerVar ?? 'scheduler';
  let optimizerVar: string;
  let kind: OptimizerName | undefined;
  let className: string;
  const lines: string[] = [];
  const call = /^(?:torch\s*\.\s*)?(?:optim\s*\.\s*)?([A-Z]\w*)\s*\(/.exec(blankExpr);
  if (call) {
    optimizerVar = req.optimizerVar ?? 'optimizer';
    className = call[1];
    const open = src.lines[ret].start + src.text.slice(src.lines[ret].start).indexOf('(', indent.length + 6);
    kind = optimizerKind(className, keywordArguments(src, open));
    lines.push(`${optimizerVar} = ${expr}`);
  } else if (/^[A-Za-z_][\w.]*$/.test(blankExpr)) {
    optimizerVar = blankExpr;
    const found = chooseOptimizer(findOptimizers(src).filter((o) => o.line > def && o.line < ret), optimizerVar);
    kind = found?.kind;
    className = found?.className ?? 'the optimizer';
  } else {
    throw new UserError(`configure_optimizers (line ${ret + 1}) returns \`${expr.split('\n')[0]}\`, not an optimizer`, {
      hint: 'return the optimizer (`return torch.optim.SGD(...)` or `return optimizer`), then insert again',
    });
  }
  const code = torchSchedulerCode({ spec, optimizerVar, schedulerVar, optimizer: kind, torchVersion: req.torchVersion, stepsPerEpoch: req.stepsPerEpoch });
  if (kind) describeMomentum(code, { variable: optimizerVar, className, kind, line: ret, endLine: ret }, messages);
  const provenance = `${PROVENANCE_PREFIX} ${req.provenance ? `numbers from the ${req.provenance}` : 'default numbers: run a range test (Cyclical LR: Run Range Test) to tune them'}.`;
  lines.push(
    provenance,
    ...code.before,
    `${schedulerVar} = ${renderConstructor(code.className, optimizerVar, code.args)}`,
    '# "interval": "step" makes Lightning call scheduler.step() after every optimizer step, not once per epoch.',
    `return {"optimizer": ${optimizerVar}, "lr_scheduler": {"scheduler": ${schedulerVar}, "interval": "step", "frequency": 1}}`,
  );
  const edits: TextEdit[] = [{ start: src.lines[ret].start, end: src.afterLine(retEnd), text: indentBlock(lines, indent) + '\n' }];
  edits.push(...importEdits(src, code.imports, code.needsMath));
  const result = applyEdits(req.source, edits);
  return {
    edits: edits.sort((a, b) => a.start - b.start),
    result,
    schedule: code.schedule,
    action: 'inserted',
    optimizer: kind ? { variable: optimizerVar, className, kind } : undefined,
    step: 'lightning',
    schedulerLine: result.split('\n').findIndex((l) => l.trimStart().startsWith(`${schedulerVar} = ${code.className}(`)),
    messages,
  };
}
