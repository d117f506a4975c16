import { describe, expect, it } from 'vitest';
import { RollingRateData, ThresholdCrossedData } from '../../../src/findings/data.js';
import { Finding, type FindingDraft } from '../../../src/findings/schema.js';
import type { MergeRecord } from '../../../src/records/records.js';
import { mergeQueueHealth } from '../../../src/sources/merge-queue/merge-queue-health.js';
import { ofType } from '../../helpers/findings.js';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const context = {
  source: 'merge-queue',
  inputs: ['q.jsonl'],
  options: { alpha: 0.05, minSamples: 10, requireAcceptance: false },
};

function merge(
  i: number,
  attempts: number,
  lastVerdict = 'approved',
  project: string | null = 'alpha',
): MergeRecord {
  return {
    workItemId: `w${String(i).padStart(4, '0')}`,
    project,
    storyId: null,
    attempts,
    lastVerdict,
    mergedAt: T0 + i * HOUR,
  };
}

const rate = (findings: FindingDraft[], metric: string, scope: Record<string, unknown>) =>
  ofType(findings, 'rolling_rate').find(
    (f) => f.data.metric === metric && Object.entries(scope).every(([k, v]) => f.scope[k] === v),
  );
const crossings = (findings: FindingDraft[], metric: string, project: string | null) =>
  ofType(findings, 'threshold_crossed')
    .filter((f) => f.data.metric === metric && (f.scope.project ?? null) === project)
    .map((f) => [f.data.direction, f.data.index, f.data.value]);

