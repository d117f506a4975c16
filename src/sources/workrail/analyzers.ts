import { efficiencyTrend } from '../../analyzers/efficiency-trend.js';
import { OUTCOME_RATES, outcomeRateFindings } from '../../analyzers/outcome-rates.js';
import { type Measurement, percentileFindings } from '../../analyzers/percentiles.js';
import {
  type LeftOut,
  ROLLING_RATE,
  type RollingMetric,
  rollingFindings,
} from '../../analyzers/rolling-findings.js';
import { increment } from '../../analyzers/shared.js';
import type { Analyzer } from '../../analyzers/types.js';
import type { TaskRecord } from '../../records/records.js';
import type { RollingItem } from '../../stats/rolling.js';
import { OUTCOMES, UNKNOWN_OUTCOME } from './schema.js';
import type { WorkrailSession } from './session-metrics.js';

/**
 * What WorkRail sessions answer. Every analysis reads completed sessions only: a session without
 * `run_completed` is still in progress (counted in `counts.in_progress`), never a failure.
 */
type Sessions = { readonly sessions: readonly WorkrailSession[] };

export const LATENCY = 'latency';
export const DISTRIBUTION = 'distribution';
const WORKFLOW = 'workflow';

function completed(sessions: readonly WorkrailSession[]): WorkrailSession[] {
  return sessions.filter((session) => session.completed);
}

export const sessionOutcomes: Analyzer<Sessions> = {
  meta: {
    id: 'session_outcomes',
    findingType: OUTCOME_RATES,
    description:
      'share of success, partial, abandoned, error and unknown outcomes over completed sessions, per workflow and overall',
    question: 'How often do finished sessions succeed, per workflow?',
  },
  analyze(dataset, context) {
    const units = completed(dataset.sessions).map((session) => ({
      outcome: session.outcome,
      at: session.endedAt,
      dimensions: { [WORKFLOW]: session.workflowId },
      sessionId: session.sessionId,
    }));
    return outcomeRateFindings(
      units,
      {
        dimensions: [WORKFLOW],
        success: 'success',
        knownOutcomes: [...OUTCOMES, UNKNOWN_OUTCOME],
        unit: 'session',
        theme: 'outcomes',
      },
      context,
    );
  },
};

function measure(
  sessions: readonly WorkrailSession[],
  value: (session: WorkrailSession) => number | null,
): Measurement[] {
  return completed(sessions).flatMap((session) => {
    const measured = value(session);
    return measured === null
      ? []
      : [{ value: measured, at: session.endedAt, group: session.workflowId, sessionId: session.sessionId }];
  });
}

const COMMON = { dimension: WORKFLOW, noun: 'session', theme: 'health' } as const;

export const sessionDuration: Analyzer<Sessions> = {
  meta: {
    id: 'session_duration',
    findingType: LATENCY,
    description:
      'p50/p95/p99 of completed session durations (run_completed.durationMs, else last minus first timestampMs), per workflow and overall',
    question: 'How long do sessions take, and how long is the tail?',
  },
  analyze(dataset, context) {
    return percentileFindings(
      measure(dataset.sessions, (session) => session.durationMs),
      {
        ...COMMON,
        type: LATENCY,
        metric: 'session_duration_ms',
        unit: 'ms',
        label: 'session duration',
        minSamples: context.options.minSamples,
      },
      context,
    );
  },
};

export const sessionDiffSize: Analyzer<Sessions> = {
  meta: {
    id: 'session_diff_size',
    findingType: DISTRIBUTION,
    description:
      'p50/p95/p99 of lines changed (added + removed) and files changed per completed session, git metrics winning over agent reports',
    question: 'How big are the changes sessions make?',
  },
  analyze(dataset, context) {
    const options = { ...COMMON, type: DISTRIBUTION, minSamples: context.options.minSamples } as const;
    return [
      ...percentileFindings(
        measure(dataset.sessions, (s) =>
          s.linesAdded === null || s.linesRemoved === null ? null : s.linesAdded + s.linesRemoved,
        ),
        { ...options, metric: 'lines_changed', unit: 'lines', label: 'lines changed per session' },
        context,
      ),
      ...percentileFindings(
        measure(dataset.sessions, (s) => s.filesChanged),
        { ...options, metric: 'files_changed', unit: 'files', label: 'files changed per session' },
        context,
      ),
    ];
  },
};

/** The shared trend test over input tokens per successful session, one series per workflow. */
export const sessionTokenTrend: Analyzer<{ readonly tasks: readonly TaskRecord[] }> = {
  meta: {
    ...efficiencyTrend.meta,
    description:
      'Mann–Kendall trend test and Theil–Sen slope of input tokens per successful completed session, per workflow and overall',
    question: 'Is input-tokens-per-successful-session trending down? (PASS/FAIL a CI step can gate on)',
  },
  analyze: (dataset, context) => efficiencyTrend.analyze(dataset, context),
};

/**
 * A WorkRail session runs for minutes to hours, so a team sees tens a week, not hundreds: 20
 * sessions make the rate defined within days (per workflow too) in steps of 0.05. The levels
 * are 4 sessions apart in a full window, so one session changing its outcome cannot flap.
 */
export const SESSION_SUCCESS_RATE = {
  metric: 'session_success_rate',
  unit: 'sessions',
  window: 20,
  aggregate: { kind: 'share' },
  thresholds: { up: 0.8, down: 0.6 },
} as const satisfies RollingMetric;

const NO_TIMESTAMP = 'no timestamp: logs of older WorkRail versions';

export const sessionSuccessRate: Analyzer<Sessions> = {
  meta: {
    id: 'session_success_rate',
    findingType: ROLLING_RATE,
    description:
      'share of success over the last 20 completed sessions in completion-time order, per workflow with global fallback; threshold crossings',
    question: 'Are recent sessions succeeding, and did a workflow just get better or worse?',
  },
  analyze(dataset, context) {
    const items: RollingItem[] = [];
    // Sessions without a time cannot be placed in the window: counted in the evidence instead.
    let untimed = 0;
    const untimedByWorkflow = new Map<string, number>();
    for (const session of completed(dataset.sessions)) {
      if (session.endedAt === null) {
        untimed += 1;
        if (session.workflowId !== null) increment(untimedByWorkflow, session.workflowId);
        continue;
      }
      items.push({
        at: session.endedAt,
        key: session.sessionId,
        scope: session.workflowId,
        value: session.outcome === 'success' ? 1 : 0,
      });
    }
    const leftOut: LeftOut = {
      reason: NO_TIMESTAMP,
      count: (scope) => (scope === null ? untimed : (untimedByWorkflow.get(scope) ?? 0)),
    };
    return rollingFindings(items, SESSION_SUCCESS_RATE, WORKFLOW, context, { leftOut });
  },
};

export const WORKRAIL_ANALYZERS = [
  sessionOutcomes,
  sessionSuccessRate,
  sessionTokenTrend,
  sessionDuration,
  sessionDiffSize,
] as const;
