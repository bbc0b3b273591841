import assert from 'node:assert/strict';
import { warmUpSuggestion } from '../../../src/engine/suggestionWarmUp';

describe('suggestion warm-up', () => {
  it('reads its made-up runs through the whole rule, the resampled interval included', () => {
    const suggestion = warmUpSuggestion();
    assert.ok(suggestion, 'the curve is readable');
    assert.ok(suggestion.clr.baseLr > 0 && suggestion.clr.baseLr < suggestion.clr.maxLr);
    assert.ok(suggestion.clr.maxLrRange, 'the seed interval was computed (the resampling ran)');
  });
});