describe('merge-queue health', () => {
  // 50 first-pass merges, then 20 that needed a retry: the first-pass rate over the last 50 is 1.0 at
  // item 49 (up through 0.85), then (50 − k)/50 after k retries: 0.70 at k = 15, item 64 (down).
  const history = [
    ...Array.from({ length: 50 }, (_, i) => merge(i, 1)),
    ...Array.from({ length: 20 }, (_, k) => merge(50 + k, 2)),
  ];

  it('first_pass_merge_rate: crossings at the exact items, current value, schema-valid data', () => {
    const findings = mergeQueueHealth.analyze({ merges: history }, context);
    expect(crossings(findings, 'first_pass_merge_rate', null)).toEqual([
      ['up', 49, 1],
      ['down', 64, 0.7],
    ]);
    const global = rate(findings, 'first_pass_merge_rate', { arm: null, project: null });
    expect(global?.data).toEqual({
      metric: 'first_pass_merge_rate',
      window: 50,
      n: 50,
      value: 30 / 50,
      state: 'below',
      up: 0.85,
      down: 0.7,
      fallback: false,
      items: 70,
      // 50 first-pass merges of all 70: the rate over the whole log, beside the windowed one.
      whole_log_value: 50 / 70,
    });
    for (const f of findings) {
      expect(Finding.omit({ created_at: true, status: true }).safeParse(f).success).toBe(true);
      const schema = f.type === 'rolling_rate' ? RollingRateData : ThresholdCrossedData;
      expect(schema.safeParse(f.data).success).toBe(true);
    }
    const up = ofType(findings, 'threshold_crossed').find(
      (f) => f.data.direction === 'up' && f.scope.project === null,
    );
    expect(up?.data.at).toBe(new Date(T0 + 49 * HOUR).toISOString());
  });

  it('reports nothing for no merges (an empty input prints findings: [])', () => {
    expect(mergeQueueHealth.analyze({ merges: [] }, context)).toEqual([]);
  });

  it('is undefined while the window is not full, never a made-up 0 or 1', () => {
    const findings = mergeQueueHealth.analyze({ merges: history.slice(0, 23) }, context);
    const conflicts = rate(findings, 'rebase_conflict_rate', { project: null });
    expect(conflicts?.data).toMatchObject({ value: null, n: 23, window: 100, state: 'unknown' });
    expect(conflicts?.evidence).toBe('rebase_conflict_rate = – (n=23/100)');
    // Unmeasured is no evidence: no confidence either (it used to be n/window).
    expect(conflicts?.confidence).toBe(0);
    expect(findings.filter((f) => f.type === 'threshold_crossed')).toEqual([]);
  });

  it('rebase_conflict_rate crosses up at 10% and back down at 5% without flapping in between', () => {
    // 100 merges with a conflict every 20th (5%: down from unknown at item 99), then 10 conflicts in a
    // row: the share climbs by 0.01 per conflict (minus the ones leaving) and reaches 0.10 first at
    // the item the definition says; then clean merges bring it back to 0.05.
    const verdicts: string[] = Array.from({ length: 100 }, (_, i) =>
      i % 20 === 0 ? 'rebase_conflict' : 'approved',
    );
    for (let i = 0; i < 10; i++) verdicts.push('rebase_conflict');
    for (let i = 0; i < 120; i++) verdicts.push('approved');
    const merges = verdicts.map((v, i) => merge(i, 1, v));
    const share = (end: number) =>
      verdicts.slice(end - 99, end + 1).filter((v) => v === 'rebase_conflict').length / 100;
    const firstAt = (from: number, test: (value: number) => boolean) => {
      for (let i = from; i < verdicts.length; i++) if (test(share(i))) return i;
      return -1;
    };
    const up = firstAt(100, (v) => v >= 0.1);
    const down = firstAt(up + 1, (v) => v <= 0.05);
    expect([up, down]).toEqual([105, 204]);
    const findings = mergeQueueHealth.analyze({ merges }, context);
    expect(crossings(findings, 'rebase_conflict_rate', null)).toEqual([
      ['down', 99, 0.05],
      ['up', up, share(up)],
      ['down', down, share(down)],
    ]);
  });

  it('per-project windows fall back to the global window until the project has N merges', () => {
    const merges = [...history, merge(70, 2, 'approved', 'beta'), merge(71, 1, 'approved', 'beta')];
    const findings = mergeQueueHealth.analyze({ merges }, context);
    const beta = rate(findings, 'first_pass_merge_rate', { project: 'beta' });
    // The global window of the last 50 at item 71: items 22..71 → first-pass 28 (22..49) + 1 (71).
    expect(beta?.data).toMatchObject({ value: 29 / 50, n: 50, fallback: true, items: 2 });
    expect(beta?.project_slug).toBe('beta');
    const alpha = rate(findings, 'first_pass_merge_rate', { project: 'alpha' });
    expect(alpha?.data).toMatchObject({ value: 30 / 50, fallback: false, items: 70 });
    // beta's own hysteresis: its first item (70) already sees items 21..70, 29/50, through the global window.
    expect(crossings(findings, 'first_pass_merge_rate', 'beta')).toEqual([['down', 0, 29 / 50]]);
  });

  it('p95_attempts_to_merge is the R type-7 95th percentile of the last 100 attempts', () => {
    const merges = Array.from({ length: 100 }, (_, i) => merge(i, (i % 10) + 1));
    const p95 = rate(mergeQueueHealth.analyze({ merges }, context), 'p95_attempts_to_merge', {
      project: null,
    });
    // 10 of each of 1..10: sorted position 0.95 × 99 = 94.05 → between 10 (index 94) and 10.
    expect(p95?.data.value).toBe(10);
    const mixed = Array.from({ length: 100 }, (_, i) => merge(i, i < 96 ? 1 : 5));
    const p95b = rate(mergeQueueHealth.analyze({ merges: mixed }, context), 'p95_attempts_to_merge', {
      project: null,
    });
    // sorted: 96 ones then four 5s; h = 94.05 → 1 + 0.05 × (1 − 1) = 1
    expect(p95b?.data.value).toBe(1);
  });

  it('gives crossings the same ids on a re-run and on an incremental run with later merges', () => {
    const ids = (merges: MergeRecord[]) =>
      mergeQueueHealth
        .analyze({ merges }, context)
        .filter((f) => f.type === 'threshold_crossed')
        .map((f) => f.id);
    const first = ids(history);
    expect(ids([...history].reverse())).toEqual(first);
    const more = [...history, ...Array.from({ length: 5 }, (_, k) => merge(70 + k, 2))];
    expect(ids(more).slice(0, first.length)).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('applies window and threshold overrides from the run options', () => {
    const options = {
      ...context.options,
      health: {
        windows: new Map([['first_pass_merge_rate', 10]]),
        thresholds: new Map([['first_pass_merge_rate', { up: 0.95, down: 0.5 }]]),
      },
    };
    const findings = mergeQueueHealth.analyze({ merges: history }, { ...context, options });
    // Window 10: full at item 9 (1.0, up); after 5 retries 0.5 at item 54 (down).
    expect(crossings(findings, 'first_pass_merge_rate', null)).toEqual([
      ['up', 9, 1],
      ['down', 54, 0.5],
    ]);
  });
});
