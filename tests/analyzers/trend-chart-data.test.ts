import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dailySummaries, ratioHistogram } from '../../src/analyzers/trend-chart-data.js';
import { EfficiencyTrendData } from '../../src/findings/schema.js';
import { median } from '../../src/stats/index.js';
import { analyzeLines, DAY, taskSeries } from '../helpers/records.js';

const DAY_MS = 86_400_000;

describe('efficiency_trend chart data', () => {
  it('per day: n adds up to the series, q1 ≤ median ≤ q3, days ascend and are distinct', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 * DAY_MS }), fc.integer({ min: 0, max: 1e6 })), {
          maxLength: 200,
        }),
        (pairs) => {
          const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
          const days = dailySummaries(
            sorted.map((p) => p[0]),
            sorted.map((p) => p[1]),
          );
          expect(days.reduce((sum, d) => sum + d.n, 0)).toBe(pairs.length);
          for (const [i, d] of days.entries()) {
            expect(d.q1).toBeLessThanOrEqual(d.median);
            expect(d.median).toBeLessThanOrEqual(d.q3);
            if (i > 0) expect(d.day > (days[i - 1]?.day ?? '')).toBe(true);
            const ofDay = sorted
              .filter((p) => new Date(p[0]).toISOString().startsWith(d.day))
              .map((p) => p[1]);
            expect(ofDay.length).toBe(d.n);
            expect(d.median).toBe(median(ofDay));
          }
        },
      ),
    );
  });

  it('the cache-ratio histogram counts every ratio once, 1.0 in the last bin', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true })), (ratios) => {
        const counts = ratioHistogram(ratios);
        expect(counts).toHaveLength(10);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(ratios.length);
      }),
    );
    expect(ratioHistogram([0, 0.05, 0.1, 0.95, 1])).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
  });

  it('the stored finding carries the daily series and a Theil–Sen line that passes through it', () => {
    const tokens = [9000, 8800, 8600, 8400, 8200, 8000, 7800, 7600, 7400, 7200, 7000, 6800];
    const trend = analyzeLines(taskSeries(tokens)).findings.find(
      (f) => f.type === 'efficiency_trend' && f.scope.arm === null,
    );
    const data = EfficiencyTrendData.parse(trend?.data);
    expect(data.daily?.map((d) => d.median)).toEqual(tokens);
    expect(data.cache_read_ratio_histogram).toHaveLength(10);
    // An exactly linear series: the fitted line reproduces every point from origin + slope · days.
    const origin = Date.parse(data.origin as string);
    for (const [i, value] of tokens.entries()) {
      const at = origin + i * DAY;
      expect(
        (data.theil_sen_intercept as number) + ((data.theil_sen_slope as number) * (at - origin)) / DAY_MS,
      ).toBeCloseTo(value, 6);
    }
  });
});
