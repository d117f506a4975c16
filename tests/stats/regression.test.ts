import { describe, expect, it } from 'vitest';
import { olsSlope, slopeSign } from '../../src/stats/regression.js';

describe('statistics OLS slope and sign', () => {
  it('recovers an exact line and a textbook fit', () => {
    expect(olsSlope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2, 12);
    // Least squares through (1,1), (2,2), (3,2): slope = Sxy / Sxx = 1 / 2.
    expect(olsSlope([1, 2, 3], [1, 2, 2])).toBeCloseTo(0.5, 12);
    // Centring keeps millisecond timestamps well conditioned.
    expect(olsSlope([1.7e12, 1.7e12 + 1000, 1.7e12 + 2000], [5, 6, 7])).toBeCloseTo(0.001, 12);
  });

  it('returns null without two distinct x and rejects bad input', () => {
    expect(olsSlope([], [])).toBeNull();
    expect(olsSlope([3], [1])).toBeNull();
    expect(olsSlope([2, 2, 2], [1, 5, 9])).toBeNull();
    expect(() => olsSlope([1, 2], [1])).toThrow(RangeError);
    expect(() => olsSlope([1, 2], [1, Number.NaN])).toThrow(RangeError);
  });

  it('classifies signs with an optional dead band', () => {
    expect(slopeSign(0.2)).toBe(1);
    expect(slopeSign(-0.2)).toBe(-1);
    expect(slopeSign(0)).toBe(0);
    expect(slopeSign(-0)).toBe(0);
    expect(slopeSign(0.05, 0.1)).toBe(0);
    expect(slopeSign(-0.15, 0.1)).toBe(-1);
    expect(slopeSign(Number.NaN)).toBe(0);
  });
});
