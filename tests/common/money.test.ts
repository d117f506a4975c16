import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dollarsFromMicros } from '../../src/common/money.js';

describe('dollarsFromMicros', () => {
  it.each([
    [0, '$0.00'],
    [1, '<$0.01'],
    [4_999, '<$0.01'],
    [5_000, '$0.01'],
    [14_999, '$0.01'],
    [15_000, '$0.02'],
    [994_999, '$0.99'],
    [995_000, '$1.00'],
    // (1.005).toFixed(2) is "1.00" in binary floating point; the integer rounding says $1.01.
    [1_005_000, '$1.01'],
    [1_004_999, '$1.00'],
    [2_675_000, '$2.68'],
    [1_234_567_890, '$1,234.57'],
    [-1_005_000, '-$1.01'],
  ])('%i micros is %s', (micros, dollars) => {
    expect(dollarsFromMicros(micros)).toBe(dollars);
  });

  it('shows a missing amount as a dash', () => {
    expect(dollarsFromMicros(null)).toBe('–');
    expect(dollarsFromMicros(undefined)).toBe('–');
  });

  it('property: the shown amount is within half a cent of the exact one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5_000, max: 1e13 }), (micros) => {
        const shown = Number(dollarsFromMicros(micros).replace(/[$,]/g, ''));
        expect(Math.abs(Math.round(shown * 100) * 10_000 - micros)).toBeLessThanOrEqual(5_000);
      }),
      { seed: 6 },
    );
  });
});
