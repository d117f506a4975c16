import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latency, latencyData, minimumSamplesFor } from '../../src/analyzers/latency.js';
import { LatencyData } from '../../src/findings/data.js';
import type { TaskRecord } from '../../src/records/records.js';
import { quantile7 } from '../../src/stats/index.js';
import { ofType } from '../helpers/findings.js';

const CONTEXT = {
  source: 'test',
  inputs: ['x.jsonl'],
  options: { alpha: 0.05, minSamples: 10, requireAcceptance: false },
};

function task(arm: string, msElapsed: number | null, at = 0): TaskRecord {
  return {
    arm,
    taskKey: `${arm}-${at}`,
    attemptNumber: 1,
    completedAt: at,
    status: 'completed',
    inputTokens: 1,
    cacheReadTokens: null,
    cacheCreationTokens: null,
    acceptancePassed: null,
    msElapsed,
    sessionId: null,
  };
}

describe('latency', () => {
  it('a percentile needs n ≥ 1/(1−p): p50 from 2 points, p95 from 20, p99 from 100', () => {
    expect([0.5, 0.95, 0.99].map(minimumSamplesFor)).toEqual([2, 20, 100]);
    expect(latencyData('ms', [5])).toEqual({ metric: 'ms', n: 1, p50: null, p95: null, p99: null });
    expect(latencyData('ms', [30, 10])).toEqual({ metric: 'ms', n: 2, p50: 20, p95: null, p99: null });
  });

  it('percentiles are R type 7 of the values, whatever their order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1e7 }), { minLength: 100, maxLength: 300 }),
        (values) => {
          const data = LatencyData.parse(latencyData('ms', values));
          const sorted = [...values].sort((a, b) => a - b);
          expect(data.p50).toBe(quantile7(sorted, 0.5));
          expect(data.p95).toBe(quantile7(sorted, 0.95));
          expect(data.p99).toBe(quantile7(sorted, 0.99));
        },
      ),
      { seed: 3, numRuns: 50 },
    );
  });

  it('one finding overall and one per arm; tasks without a duration are left out', () => {
    const tasks = [task('b', 100, 1), task('a', 300, 2), task('a', 100, 3), task('a', null, 4)];
    const findings = ofType(latency.analyze({ tasks }, CONTEXT), 'latency');
    expect(findings.map((f) => [f.scope.arm, f.data.n, f.data.p50])).toEqual([
      [null, 3, 100],
      ['a', 2, 200],
      ['b', 1, null],
    ]);
    expect(findings[0]?.type).toBe('latency');
    expect(findings[0]?.first_seen).toBe(new Date(1).toISOString());
    expect(latency.analyze({ tasks: [task('a', null)] }, CONTEXT)).toEqual([]);
  });
});
