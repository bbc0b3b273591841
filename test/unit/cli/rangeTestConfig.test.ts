// What `clr range-test` runs when a flag is left out: the sweep's start follows the optimizer.

import assert from 'node:assert/strict';
import { parseArgs } from '../../../src/cli/args';
import { configFromArgs, RANGE_TEST_FLAGS } from '../../../src/cli/commands/rangeTest';
import { PYTORCH_RANGE_TEST_FLAGS, pytorchConfigFromArgs } from '../../../src/cli/commands/rangeTestPyTorch';

const config = (...argv: string[]) => configFromArgs(parseArgs(['data.csv', ...argv], RANGE_TEST_FLAGS), '/work');

describe('clr range-test: the sweep it runs without --start-lr', () => {
  it('starts at 1e-4 for sgd, momentum and nesterov, at 1e-6 for adam, adamw and rmsprop', () => {
    assert.equal(config().startLr, 1e-4);
    for (const optimizer of ['sgd', 'momentum', 'nesterov']) assert.equal(config('--optimizer', optimizer).startLr, 1e-4, optimizer);
    for (const optimizer of ['adam', 'adamw', 'rmsprop']) assert.equal(config('--optimizer', optimizer).startLr, 1e-6, optimizer);
  });

  it('starts at 1e-6 with --raw: the values\' own scale sets where the loss falls', () => {
    assert.equal(config('--raw').startLr, 1e-6);
    assert.equal(config('--raw', '--optimizer', 'sgd').startLr, 1e-6);
  });

  it('keeps a --start-lr the user gave, with any optimizer', () => {
    assert.equal(config('--start-lr', '1e-7').startLr, 1e-7);
    assert.equal(config('--optimizer', 'adam', '--start-lr', '0.001').startLr, 0.001);
  });

  it('starts the user\'s own PyTorch model at 1e-6 (its optimizer and scale are unknown)', () => {
    const c = pytorchConfigFromArgs(parseArgs(['--pytorch', 'model.py'], PYTORCH_RANGE_TEST_FLAGS), '/work');
    assert.equal(c.startLr, 1e-6);
  });
});
