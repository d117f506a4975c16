import { latencyFindings } from '../../analyzers/latency-findings.js';
import { ROLLING_RATE, type RollingMetric, rollingFindings } from '../../analyzers/rolling-findings.js';
import { increment, percent, sortedCounts, TimeRange, verificationCommand } from '../../analyzers/shared.js';
import type { Analyzer, AnalyzerContext } from '../../analyzers/types.js';
import { findingId } from '../../findings/id.js';
import type { FindingDraft } from '../../findings/schema.js';
import type { CancelAck, ReactionDecision, RunEnd } from './records.js';

const share = { kind: 'share' } as const;
const rate = (metric: string, unit: string): RollingMetric => ({
  metric,
  unit,
  window: 100,
  aggregate: share,
  thresholds: null,
});

/** The gateway's rates (sources.md §5), each over the last 100 events of its kind. */
export const FLYNN_METRICS = {
  completion: rate('run_completion_rate', 'finished runs'),
  error: rate('run_error_rate', 'finished runs'),
  cancel: rate('run_cancel_rate', 'finished runs'),
  match: rate('reaction_match_rate', 'reaction decisions'),
  skip: rate('reaction_skip_rate', 'reaction decisions'),
} as const;

const SKIP_HINTS: Record<string, string> = {
  no_match: 'no rule matched the message: check the filters of the rules meant to catch it',
  no_rules: 'no reaction rules are configured for this channel: add one or stop routing it here',
};

/** Reasons a reaction was skipped, most frequent first, with the channels they came from. */
function skipReasonFindings(
  reactions: readonly ReactionDecision[],
  context: AnalyzerContext,
): FindingDraft[] {
  const tallies = new Map<string, { count: number; channels: Map<string, number>; range: TimeRange }>();
  let skips = 0;
  for (const reaction of reactions) {
    if (reaction.matched || reaction.reason === null) continue;
    skips += 1;
    let tally = tallies.get(reaction.reason);
    if (tally === undefined) {
      tally = { count: 0, channels: new Map(), range: new TimeRange() };
      tallies.set(reaction.reason, tally);
    }
    tally.count += 1;
    increment(tally.channels, reaction.channel ?? '(none)');
    tally.range.add(reaction.at);
  }
  return [...tallies.entries()]
    .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
    .map(([reason, tally], i) => {
      const id = findingId(context.source, 'friction', `skip_reason:${reason}`);
      return {
        id,
        type: 'friction',
        source: context.source,
        description: `Reaction skip reason "${reason}" explains ${percent(tally.count, skips)} of skipped reactions (${tally.count} of ${skips}).`,
        confidence: Math.min(1, tally.count / 10),
        frequency: tally.count,
        sessions: [],
        evidence: `${tally.count} skipped reaction(s)`,
        verification: verificationCommand(context.source, context.inputs, id),
        theme: 'reaction_skip:reason',
        project_slug: null,
        occurrences: tally.count,
        first_seen: tally.range.first,
        last_seen: tally.range.last,
        scope: { arm: null },
        data: {
          kind: 'skip_reason',
          value: reason,
          rank: i + 1,
          remediation:
            SKIP_HINTS[reason] ??
            'look at the skipped messages of this category and the rules meant to catch them',
          arms: sortedCounts(tally.channels),
        },
      };
    });
}

function runItems(runEnds: readonly RunEnd[], state: RunEnd['state']) {
  return runEnds.map((run) => ({
    at: run.at,
    key: run.key,
    scope: run.channel,
    value: run.state === state ? 1 : 0,
  }));
}

export const flynnHealth: Analyzer<{
  runEnds: readonly RunEnd[];
  cancels: readonly CancelAck[];
  reactions: readonly ReactionDecision[];
}> = {
  meta: {
    id: 'flynn-health',
    findingType: ROLLING_RATE,
    description:
      'run completion/error/cancel rates and reaction match/skip rates (last 100) by channel, cancel latency p50/p95/p99, top skip reasons',
    question: 'Do gateway runs complete, how fast are cancels acknowledged, and why are reactions skipped?',
  },
  analyze(dataset, context): FindingDraft[] {
    const m = FLYNN_METRICS;
    const reactionItems = (matched: boolean) =>
      dataset.reactions.map((r) => ({
        at: r.at,
        key: r.key,
        scope: r.channel,
        value: r.matched === matched ? 1 : 0,
      }));
    return [
      ...rollingFindings(runItems(dataset.runEnds, 'complete'), m.completion, 'channel', context),
      ...rollingFindings(runItems(dataset.runEnds, 'error'), m.error, 'channel', context),
      ...rollingFindings(runItems(dataset.runEnds, 'cancelled'), m.cancel, 'channel', context),
      ...rollingFindings(reactionItems(true), m.match, 'channel', context),
      ...rollingFindings(reactionItems(false), m.skip, 'channel', context),
      ...latencyFindings(
        dataset.cancels.map((c) => ({ scope: c.channel, at: c.at, value: c.latencyMs })),
        'cancel_latency_ms',
        'channel',
        context,
      ),
      ...skipReasonFindings(dataset.reactions, context),
    ];
  },
};
