import fc from 'fast-check';
import { quantileSorted } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { quantile7 } from '../../src/stats/quantiles.js';
import {
  compareItems,
  type RollingItem,
  rollingSeries,
  rollingSeriesOfColumns,
  scopeNameRanks,
} from '../../src/stats/rolling.js';
import { RollingWindow } from '../../src/stats/rolling-window.js';

describe('quantile7 read in place', () => {
  it('matches R quantile(type = 7) on a Float64Array', () => {
    // R: quantile(c(2.5, 7, 1, 9, 4.25), c(0.05, 0.33, 0.95)) gives 1.30, 3.06, 8.60.
    const sorted = new Float64Array([2.5, 7, 1, 9, 4.25]).sort();
    expect(quantile7(sorted, 0.05)).toBeCloseTo(1.3, 12);
    expect(quantile7(sorted, 0.33)).toBeCloseTo(3.06, 12);
    expect(quantile7(sorted, 0.95)).toBeCloseTo(8.6, 12);
    // R: quantile(c(10, 20), 0.5) is 15; quantile(5, 0.99) is 5.
    expect(quantile7(new Float64Array([10, 20]), 0.5)).toBe(15);
    expect(quantile7(new Float64Array([5]), 0.99)).toBe(5);
  });

  it('gives the very same double as simple-statistics quantileSorted, array or typed array', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b);
          const expected = quantileSorted(sorted, p);
          expect(Object.is(quantile7(sorted, p), expected)).toBe(true);
          expect(Object.is(quantile7(Float64Array.from(sorted), p), expected)).toBe(true);
        },
      ),
      { seed: 11, numRuns: 400 },
    );
  });
});

describe('rolling window on typed arrays', () => {
  it('a rolling quantile equals the type-7 quantile of the last `size` values, recomputed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 80 }),
        fc.integer({ min: 1, max: 9 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, size, p) => {
          const window = new RollingWindow(size, { kind: 'quantile', p });
          values.forEach((value, i) => {
            window.push(value);
            const last = values.slice(Math.max(0, i + 1 - size), i + 1).sort((a, b) => a - b);
            expect(window.n).toBe(last.length);
            expect(window.value).toBe(last.length < size ? null : quantile7(last, p));
          });
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });
});

describe('columnar rolling series', () => {
  it('equals the object entry point on the same items, ties broken the same way', () => {
    const item = fc.record({
      at: fc.integer({ min: 0, max: 6 }),
      key: fc.constantFrom('a', 'b', 'c'),
      scope: fc.constantFrom('x', 'y', 'z', null),
      value: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), (items, window) => {
        const scopeNames = ['z', 'y', 'x', 'y'];
        const spec = {
          window,
          aggregate: { kind: 'quantile', p: 0.5 },
          thresholds: { up: 2, down: 1 },
        } as const;
        const columns = {
          length: items.length,
          at: Float64Array.from(items, (i) => i.at),
          value: Float64Array.from(items, (i) => i.value),
          // 'y' has two ids: series are per name, not per id.
          scope: Int32Array.from(items, (i, row) =>
            i.scope === null ? -1 : i.scope === 'y' ? 1 + (row % 2) * 2 : scopeNames.indexOf(i.scope),
          ),
          scopeNames,
          breakTie: (a: number, b: number) => compareItems(items[a] as RollingItem, items[b] as RollingItem),
        };
        expect(rollingSeriesOfColumns(columns, spec)).toEqual(rollingSeries(items, spec));
        const withoutPoints = rollingSeriesOfColumns(columns, { ...spec, keepPoints: false });
        expect(withoutPoints.map(({ points, ...rest }) => rest)).toEqual(
          rollingSeries(items, spec).map(({ points, ...rest }) => rest),
        );
      }),
      { seed: 17, numRuns: 200 },
    );
  });

  it('takes rows already in order as they are, and sorts rows that tie on all but their value', () => {
    const T0 = Date.UTC(2026, 0, 1);
    const spec = { window: 2, aggregate: { kind: 'quantile', p: 1 }, thresholds: null } as const;
    const columnsOf = (items: RollingItem[]) => ({
      length: items.length,
      at: Float64Array.from(items, (i) => i.at),
      value: Float64Array.from(items, (i) => i.value),
      scope: new Int32Array(items.length).fill(-1),
      scopeNames: [],
      breakTie: (a: number, b: number) => compareItems(items[a] as RollingItem, items[b] as RollingItem),
    });
    const inOrder: RollingItem[] = [
      { at: T0, key: 'a', scope: null, value: 1 },
      { at: T0, key: 'a', scope: null, value: 5 },
      { at: T0 + 1, key: 'a', scope: null, value: 2 },
      { at: T0 + 1, key: 'b', scope: null, value: 3 },
    ];
    const valuesOf = (items: RollingItem[]) =>
      rollingSeriesOfColumns(columnsOf(items), spec)[0]?.points.map((p) => p.value);
    expect(valuesOf(inOrder)).toEqual([null, 5, 5, 3]);
    // Swapping the two that tie on time and key: the value decides, the result is the same.
    expect(valuesOf([inOrder[1], inOrder[0], inOrder[2], inOrder[3]] as RollingItem[])).toEqual([
      null,
      5,
      5,
      3,
    ]);
    expect(valuesOf([...inOrder].reverse())).toEqual([null, 5, 5, 3]);
  });

  it('ranks scope ids by name, equal names equal ranks', () => {
    expect([...scopeNameRanks(['planner', 'coder', 'reviewer', 'coder'])]).toEqual([2, 1, 3, 1]);
    expect([...scopeNameRanks([])]).toEqual([]);
  });
});
