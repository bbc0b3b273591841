import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../../core/errors';
import { MAX_TEXT_FILE_BYTES } from '../../core/limits';
import { isRunFileText, parseRunFile, runFileCurve } from '../../core/runFile';
import { readWholeFile } from '../../data/files';
import { CurveError, suggest } from '../../core/suggest';
import { RecordedRun, stepsPerEpoch, suggestFromRecordedRuns } from '../../core/runsSuggestion';
import { rangeTestLrs } from '../../core/schedules';
import { STOP_REASONS, type RangeTestConfig, type Suggestion } from '../../core/types';
import { defineFlags, formatHelp, parseArgs } from '../args';
import type { CliIO } from '../io';

const SPECS = defineFlags({
  json: { kind: { type: 'boolean' }, description: 'print the suggestion as JSON instead of a table' },
  beta: {
    kind: { type: 'number', min: 0, max: 1, exclusiveMax: true },
    description: 'deprecated, no effect: each other finder now smooths as its library does',
  },
  help: { kind: { type: 'boolean' }, description: 'show this help' },
});

const USAGE = 'clr suggest <curve.csv | range-test.json | run.jsonl> [--json]';

/** A curve as read from a file; `lines[i]` is the 1-based file line of point i (CSV only). */
interface LoadedCurve {
  lrs: number[];
  losses: number[];
  lines?: number[];
  diverged?: boolean;
  beta?: number;
  /** Steps the range test was asked for (the finders' trims depend on it). */
  iterations?: number;
  /** A multi-run range test's runs, with its whole lr schedule: the suggestion is recomputed from them. */
  runs?: { recorded: RecordedRun[]; schedule: number[]; seed: number; stepsPerEpoch?: number };
}

const NON_FINITE: Record<string, number> = { nan: NaN, inf: Infinity, '+inf': Infinity, infinity: Infinity, '-inf': -Infinity, '-infinity': -Infinity };

function parseCsv(text: string, file: string): LoadedCurve {
  const rows = text.split(/\r?\n/).map((raw, i) => ({ line: i + 1, raw: raw.trim() })).filter((r) => r.raw !== '' && !r.raw.startsWith('#'));
  if (rows.length === 0) throw new UserError('the file is empty', { file, hint: 'expected a CSV with a header naming lr and loss columns' });
  const separator = rows[0].raw.includes('\t') && !rows[0].raw.includes(',') ? '\t' : ',';
  const split = (raw: string): string[] => raw.split(separator).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const header = split(rows[0].raw).map((h) => h.toLowerCase());
  const lrCol = header.findIndex((h) => h === 'lr' || h === 'learning_rate');
  const lossCol = header.indexOf('loss');
  if (lrCol < 0 || lossCol < 0) {
    throw new UserError(`the header has no '${lrCol < 0 ? 'lr' : 'loss'}' column`, {
      file,
      line: rows[0].line,
      hint: `expected columns lr,loss (found ${header.join(', ')})`,
    });
  }
  const curve: LoadedCurve = { lrs: [], losses: [], lines: [] };
  for (const { line, raw } of rows.slice(1)) {
    const cells = split(raw);
    const cell = (col: number, name: string): string => {
      if (col >= cells.length) throw new UserError(`missing ${name} value`, { file, line, hint: `expected ${header.length} columns` });
      return cells[col];
    };
    const lrText = cell(lrCol, 'lr');
    const lr = lrText === '' ? NaN : Number(lrText);
    if (!Number.isFinite(lr)) {
      throw new UserError(`lr '${lrText}' is not a number`, { file, line, column: lrCol + 1, hint: 'learning rates must be positive numbers' });
    }
    const lossText = cell(lossCol, 'loss');
    const special = NON_FINITE[lossText.toLowerCase()];
    const loss = lossText === '' ? NaN : special ?? Number(lossText);
    if (Number.isNaN(loss) && special === undefined && lossText !== '') {
      throw new UserError(`loss '${lossText}' is not a number`, { file, line, column: lossCol + 1, hint: 'write NaN or inf for a non-finite loss' });
    }
    curve.lrs.push(lr);
    curve.losses.push(loss);
    curve.lines?.push(line);
  }
  return curve;
}

function numberArray(value: unknown, name: string, file: string, allowNull: boolean): number[] {
  if (!Array.isArray(value)) throw new UserError(`'${name}' is missing or not an array`, { file, hint: 'expected the JSON that clr range-test --json writes, with lrs and losses arrays' });
  return value.map((v, i) => {
    // JSON cannot hold NaN or Infinity; JSON.stringify writes them as null.
    if (v === null && allowNull) return NaN;
    if (typeof v !== 'number') throw new UserError(`${name}[${i}] is not a number`, { file });
    return v;
  });
}

function parseJson(text: string, file: string): LoadedCurve {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserError(`not valid JSON (${error instanceof Error ? error.message : String(error)})`, { file });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UserError('expected a JSON object with lrs and losses arrays', { file });
  }
  const record = data as Record<string, unknown>;
  const config = record.config as Record<string, unknown> | undefined;
  const smoothing = typeof config?.smoothing === 'number' && config.smoothing >= 0 && config.smoothing < 1 ? config.smoothing : undefined;
  return {
    runs: recordedRuns(record, file),
    lrs: numberArray(record.lrs, 'lrs', file, false),
    losses: numberArray(record.losses, 'losses', file, true),
    diverged: record.stopReason === 'diverged' || record.stopReason === 'non-finite' ? true : undefined,
    beta: smoothing,
    iterations: Number.isInteger(config?.iterations) && (config?.iterations as number) > 0 ? (config?.iterations as number) : undefined,
  };
}

