import { efficiencyTrend } from '../../analyzers/efficiency-trend.js';
import { OUTCOME_RATES, outcomeRateFindings } from '../../analyzers/outcome-rates.js';
import { type Measurement, percentileFindings } from '../../analyzers/percentiles.js';
import type { Analyzer } from '../../analyzers/types.js';
import type { TaskRecord } from '../records.js';
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
    const options = { ...COMMON, type: DISTRIBUTION, minSamples: context.options.minSamples };
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

export const WORKRAIL_ANALYZERS = [
  sessionOutcomes,
  sessionTokenTrend,
  sessionDuration,
  sessionDiffSize,
] as const;
