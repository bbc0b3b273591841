// A range test from a configuration alone: opens the dataset it names, then runs the test on it.
import { RangeTestConfig, RangeTestResult } from '../core/types';
import { openDataset } from '../data/index';
import { RangeTestOptions, runRangeTestOnDataset } from './rangeTest';
import { validateConfig } from './validateConfig';

export async function runRangeTest(config: RangeTestConfig, options: RangeTestOptions = {}): Promise<RangeTestResult> {
  // Flag mistakes are reported before a possibly slow dataset read.
  validateConfig(config);
  const dataset = await openDataset(config.dataset, { target: config.target, raw: config.raw === true });
  return runRangeTestOnDataset(config, dataset, options);
}
