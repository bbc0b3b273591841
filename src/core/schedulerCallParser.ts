// Finds `CyclicLR(...)`, `OneCycleLR(...)` and `CosineAnnealingWarmRestarts(...)` calls in Python source and reads
// their literal arguments into a ScheduleSpec, so that an editor can preview the schedule a script will train with.
// Arguments that are not literals (e.g. `steps_per_epoch=len(loader)`) are reported, and the preview uses defaults.
// A `SequentialLR(...)` whose schedulers form a warm-up schedule (LinearLR warm-up, ConstantLR, LinearLR /
// 1-sqrt LambdaLR / CosineAnnealingLR decay, as the insertion writes them) is read as warmup-cosine, wsd or linear-decay.

import { CooldownShape, CyclicMode, ScheduleSpec, validateScheduleSpec, WarmupSpec } from './schedules';
import { DEFAULT_BOUNDS, DEFAULT_SGDR } from './snippets';

export type SchedulerClass = 'CyclicLR' | 'OneCycleLR' | 'CosineAnnealingWarmRestarts' | 'SequentialLR';

export interface SchedulerCall {
  className: SchedulerClass;
  /** Offset of the class name in the source, and its 0-based line and column. */
  offset: number;
  line: number;
  column: number;
  /** The schedule the call describes, with defaults for what could not be read. */
  spec: ScheduleSpec;
  /** PyTorch argument names whose values were not literals (or are invalid) and were replaced by defaults. */
  defaulted: string[];
  /** SequentialLR: the first line of the statements the chain is built from (its phase schedulers, the peak). */
  firstLine?: number;
}

type Literal = number | string | boolean | null;

const SIGNATURES: Record<SchedulerClass, string[]> = {
  CyclicLR: ['optimizer', 'base_lr', 'max_lr', 'step_size_up', 'step_size_down', 'mode', 'gamma', 'scale_fn', 'scale_mode', 'cycle_momentum', 'base_momentum', 'max_momentum', 'last_epoch', 'verbose'],
  OneCycleLR: ['optimizer', 'max_lr', 'total_steps', 'epochs', 'steps_per_epoch', 'pct_start', 'anneal_strategy', 'cycle_momentum', 'base_momentum', 'max_momentum', 'div_factor', 'final_div_factor', 'three_phase', 'last_epoch', 'verbose'],
  CosineAnnealingWarmRestarts: ['optimizer', 'T_0', 'T_mult', 'eta_min', 'last_epoch', 'verbose'],
  SequentialLR: ['optimizer', 'schedulers', 'milestones', 'last_epoch', 'verbose'],
};

/**
 * The source with comments and string contents replaced by spaces (offsets unchanged), so that searching for
 * calls and brackets never matches inside them. Quotes are kept so string literals stay recognizable.
 */
export function blankCommentsAndStrings(source: string, keepStrings = false): string {
  const out = source.split('');
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '#') {
      while (i < source.length && source[i] !== '\n') out[i++] = ' ';
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = source.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      i += quote.length;
      while (i < source.length && !source.startsWith(quote, i)) {
        if (!triple && source[i] === '\n') break;
        // An escaped character (\" or \\) never ends the string.
        const width = source[i] === '\\' ? 2 : 1;
        for (let k = 0; k < width && i < source.length; k++, i++) {
          if (!keepStrings && source[i] !== '\n') out[i] = ' ';
        }
      }
      i += quote.length;
      continue;
    }
    i++;
  }
  return out.join('');
}

/** Top-level comma-separated arguments of the call whose '(' is at `open`; undefined when unbalanced. */
export function splitArguments(source: string, blank: string, open: number): Array<{ text: string; start: number }> | undefined {
  const args: Array<{ text: string; start: number }> = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < blank.length; i++) {
    const c = blank[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) {
        const last = source.slice(start, i);
        if (last.trim()) args.push({ text: last, start });
        return args;
      }
    } else if (c === ',' && depth === 1) {
      args.push({ text: source.slice(start, i), start });
      start = i + 1;
    }
  }
  return undefined;
}

