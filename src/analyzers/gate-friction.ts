import { findingId } from '../findings/id.js';
import type { FindingDraft } from '../findings/schema.js';
import type { DenialRecord } from '../sources/records.js';
import { type FrictionKind, remediationHint } from './remediation.js';
import { increment, percent, sortedCounts, TimeRange, verificationCommand } from './shared.js';
import type { Analyzer, AnalyzerContext } from './types.js';

export const FRICTION = 'friction';

interface Tally {
  readonly kind: FrictionKind;
  readonly value: string;
  count: number;
  readonly arms: Map<string, number>;
  readonly range: TimeRange;
}

const LABEL: Record<FrictionKind, string> = {
  block_reason: 'Block reason',
  rationalization: 'Rationalization',
};

function tallyDenials(denials: readonly DenialRecord[]): Tally[] {
  const tallies = new Map<string, Tally>();
  const add = (kind: FrictionKind, value: string, denial: DenialRecord): void => {
    const key = `${kind}\u0000${value}`;
    let tally = tallies.get(key);
    if (tally === undefined) {
      tally = { kind, value, count: 0, arms: new Map(), range: new TimeRange() };
      tallies.set(key, tally);
    }
    tally.count += 1;
    increment(tally.arms, denial.arm);
    tally.range.add(denial.at);
  };
  for (const denial of denials) {
    if (denial.rationalization !== null && denial.rationalization.trim() !== '') {
      add('rationalization', denial.rationalization.trim(), denial);
    }
    // A reason listed twice on one record is still one denied dispatch.
    for (const reason of new Set(denial.blockReasons.map((r) => r.trim()))) {
      if (reason !== '') add('block_reason', reason, denial);
    }
  }
  return [...tallies.values()];
}

/** Most frequent first; ties broken by kind then text so the order never depends on input order. */
function byFrequency(a: Tally, b: Tally): number {
  return (
    b.count - a.count ||
    (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
    (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)
  );
}

function toFinding(tally: Tally, rank: number, denied: number, context: AnalyzerContext): FindingDraft {
  const id = findingId(context.source, FRICTION, `${tally.kind}:${tally.value}`);
  const remediation = remediationHint(tally.kind, tally.value);
  const arms = sortedCounts(tally.arms);
  const armList = Object.entries(arms)
    .sort((a, b) => b[1] - a[1])
    .map(([arm, count]) => `${arm} (${count})`)
    .join(', ');
  return {
    id,
    type: FRICTION,
    source: context.source,
    description: `${LABEL[tally.kind]} "${tally.value}" caused ${tally.count} denied dispatch(es) (${percent(tally.count, denied)} of denials). Fix: ${remediation}.`,
    confidence: denied === 0 ? 0 : tally.count / denied,
    frequency: tally.count,
    sessions: [],
    evidence: `${tally.count} of ${denied} denied dispatches; arms: ${armList}`,
    verification: verificationCommand(context.source, context.inputs, id),
    theme: `gate_friction:${tally.kind}`,
    project_slug: null,
    occurrences: tally.count,
    first_seen: tally.range.first,
    last_seen: tally.range.last,
    scope: { arm: null },
    data: { kind: tally.kind, value: tally.value, rank, remediation, arms },
  };
}

export const gateFriction: Analyzer<{ readonly denials: readonly DenialRecord[] }> = {
  meta: {
    id: 'gate_friction',
    findingType: FRICTION,
    description:
      'Ranks the block reasons and rationalizations behind denied dispatches, with remediation hints',
    question: 'Which gate block reasons and rationalizations cause the most friction, and what fixes them?',
  },
  analyze(dataset, context) {
    const denied = dataset.denials.length;
    const tallies = tallyDenials(dataset.denials).sort(byFrequency);
    // Ranks count within a kind: "the top block reason" and "the top rationalization" are both rank 1.
    const nextRank: Record<FrictionKind, number> = { block_reason: 1, rationalization: 1 };
    return tallies.map((tally) => toFinding(tally, nextRank[tally.kind]++, denied, context));
  },
};
