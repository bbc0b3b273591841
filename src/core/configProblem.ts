// The one check of a range test's settings, shared by the engine (which throws it as a UserError) and the
// protocol validators (which reject a message with it), so that what a validator accepts the engine runs.
import { MAX_BATCH_SIZE, MAX_HIDDEN_LAYERS, MAX_HIDDEN_UNITS, MAX_ITERATIONS, MAX_PARAMETERS, MAX_RUNS } from './limits';
import { groupThousands } from './displayFormat';
import { RangeTestConfig } from './types';

/** What is wrong with one setting, named as its CLI flag. */
export interface ConfigProblem {
  flag: string;
  message: string;
  hint?: string;
}

type Settings = Omit<RangeTestConfig, 'dataset' | 'model' | 'target' | 'optimizer' | 'stepMode' | 'backend' | 'pytorch'>;

const tooMany = (flag: string, value: number, max: number, what: string): ConfigProblem => ({
  flag,
  message: `${value} is more than the ${groupThousands(max)} ${what} we allow`,
  hint: 'ask for fewer',
});

/** Weights between consecutive hidden layers (the input and output layers depend on the data). */
export function hiddenParameters(hidden: readonly number[]): number {
  let total = 0;
  for (let i = 1; i < hidden.length; i++) total += hidden[i - 1] * hidden[i] + hidden[i];
  return total;
}

/** The first problem with the numeric settings of a range test, or null when they are all usable. */
export function rangeTestConfigProblem(config: Settings): ConfigProblem | null {
  const c = config;
  if (!(c.startLr > 0) || !Number.isFinite(c.startLr)) return { flag: 'start-lr', message: `must be a number > 0, got ${c.startLr}` };
  if (!(c.endLr > c.startLr) || !Number.isFinite(c.endLr)) {
    return { flag: 'end-lr', message: `must be above --start-lr (${c.startLr}), got ${c.endLr}`, hint: 'a range test sweeps from a low to a high learning rate' };
  }
  if (!Number.isInteger(c.iterations) || c.iterations < 2) return { flag: 'iterations', message: `must be an integer ≥ 2, got ${c.iterations}` };
  if (c.iterations > MAX_ITERATIONS) return tooMany('iterations', c.iterations, MAX_ITERATIONS, 'iterations');
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1) return { flag: 'batch-size', message: `must be a positive integer, got ${c.batchSize}` };
  if (c.batchSize > MAX_BATCH_SIZE) return tooMany('batch-size', c.batchSize, MAX_BATCH_SIZE, 'rows per batch');
  if (!(c.smoothing >= 0 && c.smoothing < 1)) return { flag: 'smoothing', message: `must be in [0, 1), got ${c.smoothing}` };
  if (!(c.diverge > 1) || !Number.isFinite(c.diverge)) {
    return { flag: 'diverge', message: `must be a number > 1, got ${c.diverge}`, hint: 'it is the factor over the best smoothed loss at which the test stops' };
  }
  if (!Number.isInteger(c.runs) || c.runs < 1) return { flag: 'runs', message: `must be a positive integer, got ${c.runs}` };
  if (c.runs > MAX_RUNS) return tooMany('runs', c.runs, MAX_RUNS, 'runs');
  if (!Number.isSafeInteger(c.seed)) return { flag: 'seed', message: `must be an integer, got ${c.seed}` };
  if (!Number.isInteger(c.valEvery) || c.valEvery < 0) return { flag: 'val-every', message: `must be an integer ≥ 0, got ${c.valEvery}` };
  if (c.valEvery > c.iterations) {
    return {
      flag: 'val-every',
      message: `is ${c.valEvery} but the test has only ${c.iterations} iterations, so no validation loss would be computed`,
      hint: 'lower --val-every or set it to 0',
    };
  }
  if (!(c.momentum >= 0 && c.momentum < 1)) return { flag: 'momentum', message: `must be in [0, 1), got ${c.momentum}` };
  if (!(c.weightDecay >= 0) || !Number.isFinite(c.weightDecay)) return { flag: 'weight-decay', message: `must be a number ≥ 0, got ${c.weightDecay}` };
  if (c.hidden.length > MAX_HIDDEN_LAYERS) return tooMany('hidden', c.hidden.length, MAX_HIDDEN_LAYERS, 'hidden layers');
  for (const units of c.hidden) {
    if (!Number.isInteger(units) || units < 1) return { flag: 'hidden', message: `layer sizes must be positive integers, got ${c.hidden.join(',')}`, hint: 'e.g. --hidden 128,128' };
    if (units > MAX_HIDDEN_UNITS) return tooMany('hidden', units, MAX_HIDDEN_UNITS, 'units per layer');
  }
  const parameters = hiddenParameters(c.hidden);
  if (parameters > MAX_PARAMETERS) return tooMany('hidden', parameters, MAX_PARAMETERS, 'weights');
  return null;
}