/** Evaluates a Python literal: numbers (with + - * / ** and parentheses), strings, True/False/None. */
export function evaluateLiteral(text: string): Literal | undefined {
  const t = text.trim();
  if (t === 'True') return true;
  if (t === 'False') return false;
  if (t === 'None') return null;
  const str = /^(?:[rRuU])?(['"])(.*)\1$/s.exec(t);
  if (str && !str[2].includes(str[1])) return str[2];
  return evaluateArithmetic(t);
}

function evaluateArithmetic(text: string): number | undefined {
  const tokens = text.match(/\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?|\.\d[\d_]*(?:[eE][+-]?\d+)?|\*\*|[-+*/()]|\S/g);
  if (!tokens) return undefined;
  let pos = 0;
  const peek = () => tokens[pos];
  // expr := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*; unary := ('-'|'+') unary | power;
  // power := atom ('**' unary)?; atom := number | '(' expr ')'
  const expr = (): number | undefined => {
    let value = term();
    while (value !== undefined && (peek() === '+' || peek() === '-')) {
      const op = tokens[pos++];
      const rhs = term();
      if (rhs === undefined) return undefined;
      value = op === '+' ? value + rhs : value - rhs;
    }
    return value;
  };
  const term = (): number | undefined => {
    let value = unary();
    while (value !== undefined && (peek() === '*' || peek() === '/')) {
      const op = tokens[pos++];
      const rhs = unary();
      if (rhs === undefined) return undefined;
      value = op === '*' ? value * rhs : value / rhs;
    }
    return value;
  };
  const unary = (): number | undefined => {
    if (peek() === '-' || peek() === '+') {
      const sign = tokens[pos++] === '-' ? -1 : 1;
      const v = unary();
      return v === undefined ? undefined : sign * v;
    }
    return power();
  };
  const power = (): number | undefined => {
    const base = atom();
    if (base !== undefined && peek() === '**') {
      pos++;
      const exp = unary();
      return exp === undefined ? undefined : base ** exp;
    }
    return base;
  };
  const atom = (): number | undefined => {
    const tok = tokens[pos++];
    if (tok === undefined) return undefined;
    if (tok === '(') {
      const v = expr();
      return tokens[pos++] === ')' ? v : undefined;
    }
    if (/^[\d.]/.test(tok)) {
      const n = Number(tok.replace(/_/g, ''));
      return Number.isFinite(n) ? n : undefined;
    }
    return undefined;
  };
  const value = expr();
  return pos === tokens.length && value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** `lr=` of the optimizer assigned to `name` (e.g. `optimizer = torch.optim.SGD(model.parameters(), lr=0.1)`). */
function optimizerLr(source: string, blank: string, name: string, before: number): number | undefined {
  if (!/^[A-Za-z_][\w.]*$/.test(name)) return undefined;
  const escaped = name.replace(/\./g, '\\.');
  const assign = new RegExp(`(?:^|[^\\w.])${escaped}\\s*=\\s*[\\w.]+\\s*\\(`, 'g');
  let found: number | undefined;
  for (let m = assign.exec(blank); m && m.index < before; m = assign.exec(blank)) {
    const args = splitArguments(source, blank, m.index + m[0].length - 1);
    const lr = args?.map((a) => /^\s*lr\s*=([\s\S]*)$/.exec(a.text)).find((x) => x);
    const value = lr ? evaluateLiteral(lr[1]) : undefined;
    if (typeof value === 'number') found = value;
  }
  return found;
}

/** Every scheduler call in `source`, in order. */
export function parseSchedulerCalls(source: string): SchedulerCall[] {
  const blank = blankCommentsAndStrings(source);
  // Argument texts come from the source without its comments (strings kept, to read `mode="exp_range"`).
  const code = blankCommentsAndStrings(source, true);
  const calls: SchedulerCall[] = [];
  const pattern = /\b(CyclicLR|OneCycleLR|CosineAnnealingWarmRestarts|SequentialLR)\s*\(/g;
  for (let m = pattern.exec(blank); m; m = pattern.exec(blank)) {
    const className = m[1] as SchedulerClass;
    const lineStart = blank.lastIndexOf('\n', m.index) + 1;
    const prefix = blank.slice(lineStart, m.index);
    if (/\b(class|def|import)\s/.test(prefix)) continue;
    const args = splitArguments(code, blank, m.index + m[0].length - 1);
    if (!args) continue;
    const names = SIGNATURES[className];
    const values: Record<string, { text: string; value: Literal | undefined }> = {};
    let positional = true;
    args.forEach((arg, i) => {
      const kw = /^\s*([A-Za-z_]\w*)\s*=(?!=)([\s\S]*)$/.exec(arg.text);
      if (kw) positional = false;
      const name = kw ? kw[1] : positional ? names[i] : undefined;
      const text = kw ? kw[2] : arg.text;
      if (name) values[name] = { text: text.trim(), value: evaluateLiteral(text) };
    });
    const line = source.slice(0, m.index).split('\n').length - 1;
    const optimizerName = values.optimizer?.text ?? '';
    const callStart = m.index;
    if (className === 'SequentialLR') {
      const chain = readWarmupChain(source, code, blank, values.schedulers?.text ?? '', callStart, optimizerName);
      if (chain) calls.push({ className, offset: m.index, line, column: m.index - lineStart, ...chain });
      continue;
    }
    const { spec, defaulted } = toSpec(className, values, () => optimizerLr(code, blank, optimizerName, callStart));
    calls.push({ className, offset: m.index, line, column: m.index - lineStart, spec, defaulted });
  }
  return calls;
}

type ChainPhase = { kind: 'warmup'; steps: number; startFactor: number } | { kind: 'stable'; steps: number } | { kind: 'cosine'; steps: number; etaMin: number } | { kind: CooldownShape; steps: number };

/**
 * The warm-up schedule a `SequentialLR(optimizer, schedulers=[a, b, ...], ...)` chains, from the assignments of a,
 * b, ... above it; undefined when the chain is not one. Step counts written with a name (`4 * steps_per_epoch`) use
 * the name's literal value in the file, else 1 (reported in defaulted).
 */
function readWarmupChain(
  source: string,
  code: string,
  blank: string,
  schedulersText: string,
  before: number,
  optimizerName: string,
): { spec: WarmupSpec; defaulted: string[]; firstLine: number } | undefined {
  const names = /^\[([\w.\s,]*)\]$/.exec(schedulersText.trim())?.[1].split(',').map((n) => n.trim()).filter(Boolean);
  if (!names?.length) return undefined;
  const literal = (name: string) => name.replace(/\./g, '\\.');
  const defaulted: string[] = [];
  const steps = (text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const substituted = text.replace(/[A-Za-z_]\w*/g, (name) => {
      const assigned = lastAssignment(code, blank, name, before);
      const value = assigned === undefined ? undefined : evaluateLiteral(assigned);
      if (typeof value === 'number') return String(value);
      if (!defaulted.includes(`${name} (taken as 1)`)) defaulted.push(`${name} (taken as 1)`);
      return '1';
    });
    const value = evaluateLiteral(substituted);
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
  };
  const phases: ChainPhase[] = [];
  let firstOffset = before;
  for (const name of names) {
    const assign = new RegExp(`(?:^|\\n)[ \\t]*${literal(name)}\\s*=\\s*(?:torch\\.optim\\.lr_scheduler\\.)?(LinearLR|ConstantLR|CosineAnnealingLR|LambdaLR)\\s*\\(`, 'g');
    let found: RegExpExecArray | undefined;
    for (let m = assign.exec(blank); m && m.index < before; m = assign.exec(blank)) found = m;
    if (!found) return undefined;
    firstOffset = Math.min(firstOffset, found.index + (blank[found.index] === '\n' ? 1 : 0));
    if (found[1] === 'LambdaLR') continue; // read below: only the 1-sqrt cool-down is one of ours
    const args = splitArguments(code, blank, found.index + found[0].length - 1) ?? [];
    const kw = (arg: string) => args.map((a) => new RegExp(`^\\s*${arg}\\s*=([\\s\\S]*)$`).exec(a.text)?.[1].trim()).find((x) => x !== undefined);
    const num = (arg: string) => evaluateLiteral(kw(arg) ?? '');
    const total = steps(kw('total_iters') ?? kw('T_max'));
    if (total === undefined) return undefined;
    const [start, end] = [num('start_factor'), num('end_factor')];
    if (found[1] === 'LinearLR' && typeof start === 'number' && start > 0 && start < 1 && end === 1) phases.push({ kind: 'warmup', steps: total, startFactor: start });
    else if (found[1] === 'LinearLR' && start === 1 && end === 0) phases.push({ kind: 'linear', steps: total });
    else if (found[1] === 'ConstantLR' && num('factor') === 1) phases.push({ kind: 'stable', steps: total });
    else if (found[1] === 'CosineAnnealingLR') phases.push({ kind: 'cosine', steps: total, etaMin: typeof num('eta_min') === 'number' ? (num('eta_min') as number) : 0 });
    else return undefined;
  }
  // The 1-sqrt cool-down: LambdaLR(optimizer, lr_lambda=lambda k: 1 - math.sqrt(min(k, D) / (D))).
  for (const name of names) {
    const sqrt = new RegExp(`(?:^|\\n)[ \\t]*${literal(name)}\\s*=\\s*(?:torch\\.optim\\.lr_scheduler\\.)?LambdaLR\\s*\\([^\\n]*1\\s*-\\s*math\\.sqrt\\(\\s*min\\(\\s*\\w+\\s*,\\s*([^)]+?)\\s*\\)`).exec(blank.slice(0, before));
    const total = sqrt ? steps(sqrt[1]) : undefined;
    if (total !== undefined) phases.splice(names.indexOf(name), 0, { kind: '1-sqrt', steps: total });
  }
  if (phases.length !== names.length) return undefined;
  const warmup = phases[0].kind === 'warmup' ? phases[0] : undefined;
  const rest = phases.slice(warmup ? 1 : 0).map((p) => p.kind);
  const policy = rest.join() === 'cosine' ? 'warmup-cosine' : rest.join() === 'linear' ? 'linear-decay' : /^stable,(linear|1-sqrt)$/.test(rest.join()) ? 'wsd' : undefined;
  if (!policy) return undefined;
  const last = phases[phases.length - 1];
  // The peak: set on the optimizer's groups just above the chain (as inserted), else the optimizer's lr.
  const peakText = /\[\s*["']lr["']\s*\]\s*=\s*([^\n]+)\n(?![\s\S]*\[\s*["']lr["']\s*\]\s*=)/.exec(code.slice(0, firstOffset))?.[1];
  const peak = peakText === undefined ? optimizerLr(code, blank, optimizerName, firstOffset) : evaluateLiteral(peakText);
  if (typeof peak !== 'number') defaulted.push('lr (of the optimizer)');
  const candidate: WarmupSpec = {
    policy,
    maxLr: typeof peak === 'number' ? peak : DEFAULT_BOUNDS.maxLr,
    totalSteps: phases.reduce((sum, p) => sum + p.steps, 0),
    warmupSteps: warmup?.steps ?? 0,
    ...(warmup ? { warmupStartFactor: warmup.startFactor } : {}),
    ...(policy === 'wsd' ? { decaySteps: last.steps, cooldown: last.kind as CooldownShape } : {}),
    ...(last.kind === 'cosine' ? { etaMin: last.etaMin } : {}),
  };
  // The lines that build the chain: its phase schedulers and the peak-setting loop with its comment above them.
  let firstLine = source.slice(0, firstOffset).split('\n').length - 1;
  const lines = source.split('\n');
  while (firstLine > 0 && /^\s*(for group in [\w.]+\.param_groups:|group\[["']lr["']\]\s*=|# These schedulers scale)/.test(lines[firstLine - 1])) firstLine--;
  try {
    return { spec: validateScheduleSpec(candidate) as WarmupSpec, defaulted, firstLine };
  } catch {
    return undefined;
  }
}

/** The text assigned to `name` last before `before` (`name = <text>` on one line), if any. */
function lastAssignment(code: string, blank: string, name: string, before: number): string | undefined {
  const pattern = new RegExp(`(?:^|\\n)[ \\t]*${name}\\s*=(?!=)([^\\n]*)`, 'g');
  let text: string | undefined;
  for (let m = pattern.exec(blank); m && m.index < before; m = pattern.exec(blank)) text = code.slice(m.index + m[0].length - m[1].length, m.index + m[0].length);
  return text;
}

function toSpec(
  className: Exclude<SchedulerClass, 'SequentialLR'>,
  values: Record<string, { text: string; value: Literal | undefined }>,
  findOptimizerLr: () => number | undefined,
): { spec: ScheduleSpec; defaulted: string[] } {
  const defaulted: string[] = [];
  const num = (name: string, fallback?: number): number | undefined => {
    const v = values[name];
    if (v === undefined) return fallback;
    if (typeof v.value === 'number') return v.value;
    if (v.value === null) return fallback;
    defaulted.push(name);
    return fallback;
  };
  const bool = (name: string): boolean | undefined => (typeof values[name]?.value === 'boolean' ? (values[name].value as boolean) : undefined);
  const str = (name: string): string | undefined => (typeof values[name]?.value === 'string' ? (values[name].value as string) : undefined);
  const clean = (spec: Record<string, unknown>) => Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined));
  const required = (name: string, fallback: number): number => {
    const value = num(name);
    if (value !== undefined) return value;
    if (!defaulted.includes(name)) defaulted.push(name);
    return fallback;
  };

  let candidate: Record<string, unknown>;
  switch (className) {
    case 'CyclicLR': {
      const mode = str('mode') ?? 'triangular';
      const policy: CyclicMode = mode === 'triangular2' || mode === 'exp_range' ? mode : 'triangular';
      if (values.scale_fn && values.scale_fn.value !== null) defaulted.push('scale_fn');
      candidate = clean({
        policy,
        baseLr: required('base_lr', DEFAULT_BOUNDS.baseLr),
        maxLr: required('max_lr', DEFAULT_BOUNDS.maxLr),
        stepSizeUp: num('step_size_up'),
        stepSizeDown: num('step_size_down'),
        gamma: num('gamma'),
        cycleMomentum: bool('cycle_momentum'),
        baseMomentum: num('base_momentum'),
        maxMomentum: num('max_momentum'),
      });
      break;
    }
    case 'OneCycleLR': {
      const total = num('total_steps');
      const epochs = num('epochs');
      const spe = num('steps_per_epoch');
      const length =
        total !== undefined ? { totalSteps: total } : epochs !== undefined && spe !== undefined ? { epochs, stepsPerEpoch: spe } : undefined;
      if (!length && !defaulted.includes('total_steps')) defaulted.push('total_steps');
      const anneal = str('anneal_strategy');
      candidate = clean({
        policy: 'one-cycle',
        maxLr: required('max_lr', DEFAULT_BOUNDS.maxLr),
        ...(length ?? { totalSteps: 1000 }),
        pctStart: num('pct_start'),
        annealStrategy: anneal === 'cos' || anneal === 'linear' ? anneal : undefined,
        divFactor: num('div_factor'),
        finalDivFactor: num('final_div_factor'),
        threePhase: bool('three_phase'),
        cycleMomentum: bool('cycle_momentum'),
        baseMomentum: num('base_momentum'),
        maxMomentum: num('max_momentum'),
      });
      break;
    }
    case 'CosineAnnealingWarmRestarts': {
      const lr = findOptimizerLr();
      if (lr === undefined) defaulted.push('lr (of the optimizer)');
      candidate = clean({
        policy: 'sgdr',
        maxLr: lr ?? DEFAULT_BOUNDS.maxLr,
        t0: required('T_0', DEFAULT_SGDR.t0),
        tMult: num('T_mult'),
        etaMin: num('eta_min'),
      });
      break;
    }
  }
  // Literal but invalid values (e.g. T_0=0) fall back to defaults one by one, so a preview still opens.
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      return { spec: validateScheduleSpec(candidate), defaulted };
    } catch (error) {
      const field = (error as { field?: string }).field;
      if (!field || !(field in candidate) || field === 'policy') throw error;
      defaulted.push(field);
      delete candidate[field];
      if (field === 'maxLr' || field === 'baseLr') candidate[field] = field === 'maxLr' ? DEFAULT_BOUNDS.maxLr : DEFAULT_BOUNDS.baseLr;
      if (field === 't0') candidate.t0 = DEFAULT_SGDR.t0;
      if (field === 'totalSteps' || field === 'epochs' || field === 'stepsPerEpoch') {
        delete candidate.epochs;
        delete candidate.stepsPerEpoch;
        candidate.totalSteps = 1000;
      }
    }
  }
  throw new Error(`could not make a valid schedule from the ${className} call`);
}
