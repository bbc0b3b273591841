// The optimizers a Python file builds: `name = torch.optim.Adam(...)` (or `optim.SGD`, `SGD`), with the class
// and whether SGD gets momentum, so that the scheduler is written for what the user trains with.

import { evaluateLiteral, splitArguments } from '../schedulerCallParser';
import { OptimizerName } from '../types';
import { PythonSource } from './pythonSource';

export interface OptimizerAssignment {
  /** The variable: `optimizer`, `opt`, `self.optimizer`, … */
  variable: string;
  className: string;
  kind: OptimizerName;
  /** 0-based line of the assignment, and the last line of its statement. */
  line: number;
  endLine: number;
}

const CLASSES = 'SGD|Adam|AdamW|RMSprop|Adagrad|Adadelta|Adamax|NAdam|RAdam|ASGD|LBFGS|SparseAdam|Rprop';
/** Conventional names, most likely first, to choose among several optimizers when nothing else tells. */
const USUAL_NAMES = ['optimizer', 'opt', 'self.optimizer', 'optim', 'self.opt', 'optimiser'];

/** Maps a torch.optim class and its arguments to what decides momentum cycling. */
export function optimizerKind(className: string, args: Record<string, string>): OptimizerName {
  switch (className) {
    case 'SGD': {
      const momentum = args.momentum === undefined ? 0 : evaluateLiteral(args.momentum);
      // A momentum that is not a literal (a config value) is taken as set: that is why it is configurable.
      if (momentum === 0 || momentum === null) return 'sgd';
      return evaluateLiteral(args.nesterov ?? 'False') === true ? 'nesterov' : 'momentum';
    }
    case 'Adam':
    case 'Adamax':
    case 'NAdam':
    case 'RAdam':
      return 'adam';
    case 'AdamW':
      return 'adamw';
    case 'RMSprop':
      return 'rmsprop';
    default:
      // Adagrad, Adadelta, LBFGS, … have neither `momentum` nor `betas`: like plain SGD for the scheduler.
      return 'sgd';
  }
}

/** Keyword arguments of the call whose '(' is at `open`, by name (values as source text). */
export function keywordArguments(source: PythonSource, open: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of splitArguments(source.code, source.blank, open) ?? []) {
    const kw = /^\s*([A-Za-z_]\w*)\s*=(?!=)([\s\S]*)$/.exec(arg.text);
    if (kw) out[kw[1]] = kw[2].trim();
  }
  return out;
}

export function findOptimizers(source: PythonSource): OptimizerAssignment[] {
  const pattern = new RegExp(String.raw`^([ \t]*)([A-Za-z_][\w.]*)\s*=\s*(?:torch\s*\.\s*)?(?:optim\s*\.\s*)?(${CLASSES})\s*\(`, 'gm');
  const found: OptimizerAssignment[] = [];
  for (let m = pattern.exec(source.blank); m; m = pattern.exec(source.blank)) {
    const open = m.index + m[0].length - 1;
    const line = source.lineAt(m.index + m[1].length);
    found.push({ variable: m[2], className: m[3], kind: optimizerKind(m[3], keywordArguments(source, open)), line, endLine: source.statementEndLine(line) });
  }
  return found;
}

/**
 * The optimizer the scheduler drives: the one named `variable` when given; else the only one; else the nearest
 * above the cursor; else the one with the most usual name.
 */
export function chooseOptimizer(candidates: OptimizerAssignment[], variable?: string, cursorLine?: number): OptimizerAssignment | undefined {
  if (variable !== undefined) return [...candidates].reverse().find((c) => c.variable === variable);
  if (candidates.length <= 1) return candidates[0];
  if (cursorLine !== undefined) {
    const above = candidates.filter((c) => c.line <= cursorLine);
    if (above.length) return above[above.length - 1];
  }
  const rank = (c: OptimizerAssignment) => {
    const i = USUAL_NAMES.indexOf(c.variable);
    return i < 0 ? USUAL_NAMES.length : i;
  };
  return [...candidates].sort((a, b) => rank(a) - rank(b) || a.line - b.line)[0];
}
