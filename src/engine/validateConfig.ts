// Checks a RangeTestConfig before any work starts; every problem is a UserError naming the setting.
import { UserError } from '../core/errors';
import { RangeTestConfig } from '../core/types';

export function validateConfig(config: RangeTestConfig): void {
  const bad = (flag: string, message: string, hint?: string): never => {
    throw new UserError(`--${flag}: ${message}`, { hint });
  };
  if (!(config.startLr > 0) || !Number.isFinite(config.startLr)) bad('start-lr', `must be a number > 0, got ${config.startLr}`);
  if (!(config.endLr > config.startLr) || !Number.isFinite(config.endLr)) {
    bad('end-lr', `must be above --start-lr (${config.startLr}), got ${config.endLr}`, 'a range test sweeps from a low to a high learning rate');
  }
  if (!Number.isInteger(config.iterations) || config.iterations < 2) bad('iterations', `must be an integer ≥ 2, got ${config.iterations}`);
  if (!Number.isInteger(config.batchSize) || config.batchSize < 1) bad('batch-size', `must be a positive integer, got ${config.batchSize}`);
  if (!(config.smoothing >= 0 && config.smoothing < 1)) bad('smoothing', `must be in [0, 1), got ${config.smoothing}`);
  if (!(config.diverge > 1)) bad('diverge', `must be > 1, got ${config.diverge}`, 'it is the factor over the best smoothed loss at which the test stops');
  if (!Number.isInteger(config.runs) || config.runs < 1) bad('runs', `must be a positive integer, got ${config.runs}`);
  if (!Number.isInteger(config.seed)) bad('seed', `must be an integer, got ${config.seed}`);
  if (!Number.isInteger(config.valEvery) || config.valEvery < 0) bad('val-every', `must be an integer ≥ 0, got ${config.valEvery}`);
  if (config.valEvery > config.iterations) {
    bad('val-every', `is ${config.valEvery} but the test has only ${config.iterations} iterations, so no validation loss would be computed`, 'lower --val-every or set it to 0');
  }
  if (!(config.momentum >= 0 && config.momentum < 1)) bad('momentum', `must be in [0, 1), got ${config.momentum}`);
  if (!(config.weightDecay >= 0) || !Number.isFinite(config.weightDecay)) bad('weight-decay', `must be a number ≥ 0, got ${config.weightDecay}`);
}
