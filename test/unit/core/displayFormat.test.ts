// Counts and dates in the panel, the status bar and messages, written without Intl.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatWhen, groupThousands } from '../../../src/core/displayFormat';

describe('groupThousands', () => {
  it('writes integers, and the axis ticks\' short fractions, as toLocaleString("en-US") writes them', () => {
    for (const value of [0, 7, 999, 1000, 12_345, 100_000, 1_234_567, -1234, 0.5, 0.0001, 1234.5678, 0.85, 0.875, 9_999.9996, 2 ** 53]) {
      assert.equal(groupThousands(value), value.toLocaleString('en-US'), String(value));
    }
    fc.assert(fc.property(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), (n) => groupThousands(n) === n.toLocaleString('en-US')));
  });

  it('leaves what is not a finite number, and numbers beyond 1e21, as String writes them', () => {
    assert.equal(groupThousands(NaN), 'NaN');
    assert.equal(groupThousands(Infinity), 'Infinity');
    assert.equal(groupThousands(1e21), '1e+21');
  });

  it('writes when a run was made in local time, to the minute', () => {
    assert.equal(formatWhen(new Date(2026, 11, 3, 9, 5, 59)), '2026-12-03 09:05');
    assert.equal(formatWhen(new Date(999, 0, 1, 0, 0)), '999-01-01 00:00');
  });
});
