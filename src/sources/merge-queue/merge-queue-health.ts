import { ROLLING_RATE, type RollingMetric, rollingFindings } from '../../analyzers/rolling-findings.js';
import type { Analyzer } from '../../analyzers/types.js';
import type { FindingDraft } from '../../findings/schema.js';
import type { MergeRecord } from '../../records/records.js';
import type { RollingItem } from '../../stats/rolling.js';

/** The three rates of sources.md §6, with their windows and hysteresis levels as defaults. */
export const MERGE_QUEUE_METRICS = {
  firstPass: {
    metric: 'first_pass_merge_rate',
    unit: 'merges',
    window: 50,
    aggregate: { kind: 'share' },
    thresholds: { up: 0.85, down: 0.7 },
  },
  rebaseConflict: {
    metric: 'rebase_conflict_rate',
    unit: 'merges',
    window: 100,
    aggregate: { kind: 'share' },
    thresholds: { up: 0.1, down: 0.05 },
  },
  p95Attempts: {
    metric: 'p95_attempts_to_merge',
    unit: 'merges',
    window: 100,
    aggregate: { kind: 'quantile', p: 0.95 },
    thresholds: null,
  },
} as const satisfies Record<string, RollingMetric>;

function items(merges: readonly MergeRecord[], value: (merge: MergeRecord) => number): RollingItem[] {
  return merges.map((merge) => ({
    at: merge.mergedAt,
    key: merge.workItemId,
    scope: merge.project,
    value: value(merge),
  }));
}

export const mergeQueueHealth: Analyzer<{ merges: readonly MergeRecord[] }> = {
  meta: {
    id: 'merge-queue-health',
    findingType: ROLLING_RATE,
    description:
      'first-pass merge rate (last 50), rebase-conflict rate and p95 attempts (last 100), per project with global fallback; threshold crossings',
    question: 'Do work items merge on the first pass, and are rebase conflicts rising?',
  },
  analyze(dataset, context): FindingDraft[] {
    const { firstPass, rebaseConflict, p95Attempts } = MERGE_QUEUE_METRICS;
    return [
      ...rollingFindings(
        items(dataset.merges, (m) => (m.attempts === 1 ? 1 : 0)),
        firstPass,
        'project',
        context,
      ),
      ...rollingFindings(
        items(dataset.merges, (m) => (m.lastVerdict === 'rebase_conflict' ? 1 : 0)),
        rebaseConflict,
        'project',
        context,
      ),
      ...rollingFindings(
        items(dataset.merges, (m) => m.attempts),
        p95Attempts,
        'project',
        context,
      ),
    ];
  },
};
