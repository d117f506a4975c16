import { describe, expect, it } from 'vitest';
import type { SnapshotMetric } from '../../src/health/snapshot.js';
import { healthRows } from '../../src/render/sections.js';

function metric(scope: string | null, value: number | null, n: number, fallback: boolean): SnapshotMetric {
  return {
    name: scope === null ? 'deny_rate' : `deny_rate[${scope}]`,
    metric: 'deny_rate',
    scope,
    value,
    n,
    window: 100,
    state: null,
    fallback,
  };
}

describe('health rows of the terminal table', () => {
  it('keeps scopes with a value of their own and folds the ones still waiting on the global window', () => {
    const rows = healthRows([
      metric(null, 0.12, 100, false),
      metric('arm=coder', 0.2, 100, false),
      metric('arm=planner', null, 100, true),
      metric('arm=reviewer', null, 100, true),
      metric('arm=tester', 0.05, 100, true),
    ]);
    expect(rows).toEqual([
      ['deny_rate', '0.12', '100/100', ''],
      ['deny_rate[arm=coder]', '0.2', '100/100', ''],
      // A fallback that has a value (the global one) is shown: it is a number someone reads.
      ['deny_rate[arm=tester]', '0.05', '100/100', 'global fallback'],
      ['deny_rate[arm=*]', '–', '100/100', '2 arms on the global window'],
    ]);
  });

  it('shows an empty window as a dash, not as the word undefined', () => {
    expect(healthRows([metric(null, null, 7, false)])).toEqual([['deny_rate', '–', '7/100', '']]);
  });
});
