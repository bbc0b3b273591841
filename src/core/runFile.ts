// Run files: the JSON Lines a range test inside the user's own training loop writes (python/cyclical_lr,
// runfile.py documents the format), read here by `clr suggest RUN.jsonl`, the run-folder watcher and
// "Open Run File…". A process that was killed leaves no end line and maybe a half-written last line: every
// reader ignores that line rather than failing.

import { UserError } from './errors';
import { CurveError, suggest } from './suggest';
import { CurvePoint, DEFAULT_RANGE_TEST_CONFIG, RangeTestConfig, RangeTestResult, STEP_MODES, StepMode, StopReason, Suggestion } from './types';

export const RUN_FILE_FORMAT = 'cyclical-lr-run';
export const RUN_FILE_EXTENSION = '.jsonl';
/** The run folder under a workspace folder (or the working directory of the training process). */
export const RUN_FOLDER = '.cyclical-lr/runs';

export interface RunFileHeader {
  name: string | null;
  framework: string;
  frameworkVersion: string | null;
  startLr: number;
  endLr: number;
  iterations: number;
  stepMode: StepMode;
  smoothing: number;
  diverge: number;
  worldSize: number;
  host: string | null;
  pid: number | null;
  script: string | null;
  started: string | null;
}

export interface RunFileStep {
  step: number;
  lr: number;
  /** 1-based line of the file. */
  line: number;
  /** NaN where the file holds null (a non-finite loss). */
  loss: number;
  valLoss?: number;
}

export interface RunFileEnd {
  /** completed, diverged, non-finite, loop-ended (the loop stopped calling step), error. */
  stopReason: string;
  seconds: number;
  errorMessage?: string;
}

export interface RunFile {
  header: RunFileHeader;
  steps: RunFileStep[];
  /** Undefined while the run is still going, or when its process was killed. */
  end?: RunFileEnd;
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** True when the text starts with a run file's header line. */
export function isRunFileText(text: string): boolean {
  const first = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
  try {
    const value: unknown = JSON.parse(first);
    return isObject(value) && value.type === 'header' && value.format === RUN_FILE_FORMAT;
  } catch {
    return false;
  }
}

function parseHeader(value: Obj, file: string, line: number): RunFileHeader {
  const config = isObject(value.config) ? value.config : {};
  const startLr = num(config.startLr);
  const endLr = num(config.endLr);
  const iterations = num(config.iterations);
  if (startLr === undefined || endLr === undefined || iterations === undefined) {
    throw new UserError('the header has no startLr, endLr and iterations in its config', { file, line, hint: 'write run files with the cyclical_lr package' });
  }
  const d = DEFAULT_RANGE_TEST_CONFIG;
  return {
    name: str(value.name),
    framework: str(value.framework) ?? 'unknown',
    frameworkVersion: str(value.frameworkVersion),
    startLr,
    endLr,
    iterations,
    stepMode: STEP_MODES.includes(config.stepMode as StepMode) ? (config.stepMode as StepMode) : 'exp',
    smoothing: num(config.smoothing) ?? d.smoothing,
    diverge: num(config.diverge) ?? d.diverge,
    worldSize: num(value.worldSize) ?? 1,
    host: str(value.host),
    pid: num(value.pid) ?? null,
    script: str(value.script),
    started: str(value.started),
  };
}

/**
 * Reads a run file as it grows: push() the bytes appended since the last call (as text) and read `run`.
 * Only complete lines are parsed; the rest waits for its newline.
 */
export class RunFileParser {
  private partial = '';
  private lineNumber = 0;
  private header?: RunFileHeader;
  private readonly steps: RunFileStep[] = [];
  private end?: RunFileEnd;

  constructor(private readonly file: string) {}

  /** Parses the complete lines in `chunk`; returns the steps they added. */
  push(chunk: string): RunFileStep[] {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    const added: RunFileStep[] = [];
    for (const text of lines) {
      this.lineNumber++;
      const step = this.parseLine(text, this.lineNumber);
      if (step) added.push(step);
    }
    return added;
  }

  /** True once the header has been read. */
  get started(): boolean {
    return this.header !== undefined;
  }

  /** The run so far (a half-written last line is not part of it). */
  get run(): RunFile {
    if (!this.header) throw new UserError('not a Cyclical LR run file (no header line)', { file: this.file, line: 1, hint: 'run files are written by the cyclical_lr Python package' });
    return { header: this.header, steps: this.steps, end: this.end };
  }

