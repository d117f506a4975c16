import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argsortByKey } from '../../src/stats/argsort.js';
import { mulberry32, randomIndex } from '../../src/stats/random.js';
import { medianInPlace, selectInPlace } from '../../src/stats/select.js';

describe('statistics internals', () => {
  it('radix argsort skips only the digits every key shares, and still orders like a comparator sort', () => {
    const random = mulberry32(2024);
    const n = 10000;
    const shapes: Record<string, () => number> = {
      // Below 2^21 a double's low word is all zeros: two of the four passes are skipped.
      'token counts': () => Math.floor(random() * 2_000_000),
      'timestamps of one year': () => 1_735_689_600_000 + Math.floor(random() * 31_536_000_000),
      'one repeated key': () => 42,
      'small negative and positive integers': () => Math.floor(random() * 200) - 100,
      'powers of two': () => 2 ** Math.floor(random() * 60),
    };
    for (const [shape, draw] of Object.entries(shapes)) {
      const keys = Float64Array.from({ length: n }, draw);
      const expected = Array.from({ length: n }, (_, i) => i).sort(
        (a, b) => (keys[a] as number) - (keys[b] as number) || a - b,
      );
      expect(Array.from(argsortByKey(keys)), shape).toEqual(expected);
    }
  });

  it('radix argsort orders like a comparator sort, ties included', () => {
    const random = mulberry32(12345);
    const n = 20000; // above the radix threshold
    const pool = [
      -0,
      0,
      -1e300,
      1e300,
      -5e-324,
      5e-324,
      -1.5,
      2.25,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
    ];
    const keys = Float64Array.from({ length: n }, () =>
      random() < 0.3
        ? (pool[Math.floor(random() * pool.length)] as number)
        : (random() - 0.5) * 10 ** Math.floor(random() * 20 - 10),
    );
    const tieBreak = (a: number, b: number) => b - a; // descending index, to prove ties use it
    const order = argsortByKey(keys, tieBreak);
    expect(new Set(order).size).toBe(n);
    let violations = 0;
    for (let i = 1; i < n; i++) {
      const previous = keys[order[i - 1] as number] as number;
      const current = keys[order[i] as number] as number;
      // -0 and 0 compare equal, so they form one tied run ordered by the tie-break.
      if (!(previous <= current) || (previous === current && (order[i - 1] as number) < (order[i] as number)))
        violations++;
    }
    expect(violations).toBe(0);
  });

  it('quickselect finds every order statistic and the median', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 60 }),
        fc.nat(),
        (values, pick) => {
          const sorted = Float64Array.from(values).sort();
          const rank = pick % values.length;
          expect(selectInPlace(Float64Array.from(values), rank)).toBe(sorted[rank]);
          const middle =
            ((sorted[Math.floor((values.length - 1) / 2)] as number) +
              (sorted[Math.floor(values.length / 2)] as number)) /
            2;
          expect(medianInPlace(Float64Array.from(values))).toBe(middle);
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });

  it('seeded generator is reproducible and draws indices in range', () => {
    const first = mulberry32(42);
    const second = mulberry32(42);
    for (let i = 0; i < 100; i++) expect(first()).toBe(second());
    const random = mulberry32(1);
    for (let i = 0; i < 1000; i++) {
      const small = randomIndex(random, 7);
      const large = randomIndex(random, 4.5e10);
      expect(small >= 0 && small < 7 && Number.isInteger(small)).toBe(true);
      expect(large >= 0 && large < 4.5e10 && Number.isInteger(large)).toBe(true);
    }
  });
});
