import fc from 'fast-check';
import { linearRegression } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { Mulberry32, mulberry32, randomIndex } from '../../src/stats/random.js';
import { olsSlope } from '../../src/stats/regression.js';

describe('allocation-free paths give what the library paths give, to the bit', () => {
  it('olsSlope equals simple-statistics linearRegression(...).m', () => {
    const point = fc.tuple(
      fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }),
      fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }),
    );
    fc.assert(
      fc.property(fc.array(point, { minLength: 2, maxLength: 80 }), (points) => {
        const x = points.map(([px]) => px);
        const y = points.map(([, py]) => py);
        const slope = olsSlope(Float64Array.from(x), Float64Array.from(y));
        if (new Set(x).size < 2) return expect(slope).toBeNull();
        expect(Object.is(slope, linearRegression(points.map(([px, py]) => [px, py])).m)).toBe(true);
      }),
      { seed: 12, numRuns: 400 },
    );
  });

  it('Mulberry32 draws the closure sequence, and nextIndex what randomIndex draws', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 2 ** 32 }), (seed, bound) => {
        const closure = mulberry32(seed);
        const object = new Mulberry32(seed);
        const indexClosure = mulberry32(seed);
        const indexObject = new Mulberry32(seed);
        for (let i = 0; i < 20; i += 1) {
          expect(object.next()).toBe(closure());
          expect(indexObject.nextIndex(bound)).toBe(randomIndex(indexClosure, bound));
        }
      }),
      { seed: 13, numRuns: 200 },
    );
  });
});