  private parseLine(text: string, line: number): RunFileStep | undefined {
    if (text.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new UserError('not a JSON line', { file: this.file, line, hint: 'a run file holds one JSON object per line' });
    }
    if (!isObject(value)) throw new UserError('not a JSON object', { file: this.file, line });
    if (this.header === undefined) {
      if (value.type !== 'header' || value.format !== RUN_FILE_FORMAT) {
        throw new UserError('not a Cyclical LR run file (no header line)', { file: this.file, line, hint: 'run files are written by the cyclical_lr Python package' });
      }
      this.header = parseHeader(value, this.file, line);
      return undefined;
    }
    if (value.type === 'step') {
      const lr = num(value.lr);
      if (lr === undefined || typeof value.step !== 'number') throw new UserError('a step line without step and lr', { file: this.file, line });
      const step: RunFileStep = { step: value.step, lr, line, loss: num(value.loss) ?? NaN };
      const valLoss = num(value.valLoss);
      if (valLoss !== undefined) step.valLoss = valLoss;
      this.steps.push(step);
      return step;
    }
    if (value.type === 'end') {
      const error = isObject(value.error) ? `${str(value.error.type) ?? 'Error'}: ${str(value.error.message) ?? ''}` : undefined;
      this.end = { stopReason: str(value.stopReason) ?? 'unknown', seconds: num(value.seconds) ?? 0, errorMessage: error };
    }
    return undefined;
  }
}

/** Parses a whole run file; a half-written last line (no newline) is ignored. */
export function parseRunFile(text: string, file: string): RunFile {
  const parser = new RunFileParser(file);
  parser.push(text);
  return parser.run;
}

/** The curve as `suggest()` reads it, the iterations the sweep was asked for, and whether it stopped on divergence. */
export function runFileCurve(run: RunFile): { lrs: number[]; losses: number[]; beta: number; iterations: number; diverged: boolean } {
  const reason = run.end?.stopReason;
  return {
    lrs: run.steps.map((s) => s.lr),
    losses: run.steps.map((s) => s.loss),
    beta: run.header.smoothing,
    iterations: run.header.iterations,
    diverged: reason === 'diverged' || reason === 'non-finite' || (reason === undefined && run.steps.some((s) => !Number.isFinite(s.loss))),
  };
}

/**
 * The panel's stop reason. A loop that stopped calling step() before the sweep's end chose to end there
 * (its curve is whole, as far as it goes); a run that raised, or whose process was killed, was cut short.
 */
export function runFileStopReason(run: RunFile): StopReason {
  const reason = run.end?.stopReason;
  if (reason === 'loop-ended') return 'completed';
  return reason === 'completed' || reason === 'diverged' || reason === 'non-finite' ? reason : 'cancelled';
}

/** The RangeTestConfig a run file describes (its dataset is the run file itself). */
export function runFileConfig(run: RunFile, file: string): RangeTestConfig {
  const h = run.header;
  return { ...DEFAULT_RANGE_TEST_CONFIG, dataset: file, model: h.script ?? h.framework, hidden: [], startLr: h.startLr, endLr: h.endLr, iterations: h.iterations, stepMode: h.stepMode, smoothing: h.smoothing, diverge: h.diverge };
}

/** The finite points of the run as the panel plots them (EMA from the first step, as the engines compute it). */
export function runFilePoints(steps: readonly RunFileStep[], beta: number, from = 0, avgBefore = 0): { points: CurvePoint[]; avg: number } {
  let avg = avgBefore;
  const points: CurvePoint[] = [];
  for (const s of steps) {
    if (!Number.isFinite(s.loss)) break;
    avg = beta * avg + (1 - beta) * s.loss;
    const point: CurvePoint = { step: s.step, lr: s.lr, loss: s.loss, smoothed: avg / (1 - beta ** (from + points.length + 1)) };
    if (s.valLoss !== undefined) point.valLoss = s.valLoss;
    points.push(point);
  }
  return { points, avg };
}

/** The run as a RangeTestResult (panel, history, export); the suggestion is `clr suggest`'s. */
export function runFileResult(run: RunFile, file: string): RangeTestResult {
  const curve = runFileCurve(run);
  let suggestion: Suggestion;
  try {
    const finderSweep = { lrs: curve.lrs, losses: curve.losses, iterations: Math.max(curve.iterations, curve.losses.length) };
    suggestion = suggest(curve.lrs, curve.losses, { beta: curve.beta, diverged: curve.diverged, finderSweep });
  } catch (error) {
    if (error instanceof CurveError) throw new UserError(`the run has no readable curve: ${error.message}`, { file, hint: error.hint });
    throw error;
  }
  const { points } = runFilePoints(run.steps, curve.beta);
  const seconds = run.end?.seconds ?? 0;
  const result: RangeTestResult = {
    backend: run.header.framework,
    config: runFileConfig(run, file),
    dataset: { path: file, format: 'pytorch', rows: 0, features: 0, featureNames: [], inputShape: [], target: 'loss', task: 'classification', classes: [], warnings: [] },
    lrs: points.map((p) => p.lr),
    losses: points.map((p) => p.loss),
    smoothed: points.map((p) => p.smoothed),
    stopReason: runFileStopReason(run),
    stoppedAt: points.length - 1,
    stepsPerSecond: seconds > 0 ? run.steps.length / seconds : 0,
    suggestion,
  };
  const valLosses = points.filter((p) => p.valLoss !== undefined).map((p): [number, number] => [p.step, p.valLoss as number]);
  if (valLosses.length) result.valLosses = valLosses;
  return result;
}
