import { describe, expect, it } from 'vitest';
import { percentileFindings } from '../../src/analyzers/percentiles.js';
import { DistributionData, LatencyData } from '../../src/findings/data.js';

const context = {
  source: 'test',
  inputs: ['data'],
  options: { alpha: 0.05, minSamples: 4, requireAcceptance: false },
};
const options = {
  type: 'latency',
  metric: 'session_duration_ms',
  unit: 'ms',
  dimension: 'workflow',
  label: 'session duration',
  noun: 'session',
  theme: 'health',
  minSamples: 4,
} as const;
const at = (value: number, group: string | null, i: number) => ({
  value,
  at: i === 0 ? null : 1_000 * i,
  group,
  sessionId: `s${i}`,
});

describe('percentiles', () => {
  it('gives R type-7 p50/p95/p99 overall and per group, null under the minimum sample count', () => {
    const values = [1000, 2000, 3000, 4000, 100_000];
    const measurements = [...values.map((v, i) => at(v, 'big', i)), at(5000, 'small', 9), at(7000, null, 10)];
    const findings = percentileFindings(measurements, options, context);
    expect(findings.map((f) => [f.scope.arm, f.data.n])).toEqual([
      [null, 7],
      ['big', 5],
      ['small', 1],
    ]);
    // Sorted: 1000 2000 3000 4000 5000 7000 100000; type 7: h = (n - 1) p.
    const global = LatencyData.parse(findings[0]?.data);
    expect(global.p50).toBe(4000);
    expect(global.p95).toBeCloseTo(7000 + 0.7 * 93_000, 6);
    expect(LatencyData.parse(findings[2]?.data)).toMatchObject({ p50: null, p95: null, p99: null });
    expect(findings[2]?.description).toMatch(/Too few sessions .* \(n = 1; needs 4\)/);
    expect(findings[0]?.first_seen).toBe(new Date(1000).toISOString());
    expect(findings[0]?.description).toBe(
      'Session duration for all sessions: p50 4.0 s, p95 1.2 min, p99 1.6 min (n = 7).',
    );
  });

  it('gives stable ids per metric and slice, and nothing for no measurements', () => {
    const sizes = percentileFindings(
      [at(10, 'a', 1)],
      { ...options, type: 'distribution', metric: 'lines_changed', unit: 'lines' },
      context,
    );
    const files = percentileFindings(
      [at(10, 'a', 1)],
      { ...options, type: 'distribution', metric: 'files_changed', unit: 'files' },
      context,
    );
    expect(DistributionData.parse(sizes[0]?.data).unit).toBe('lines');
    expect(sizes[0]?.id).not.toBe(files[0]?.id);
    expect(sizes[0]?.id).toMatch(/^distribution-[0-9a-f]{16}$/);
    expect(percentileFindings([], options, context)).toEqual([]);
  });
});
