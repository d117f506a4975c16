import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/stats/random.js';
import { HysteresisTracker, type RollingItem, rollingSeries } from '../../src/stats/rolling.js';

const SHARE = { kind: 'share' } as const;
const T0 = Date.UTC(2026, 0, 1);

/** Items from a 0/1 outcome list, one per minute, optionally tagged with a scope. */
function history(
  outcomes: readonly number[],
  scope: (i: number) => string | null = () => null,
): RollingItem[] {
  return outcomes.map((value, i) => ({
    at: T0 + i * 60_000,
    key: `item-${String(i).padStart(5, '0')}`,
    scope: scope(i),
    value,
  }));
}

/** The definition, computed the slow way: the share of ones among the last `window` outcomes. */
function naiveShare(outcomes: readonly number[], end: number, window: number): number | null {
  if (end + 1 < window) return null;
  const slice = outcomes.slice(end + 1 - window, end + 1);
  return slice.filter((v) => v === 1).length / window;
}

describe('rolling share', () => {
  it('is undefined until the window is full, then the exact share after every item (seeded history)', () => {
    const random = mulberry32(20260101);
    const outcomes = Array.from({ length: 400 }, () => (random() < 0.8 ? 1 : 0));
    const [global] = rollingSeries(history(outcomes), { window: 50, aggregate: SHARE, thresholds: null });
    expect(global?.points).toHaveLength(400);
    global?.points.forEach((point, i) => {
      expect(point.index).toBe(i);
      expect(point.n).toBe(Math.min(i + 1, 50));
      expect(point.value).toBe(naiveShare(outcomes, i, 50));
    });
    expect(global?.points[48]?.value).toBeNull();
    expect(global?.points[49]?.value).not.toBeNull();
  });

  it('orders by event time, not input order', () => {
    const random = mulberry32(7);
    const outcomes = Array.from({ length: 120 }, () => (random() < 0.5 ? 1 : 0));
    const items = history(outcomes);
    const shuffled = [...items].sort(() => (random() < 0.5 ? -1 : 1));
    const spec = { window: 20, aggregate: SHARE, thresholds: { up: 0.6, down: 0.4 } };
    expect(rollingSeries(shuffled, spec)).toEqual(rollingSeries(items, spec));
  });
});

describe('order independence', () => {
  it('items tying on time and key give the same series whatever their order (scopes differ)', () => {
    const items: RollingItem[] = [
      { at: T0, key: 'a1', scope: 'coder', value: 0 },
      { at: T0 + 1, key: 'a3', scope: 'constructor', value: 1 },
      { at: T0 + 1, key: 'a3', scope: 'coder', value: 1 },
    ];
    const spec = { window: 100, aggregate: SHARE, thresholds: null };
    const expected = rollingSeries(items, spec);
    fc.assert(
      fc.property(fc.shuffledSubarray(items, { minLength: 3, maxLength: 3 }), (shuffled) => {
        expect(rollingSeries(shuffled, spec)).toEqual(expected);
      }),
    );
  });
});

describe('hysteresis', () => {
  it('crosses up and down at the exact items and never flaps between the levels', () => {
    // Window 10, up at 0.8, down at 0.5. Ten successes: full at item 9 with 1.0 → up at 9.
    // Then failures: the share falls by 0.1 per item; it reaches 0.5 at item 14 → down at 14.
    // Then alternate 1/0: the share wobbles at the down level without crossing again. Then ones.
    const outcomes = [
      ...Array(10).fill(1), // 0..9
      ...Array(5).fill(0), // 10..14 → share 0.9, 0.8, 0.7, 0.6, 0.5
      1,
      0,
      1,
      0,
      1,
      0,
      1,
      0,
      1,
      0, // 15..24: wobbles between 0.5 and 0.6
      ...Array(10).fill(1), // 25..34
    ];
    const [global] = rollingSeries(history(outcomes), {
      window: 10,
      aggregate: SHARE,
      thresholds: { up: 0.8, down: 0.5 },
    });
    const crossings = global?.crossings.map((c) => [c.direction, c.index, c.value]);
    // The windows ending at 15..24 stay at or under the down level, moving up and down, with no new
    // crossing; the next up is the first item whose window reaches 0.8 by the definition.
    const upAgain = outcomes.findIndex((_, i) => i > 24 && (naiveShare(outcomes, i, 10) ?? 0) >= 0.8);
    expect(crossings).toEqual([
      ['up', 9, 1],
      ['down', 14, 0.5],
      ['up', upAgain, naiveShare(outcomes, upAgain, 10)],
    ]);
    expect(upAgain).toBe(30);
    const wobble = global?.points.slice(15, 25).map((p) => p.value) ?? [];
    expect(wobble.every((value) => value !== null && value <= 0.5)).toBe(true);
    expect(new Set(wobble).size).toBeGreaterThan(1);
    expect(global?.points[9]?.state).toBe('above');
    expect(global?.points[8]?.state).toBe('unknown');
    expect(global?.points.slice(15, 25).every((p) => p.state === 'below')).toBe(true);
    expect(global?.crossings[0]?.at).toBe(T0 + 9 * 60_000);
  });

  it('starts unknown and stays unknown between the levels', () => {
    const tracker = new HysteresisTracker({ up: 0.85, down: 0.7 });
    expect(tracker.observe(null)).toBeNull();
    expect(tracker.observe(0.8)).toBeNull();
    expect(tracker.state).toBe('unknown');
    expect(tracker.observe(0.7)).toBe('down');
    expect(tracker.observe(0.69)).toBeNull();
    expect(tracker.observe(0.84)).toBeNull();
    expect(tracker.observe(0.85)).toBe('up');
    expect(tracker.observe(0.9)).toBeNull();
  });

  it('property: crossings alternate, each one is at a level, and states between them never change', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 20 }),
        (outcomes, window) => {
          const [global] = rollingSeries(history(outcomes), {
            window,
            aggregate: SHARE,
            thresholds: { up: 0.7, down: 0.3 },
          });
          const crossings = global?.crossings ?? [];
          for (let i = 1; i < crossings.length; i++)
            expect(crossings[i]?.direction).not.toBe(crossings[i - 1]?.direction);
          for (const c of crossings)
            expect(c.direction === 'up' ? c.value >= 0.7 : c.value <= 0.3).toBe(true);
          const changes = (global?.points ?? []).filter(
            (p, i, all) => i > 0 && p.state !== all[i - 1]?.state,
          ).length;
          const firstKnown = (global?.points[0]?.state ?? 'unknown') !== 'unknown' ? 1 : 0;
          expect(changes + firstKnown).toBe(crossings.length);
        },
      ),
    );
  });
});

