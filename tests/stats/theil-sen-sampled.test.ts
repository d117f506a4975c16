import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/stats/random.js';
import { prepareSlopePoints } from '../../src/stats/slope-points.js';
import { defaultSlopeSelectionTuning, selectSlopeRanks } from '../../src/stats/slope-selection.js';
import { theilSen } from '../../src/stats/theil-sen.js';
import { THEIL_SEN_EXACT_MAX_POINTS } from '../../src/stats/theil-sen-sampled.js';
import { allPairSlopes } from '../helpers/slopes.js';

/** The population slopes at the quantiles 0.5 ∓ ε (the DKW band the estimate must fall in). */
function band(sorted: Float64Array, epsilon: number): { low: number; high: number } {
  const count = sorted.length;
  return {
    low: sorted[Math.max(0, Math.floor((0.5 - epsilon) * count) - 1)] as number,
    high: sorted[Math.min(count - 1, Math.ceil((0.5 + epsilon) * count))] as number,
  };
}

describe('statistics sampled Theil–Sen', () => {
  it('falls within the DKW band around the median slope, for any seed', () => {
    // 4096 slopes: P(outside the 0.5 ± 0.04 band) <= 2·exp(−2·4096·0.04²) ≈ 4·10⁻⁶ per case.
    const samplePairs = 4096;
    const epsilon = 0.04;
    const series = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: -5000, max: 5000 })),
      { minLength: 30, maxLength: 150 },
    );
    fc.assert(
      fc.property(series, fc.integer({ min: 0, max: 2 ** 31 }), (pairs, seed) => {
        const x = pairs.map(([at]) => at);
        const y = pairs.map(([, value], i) => value + 3 * i);
        const exact = theilSen(x, y);
        const sampled = theilSen(x, y, { exactMaxPoints: 0, samplePairs, seed });
        if (exact === null) return expect(sampled).toBeNull();
        const slopes = allPairSlopes(x, y);
        // theilSen samples only when at least 1 in 16 random (i, j) draws has distinct x.
        if (slopes.length * 32 < x.length * x.length) return expect(sampled?.method).toBe('exact');
        expect(sampled?.method).toBe('sampled');
        expect(sampled?.pairs).toBe(exact.pairs);
        const { low, high } = band(slopes, epsilon);
        expect(sampled?.slope).toBeGreaterThanOrEqual(low);
        expect(sampled?.slope).toBeLessThanOrEqual(high);
      }),
      { seed: 20261123, numRuns: 60 },
    );
  });

  it('uses the exact method when almost every pair shares its x', () => {
    const x = Array.from({ length: 200 }, (_, i) => (i < 195 ? 0 : i));
    const y = Array.from({ length: 200 }, (_, i) => (i * 7) % 13);
    expect(theilSen(x, y, { exactMaxPoints: 0 })).toEqual(theilSen(x, y));
  });

  it(`samples series longer than ${THEIL_SEN_EXACT_MAX_POINTS} points, within 0.25 percentile of the exact median`, () => {
    const random = mulberry32(77);
    const n = THEIL_SEN_EXACT_MAX_POINTS + 30_000;
    const x = Float64Array.from(
      { length: n },
      (_, i) => 1.7e12 + 60_000 * i + Math.floor(random() * 3) * 1000,
    );
    const y = Float64Array.from({ length: n }, (_, i) => 5000 - 0.002 * i + 3000 * random() ** 3);
    const sampled = theilSen(x, y);
    const again = theilSen(x, y);
    expect(sampled?.method).toBe('sampled');
    expect(again).toEqual(sampled);
    const points = prepareSlopePoints(x, y);
    const count = points.pairCount;
    const [low, high] = selectSlopeRanks(
      points,
      Math.floor(0.4975 * count),
      Math.ceil(0.5025 * count),
      mulberry32(1),
      defaultSlopeSelectionTuning(n),
    );
    expect(sampled?.slope).toBeGreaterThanOrEqual(low as number);
    expect(sampled?.slope).toBeLessThanOrEqual(high as number);
  });
});