/** A run file of the cyclical_lr package (also one still being written, or cut off by a kill). */
function parseRun(text: string, file: string): LoadedCurve {
  const run = parseRunFile(text, file);
  return { ...runFileCurve(run), lines: run.steps.map((s) => s.line) };
}

/** The runs of `clr range-test --json` (runs > 1), when the file has them and the settings to rebuild the schedule. */
function recordedRuns(record: Record<string, unknown>, file: string): LoadedCurve['runs'] {
  const config = record.config as Partial<RangeTestConfig> | undefined;
  if (!Array.isArray(record.runCurves) || !config) return undefined;
  const { startLr, endLr, iterations, stepMode, seed, batchSize } = config;
  if (!(typeof startLr === 'number' && typeof endLr === 'number' && Number.isInteger(iterations) && (stepMode === 'exp' || stepMode === 'linear'))) return undefined;
  const recorded = record.runCurves.map((run: unknown, r): RecordedRun => {
    const entry = (run ?? {}) as Record<string, unknown>;
    const stopReason = STOP_REASONS.find((reason) => reason === entry.stopReason);
    if (!stopReason) throw new UserError(`runCurves[${r}].stopReason is missing or unknown`, { file });
    return { losses: numberArray(entry.losses, `runCurves[${r}].losses`, file, true), stopReason };
  });
  const dataset = record.dataset as { rows?: unknown } | undefined;
  const rows = typeof dataset?.rows === 'number' && dataset.rows > 0 ? dataset.rows : undefined;
  return {
    recorded,
    schedule: rangeTestLrs(startLr, endLr, iterations as number, stepMode),
    seed: Number.isInteger(seed) ? (seed as number) : 0,
    stepsPerEpoch: rows && typeof batchSize === 'number' ? stepsPerEpoch(rows, batchSize) : undefined,
  };
}

const fmt = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toPrecision(3));
const fmtRange = (r: [number, number] | undefined): string => (r ? ` (seeds: ${fmt(r[0])}–${fmt(r[1])})` : '');

/** The bounds with their seed interval, and what each other finder's library would have said. */
export function suggestionLines(s: Suggestion): string[] {
  const f = s.finders;
  return [
    `Cyclical bounds (confidence ${s.confidence.toFixed(2)})`,
    `  CyclicLR   base_lr ${fmt(s.clr.baseLr)}${fmtRange(s.clr.baseLrRange)}   max_lr ${fmt(s.clr.maxLr)}${fmtRange(s.clr.maxLrRange)}`,
    `  1cycle     max_lr  ${fmt(s.oneCycle.maxLr)}`,
    'Other finders, as each library computes it on this sweep (— : the library gives none)',
    `  fastai lr_find          valley ${fmt(f?.fastai.valley ?? s.valley)}   slide ${fmt(f?.fastai.slide ?? s.slide)}   minimum ${fmt(f?.fastai.minimum ?? s.minimum)}   steep ${fmt(f?.fastai.steep)}`,
    `  torch-lr-finder         steepest ${fmt(f?.torchLrFinder.steepest ?? s.steepest)}`,
    `  Lightning lr_find       suggestion() ${fmt(f?.lightning.suggestion)}`,
  ];
}

function formatTable(s: Suggestion): string {
  const rows = suggestionLines(s);
  if (s.diagnostics.length) rows.push('Diagnostics', ...s.diagnostics.map((d) => `  - ${d}`));
  return rows.join('\n') + '\n';
}

export async function runSuggest(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, SPECS);
  if (args.flags.help) {
    io.stdout(formatHelp(USAGE, SPECS));
    return 0;
  }
  if (args.positionals.length !== 1) {
    throw new UserError(args.positionals.length ? `expected one curve file, got ${args.positionals.length}` : 'no curve file given', { hint: `usage: ${USAGE}` });
  }
  const file = isAbsolute(args.positionals[0]) ? args.positionals[0] : resolve(io.cwd, args.positionals[0]);
  const text = (await readWholeFile(file, MAX_TEXT_FILE_BYTES, 'curve file')).toString('utf8');
  const curve = isRunFileText(text) ? parseRun(text, file) : /^\s*[{[]/.test(text) ? parseJson(text, file) : parseCsv(text, file);

  let suggestion: Suggestion;
  try {
    const finderSweep = { lrs: curve.lrs, losses: curve.losses, iterations: Math.max(curve.iterations ?? 0, curve.losses.length) };
    suggestion = curve.runs
      ? suggestFromRecordedRuns(curve.runs.recorded, curve.runs.schedule, curve.runs)
      : suggest(curve.lrs, curve.losses, { beta: args.flags.beta ?? curve.beta, diverged: curve.diverged, finderSweep });
  } catch (error) {
    if (error instanceof CurveError) {
      const line = error.index !== undefined ? curve.lines?.[error.index] : undefined;
      throw new UserError(error.message, { file, line, hint: error.hint });
    }
    throw error;
  }
  io.stdout(args.flags.json ? JSON.stringify(suggestion, null, 2) + '\n' : formatTable(suggestion));
  return 0;
}
