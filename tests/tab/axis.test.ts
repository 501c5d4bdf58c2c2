import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { percentTicks } from '../../src/tab/axis.ts';

describe('percentTicks (ceiling charts)', () => {
  it('always reaches 100 % and ends on a round figure above the largest bar', () => {
    assert.deepEqual(percentTicks(42), [0, 25, 50, 75, 100]);
    assert.deepEqual(percentTicks(100), [0, 25, 50, 75, 100]);
    assert.deepEqual(percentTicks(105), [0, 25, 50, 75, 100, 125]);
    assert.deepEqual(percentTicks(240), [0, 50, 100, 150, 200, 250]);
    assert.deepEqual(percentTicks(1730), [0, 500, 1000, 1500, 2000]);
    assert.deepEqual(percentTicks(12_000), [0, 10_000, 20_000]);
  });
});
