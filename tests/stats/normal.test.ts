import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalCdf, normalSurvival } from '../../src/stats/normal.js';

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual / expected - 1);
}

describe('statistics normalCdf', () => {
  it('matches 7-digit reference values of the standard normal CDF', () => {
    // Φ(−1.96) = 0.0249979: Abramowitz & Stegun (1964) table 26.1 lists P(1.96) = 0.9750021.
    expect(relativeError(normalCdf(-1.96), 0.0249979)).toBeLessThan(1e-6);
    // Φ(−5) = 2.8665157e−7, Φ(−10) = 7.619853e−24: R's pnorm(-5), pnorm(-10) (R Core Team, stats::Normal).
    expect(relativeError(normalCdf(-5), 2.8665157e-7)).toBeLessThan(1e-7);
    expect(relativeError(normalCdf(-10), 7.619853e-24)).toBeLessThan(1e-6);
    expect(normalCdf(0)).toBe(0.5);
    expect(relativeError(normalCdf(1.96), 0.9750021)).toBeLessThan(1e-7);
  });

  it('keeps full relative precision deep in the lower tail', () => {
    // mpmath.ncdf at 40-digit working precision (mpmath 1.3), rounded to the nearest double.
    const references: Array<[number, number]> = [
      [-1.96, 0.024997895148220435],
      [-5, 2.866515718791939e-7],
      [-10, 7.619853024160525e-24],
      [-20, 2.7536241186062337e-89],
      [-30, 4.906713927148187e-198],
      [-37, 5.725571222524577e-300],
      [-0.5, 0.3085375387259869],
      [0.3, 0.6179114221889527],
      [3, 0.9986501019683699],
      [6, 0.9999999990134123],
    ];
    for (const [z, expected] of references) {
      expect(relativeError(normalCdf(z), expected), `z = ${z}`).toBeLessThan(1e-14);
    }
  });

  it('saturates beyond the representable range and propagates NaN', () => {
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalCdf(Number.NaN)).toBeNaN();
    expect(relativeError(normalSurvival(5), 2.866515718791939e-7)).toBeLessThan(1e-14);
  });

  it('is monotone and symmetric', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -9, max: 9, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (z, step) => {
          expect(normalCdf(z + step)).toBeGreaterThanOrEqual(normalCdf(z));
          expect(Math.abs(normalCdf(z) + normalCdf(-z) - 1)).toBeLessThan(1e-15);
        },
      ),
      { seed: 20240601, numRuns: 500 },
    );
  });
});
