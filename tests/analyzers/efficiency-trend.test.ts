import { describe, expect, it } from 'vitest';
import { cacheReadRatio } from '../../src/analyzers/efficiency-trend.js';
import type { FindingDraft, FindingDraftOf } from '../../src/findings/schema.js';
import { ofType } from '../helpers/findings.js';
import { analyzeLines, DAY, dispatchLine, finalizeLine, T0, taskSeries } from '../helpers/records.js';

function trends(findings: FindingDraft[]): Map<string | null, FindingDraftOf<'efficiency_trend'>> {
  return new Map(ofType(findings, 'efficiency_trend').map((f) => [f.scope.arm, f]));
}

const descending = [9100, 8800, 8650, 8200, 8300, 7700, 7500, 7600, 7000, 6800, 6500, 6600];
const ascending = [...descending].reverse();
const flat = [5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000];
const noisyFlat = [5100, 4900, 5050, 4950, 5000, 5120, 4880, 5020, 4980, 5060, 4940, 5000];

describe('efficiency_trend', () => {
  it('a descending series passes', () => {
    const trend = trends(analyzeLines(taskSeries(descending)).findings).get(null);
    expect(trend?.verdict).toBe('pass');
    expect(trend?.data.direction).toBe('decreasing');
    expect(trend?.data.slope_sign).toBe(-1);
    expect(trend?.data.n).toBe(12);
    expect(trend?.data.mk_p_value as number).toBeLessThan(0.001);
    expect(trend?.data.theil_sen_slope as number).toBeLessThan(0);
    expect(trend?.data.first_decile_median).toBe(8950);
    expect(trend?.data.last_decile_median).toBe(6550);
  });

  it('a flat series fails, a noisy flat series fails, an ascending series fails', () => {
    for (const series of [flat, noisyFlat]) {
      const trend = trends(analyzeLines(taskSeries(series)).findings).get(null);
      expect(trend?.verdict).toBe('fail');
      expect(trend?.data.direction).toBe('flat');
    }
    const rising = trends(analyzeLines(taskSeries(ascending)).findings).get(null);
    expect(rising?.verdict).toBe('fail');
    expect(rising?.data.direction).toBe('increasing');
    expect(rising?.data.slope_sign).toBe(1);
  });

  it('fewer points than --min-samples are inconclusive; two points always are', () => {
    const few = trends(analyzeLines(taskSeries(descending.slice(0, 6))).findings).get(null);
    expect(few?.verdict).toBe('inconclusive');
    expect(
      trends(analyzeLines(taskSeries(descending.slice(0, 6)), { minSamples: 5 }).findings).get(null)?.verdict,
    ).toBe('pass');
    expect(trends(analyzeLines(taskSeries([900, 100]), { minSamples: 1 }).findings).get(null)?.verdict).toBe(
      'inconclusive',
    );
    expect(
      trends(analyzeLines(taskSeries([900, 500, 100]), { minSamples: 1 }).findings).get(null)?.verdict,
    ).toBe('inconclusive');
  });

  it('reports one series per arm and one over all arms', () => {
    const lines = [...taskSeries(descending, { agent: 'coder' }), ...taskSeries(flat, { agent: 'reviewer' })];
    const byArm = trends(analyzeLines(lines).findings);
    expect([...byArm.keys()]).toEqual([null, 'coder', 'reviewer']);
    expect(byArm.get('coder')?.verdict).toBe('pass');
    expect(byArm.get('reviewer')?.verdict).toBe('fail');
    expect(byArm.get(null)?.data.n).toBe(24);
    expect(byArm.get('coder')?.id).not.toBe(byArm.get('reviewer')?.id);
  });

  it('counts only completed tasks; --require-acceptance also needs acceptance_passed', () => {
    const lines = taskSeries(descending).map((line, i) =>
      i === 1 ? line.replace('"acceptance_passed":true', '"acceptance_passed":false') : line,
    );
    lines.push(dispatchLine({ attempt_id: 'f', prompt_fingerprint: 'f', ts_dispatched: T0 }));
    lines.push(
      finalizeLine({
        attempt_id: 'f',
        prompt_fingerprint: 'f',
        status: 'failed',
        ts_completed: T0 + 1,
        input_tokens: 1,
      }),
    );
    expect(trends(analyzeLines(lines).findings).get(null)?.data.n).toBe(12);
    expect(trends(analyzeLines(lines, { requireAcceptance: true }).findings).get(null)?.data.n).toBe(11);
  });

  it('leaves out completed tasks without input_tokens and says how many', () => {
    const lines = [
      ...taskSeries(descending),
      dispatchLine({ attempt_id: 'x', prompt_fingerprint: 'x' }),
      finalizeLine({ attempt_id: 'x', prompt_fingerprint: 'x', input_tokens: undefined }),
    ];
    const trend = trends(analyzeLines(lines).findings).get(null);
    expect(trend?.data.n).toBe(12);
    expect(trend?.data.excluded_missing_input_tokens).toBe(1);
    expect(trend?.description).toMatch(/1 completed task had no input_tokens and was left out/);
  });

  it('summarises the cache-read ratio of the series', () => {
    expect(
      cacheReadRatio({ inputTokens: 600, cacheReadTokens: 300, cacheCreationTokens: 100 } as never),
    ).toBeCloseTo(0.3);
    expect(
      cacheReadRatio({ inputTokens: 0, cacheReadTokens: 0, cacheCreationTokens: 0 } as never),
    ).toBeNull();
    const lines = [0, 1, 2, 3].flatMap((i) => [
      dispatchLine({ attempt_id: `a${i}`, prompt_fingerprint: `f${i}`, ts_dispatched: T0 + i * DAY }),
      finalizeLine({
        attempt_id: `a${i}`,
        prompt_fingerprint: `f${i}`,
        ts_completed: T0 + i * DAY + 1,
        input_tokens: 100,
        cache_read_tokens: i * 100,
        cache_creation_tokens: 0,
      }),
    ]);
    const ratio = trends(analyzeLines(lines).findings).get(null)?.data.cache_read_ratio as Record<
      string,
      number
    >;
    // ratios 0, 0.5, 2/3, 0.75 → R type 7 quantiles
    expect(ratio.n).toBe(4);
    expect(ratio.p50).toBeCloseTo((0.5 + 2 / 3) / 2);
    expect(ratio.mean).toBeCloseTo((0 + 0.5 + 2 / 3 + 0.75) / 4);
    expect(ratio.p10).toBeCloseTo(0 + 0.3 * 0.5);
  });

  it('a steady fall over a dozen tasks passes with the default min-samples, and the OLS slope is in tokens per day', () => {
    const steady = Array.from({ length: 12 }, (_, i) => 5000 - 100 * i);
    const trend = trends(analyzeLines(taskSeries(steady)).findings).get(null);
    expect(trend?.verdict).toBe('pass');
    expect(trend?.data.ols_slope).toBeCloseTo(-100, 6);
    expect(trend?.data.theil_sen_slope).toBeCloseTo(-100, 6);
  });

  it('produces no trend finding when no task completed', () => {
    expect(trends(analyzeLines([dispatchLine()]).findings).size).toBe(0);
  });

  describe('--min-effect', () => {
    // 200 daily tasks, one token fewer each day: Mann–Kendall is as sure as it gets (p < 1e-6),
    // but the fitted line falls 199 of 5000 tokens, 3.98%.
    const slight = Array.from({ length: 200 }, (_, i) => 5000 - i);

    it('reports the effect (the line’s fall over the span over its start level) and the minimum in data', () => {
      const trend = trends(analyzeLines(taskSeries(slight), { minEffect: 0.05 }).findings).get(null);
      expect(trend?.data.effect).toBeCloseTo(199 / 5000, 9);
      expect(trend?.data.min_effect).toBe(0.05);
      const steady = Array.from({ length: 12 }, (_, i) => 5000 - 100 * i);
      const fall = trends(analyzeLines(taskSeries(steady), { minEffect: 0.05 }).findings).get(null);
      // −100 tokens/day over 11 days from a start of 5000.
      expect(fall?.data.effect).toBeCloseTo(1100 / 5000, 9);
      expect(fall?.verdict).toBe('pass');
      expect(fall?.description).toMatch(
        /trending down for all arms: the fitted line falls by 22% over 11 days/,
      );
    });

    it('a significant fall below the minimum effect is inconclusive, and says why', () => {
      const trend = trends(analyzeLines(taskSeries(slight), { minEffect: 0.05 }).findings).get(null);
      expect(trend?.data.direction).toBe('decreasing');
      expect(trend?.data.mk_p_value as number).toBeLessThan(1e-6);
      expect(trend?.verdict).toBe('inconclusive');
      // A p-value this small is written as a bound, not as 1.8e-98.
      expect(trend?.description).toBe(
        `Input tokens per completed task fall significantly for all arms, but the fitted line's fall (4% over 199 days) is below the minimum effect of 5% (-1 tokens/day, Mann–Kendall p < 0.0001, n = 200).`,
      );
      expect(trend?.evidence).toContain('effect 4% (min 5%)');
      // The same series passes when the minimum allows a 3.98% fall, or is turned off.
      expect(trends(analyzeLines(taskSeries(slight), { minEffect: 0.035 }).findings).get(null)?.verdict).toBe(
        'pass',
      );
      expect(trends(analyzeLines(taskSeries(slight), { minEffect: 0 }).findings).get(null)?.verdict).toBe(
        'pass',
      );
    });

    it('applies to each arm as to the whole', () => {
      const lines = [
        ...taskSeries(slight, { agent: 'slow' }),
        ...taskSeries(
          Array.from({ length: 200 }, (_, i) => 9000 - 20 * i),
          { agent: 'fast' },
        ),
      ];
      const byArm = trends(analyzeLines(lines, { minEffect: 0.05 }).findings);
      expect(byArm.get('slow')?.verdict).toBe('inconclusive');
      expect(byArm.get('slow')?.data.min_effect).toBe(0.05);
      expect(byArm.get('fast')?.verdict).toBe('pass');
      expect(byArm.get('fast')?.data.effect).toBeCloseTo((20 * 199) / 9000, 9);
    });

    it('never calls a series "trending down" when its decile medians rose; it says why the two disagree', () => {
      // Low at both ends, a long fall in between: the slope is down, the last decile above the first.
      const uneven = [
        ...Array.from({ length: 10 }, () => 1000),
        ...Array.from({ length: 80 }, (_, i) => 9000 - 80 * i),
        ...Array.from({ length: 10 }, () => 1100),
      ];
      for (const minEffect of [0.05, 0.99]) {
        const trend = trends(analyzeLines(taskSeries(uneven), { minEffect }).findings).get(null);
        expect(trend?.data.direction).toBe('decreasing');
        expect(trend?.data.last_decile_median as number).toBeGreaterThan(
          trend?.data.first_decile_median as number,
        );
        expect(trend?.description).not.toMatch(/trending down/);
        expect(trend?.description).toContain(
          'the Theil–Sen slope is down but the last-decile median (1,100) is above the first (1,000): the fall is not uniform',
        );
        expect(trend?.evidence).toContain('the fall is not uniform');
      }
    });

    it('never prints "-0 tokens/day" for a slope under one token a day', () => {
      const tiny = Array.from({ length: 200 }, (_, i) => 5000 - 0.3 * i);
      const trend = trends(analyzeLines(taskSeries(tiny), { minEffect: 0.05 }).findings).get(null);
      expect(trend?.description).toContain('-0.3 tokens/day');
      expect(trend?.description).not.toMatch(/-0 tokens/);
    });
  });
});
