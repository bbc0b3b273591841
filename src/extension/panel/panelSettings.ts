import * as vscode from 'vscode';
import { MAX_BATCH_SIZE, MAX_ITERATIONS, MAX_RUNS } from '../../core/limits';
import type { PanelRunRequest } from '../../core/wire/panelChannel';
import {
  BACKENDS,
  DEFAULT_RANGE_TEST_CONFIG,
  defaultStartLr,
  MODEL_PRESETS,
  OPTIMIZERS,
  RangeTestConfig,
  STEP_MODES,
} from '../../core/types';
import { readSetting } from '../readSetting';

// The `cyclicalLr.*` settings (contributes.configuration in package.json) give the panel's form its defaults
// and fill the parts of a RangeTestConfig the form does not show. A setting with a value VS Code's schema
// check let through but we cannot use falls back to the built-in default rather than failing a run.

function setting<T>(config: vscode.WorkspaceConfiguration, key: string, valid: (v: unknown) => boolean, fallback: T): T {
  const value = readSetting(config, key);
  return valid(value) ? (value as T) : fallback;
}

const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
const oneOf = (values: readonly string[]) => (v: unknown) => typeof v === 'string' && values.includes(v);

/** The full configuration the settings describe, for `dataset`. */
export function configFromSettings(dataset: string): RangeTestConfig {
  const c = vscode.workspace.getConfiguration('cyclicalLr');
  const d = DEFAULT_RANGE_TEST_CONFIG;
  const optimizer = setting(c, 'optimizer', oneOf(OPTIMIZERS), d.optimizer);
  return {
    ...d,
    dataset,
    model: setting(c, 'model', (v) => oneOf(MODEL_PRESETS)(v) || (typeof v === 'string' && v.endsWith('.json')), d.model),
    optimizer,
    startLr: setting(c, 'startLearningRate', positive, defaultStartLr(optimizer)),
    endLr: setting(c, 'endLearningRate', positive, d.endLr),
    iterations: setting(c, 'iterations', (v) => positiveInt(v) && (v as number) >= 10 && (v as number) <= MAX_ITERATIONS, d.iterations),
    batchSize: setting(c, 'batchSize', (v) => positiveInt(v) && (v as number) <= MAX_BATCH_SIZE, d.batchSize),
    stepMode: setting(c, 'stepMode', oneOf(STEP_MODES), d.stepMode),
    runs: setting(c, 'runs', (v) => positiveInt(v) && (v as number) <= MAX_RUNS, d.runs),
    backend: setting(c, 'backend', oneOf(BACKENDS), d.backend),
    smoothing: setting(c, 'smoothing', (v) => typeof v === 'number' && v >= 0 && v < 1, d.smoothing),
    diverge: setting(c, 'divergenceFactor', (v) => typeof v === 'number' && v > 1, d.diverge),
  };
}

/** The form's initial values. */
export function defaultRunRequest(dataset = ''): PanelRunRequest {
  const c = configFromSettings(dataset);
  return {
    dataset,
    model: c.model,
    optimizer: c.optimizer,
    startLr: c.startLr,
    endLr: c.endLr,
    iterations: c.iterations,
    batchSize: c.batchSize,
    stepMode: c.stepMode,
    runs: c.runs,
  };
}

/** A run request from the panel, completed by the settings it does not carry. */
export function configFromRequest(request: PanelRunRequest): RangeTestConfig {
  const base = configFromSettings(request.dataset);
  const config: RangeTestConfig = { ...base, ...request };
  // Iterations nobody chose (the built-in default, not set in the settings nor changed in the form): the
  // range test sizes the sweep to the dataset, as the CLI does without --iterations.
  const chosen = vscode.workspace.getConfiguration('cyclicalLr').inspect<number>('iterations');
  const userSet = [chosen?.globalValue, chosen?.workspaceValue, chosen?.workspaceFolderValue].some((v) => v !== undefined);
  if (!userSet && request.iterations === DEFAULT_RANGE_TEST_CONFIG.iterations) config.autoIterations = true;
  if (!request.target) delete config.target;
  return config;
}