describe('per-scope windows', () => {
  it('fall back to the global window until the scope has N items, then use their own', () => {
    // Project a: every item succeeds; project b: every item fails; a gets items 0..29, b 30..39.
    const outcomes = [...Array(30).fill(1), ...Array(10).fill(0)];
    const items = history(outcomes, (i) => (i < 30 ? 'a' : 'b'));
    const series = rollingSeries(items, { window: 20, aggregate: SHARE, thresholds: null });
    const [global, a, b] = series;
    expect(series.map((s) => s.scope)).toEqual([null, 'a', 'b']);
    expect(a?.points[18]).toMatchObject({ value: null, n: 19, fallback: true });
    expect(a?.points[19]).toMatchObject({ value: 1, n: 20, fallback: false });
    // b has 10 items < 20: every value is the global window's at that item.
    b?.points.forEach((point, i) => {
      expect(point.fallback).toBe(true);
      expect(point.value).toBe(global?.points[30 + i]?.value);
      expect(point.value).toBe(naiveShare(outcomes, 30 + i, 20));
    });
    expect(b?.current?.value).toBe(0.5);
    expect(b?.items).toBe(10);
  });

  it('index crossings in the scope order', () => {
    const outcomes = [...Array(6).fill(1), ...Array(6).fill(0)];
    const items = history(outcomes, (i) => (i % 2 === 0 ? 'even' : 'odd'));
    const series = rollingSeries(items, { window: 3, aggregate: SHARE, thresholds: { up: 1, down: 0 } });
    const even = series.find((s) => s.scope === 'even');
    // even holds items 0,2,4,6,8,10 (values 1,1,1,0,0,0). At its index 1 (item 2) it has too few
    // items, so the global window of items 0..2 (all ones) decides: up there, not at index 2.
    expect(even?.crossings.map((c) => [c.direction, c.index, c.at])).toEqual([
      ['up', 1, T0 + 2 * 60_000],
      ['down', 5, T0 + 10 * 60_000],
    ]);
  });
});

describe('rolling quantile', () => {
  it('is the R type-7 percentile of the last N values', () => {
    const values = Array.from({ length: 30 }, (_, i) => ((i * 7) % 11) + 1);
    const items = values.map((value, i) => ({
      at: T0 + i,
      key: String(i).padStart(3, '0'),
      scope: null,
      value,
    }));
    const [global] = rollingSeries(items, {
      window: 10,
      aggregate: { kind: 'quantile', p: 0.95 },
      thresholds: null,
    });
    for (let i = 9; i < 30; i++) {
      const sorted = values.slice(i - 9, i + 1).sort((a, b) => a - b);
      const h = 9 * 0.95;
      const lo = Math.floor(h);
      const expected =
        (sorted[lo] as number) + (h - lo) * ((sorted[lo + 1] as number) - (sorted[lo] as number));
      expect(global?.points[i]?.value).toBeCloseTo(expected, 12);
    }
  });

  it('rejects a window below 1', () => {
    expect(() => rollingSeries([], { window: 0, aggregate: SHARE, thresholds: null })).toThrow(RangeError);
  });
});
