import { plural } from '../common/format.js';
import { findingId } from '../findings/id.js';
import type { FindingDraft } from '../findings/schema.js';
import { type FrictionKind, remediationHint } from './remediation.js';
import { increment, percent, sortedCounts, TimeRange, verificationCommand } from './shared.js';
import type { AnalyzerContext } from './types.js';

export const FRICTION = 'friction';
/** Sessions listed on one finding: enough to open a few, never the whole history. */
const MAX_SESSIONS = 50;

/** One thing that got in the way of one unit of work: a gate block reason, a subagent error, … */
export interface FrictionItem {
  readonly kind: FrictionKind;
  readonly value: string;
  readonly arm: string;
  readonly at: number | null;
  readonly sessionId: string | null;
}

/** How a source's friction reads: what a unit of blocked work is called, and the theme. */
export interface FrictionWording {
  /** `gate_friction` gives themes such as `gate_friction:block_reason`. */
  readonly themePrefix: string;
  readonly label: Readonly<Partial<Record<FrictionKind, string>>>;
  /** One blocked unit, e.g. "denied dispatch" (a count of 1 reads "1 denied dispatch"). */
  readonly unit: string;
  /** Several of them, e.g. "denied dispatches". */
  readonly units: string;
  /** The whole the share is of, e.g. "denials". */
  readonly totalName: string;
}

interface Tally {
  readonly kind: FrictionKind;
  readonly value: string;
  count: number;
  readonly arms: Map<string, number>;
  readonly range: TimeRange;
  readonly sessions: Set<string>;
}

function tally(items: readonly FrictionItem[]): Tally[] {
  const tallies = new Map<string, Tally>();
  for (const item of items) {
    const key = `${item.kind}\u0000${item.value}`;
    let entry = tallies.get(key);
    if (entry === undefined) {
      entry = {
        kind: item.kind,
        value: item.value,
        count: 0,
        arms: new Map(),
        range: new TimeRange(),
        sessions: new Set(),
      };
      tallies.set(key, entry);
    }
    entry.count += 1;
    increment(entry.arms, item.arm);
    if (item.at !== null) entry.range.add(item.at);
    if (item.sessionId !== null) entry.sessions.add(item.sessionId);
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

function toFinding(
  entry: Tally,
  rank: number,
  total: number,
  wording: FrictionWording,
  context: AnalyzerContext,
): FindingDraft {
  const id = findingId(context.source, FRICTION, `${entry.kind}:${entry.value}`);
  const remediation = remediationHint(entry.kind, entry.value);
  const arms = sortedCounts(entry.arms);
  const armList = Object.entries(arms)
    .sort((a, b) => b[1] - a[1])
    .map(([arm, count]) => `${arm} (${count})`)
    .join(', ');
  const label = wording.label[entry.kind] ?? entry.kind;
  return {
    id,
    type: FRICTION,
    source: context.source,
    description: `${label} "${entry.value}" caused ${plural(entry.count, wording.unit, wording.units)} (${percent(entry.count, total)} of ${wording.totalName}). Fix: ${remediation}.`,
    confidence: total === 0 ? 0 : entry.count / total,
    frequency: entry.count,
    sessions: [...entry.sessions].sort().slice(0, MAX_SESSIONS),
    evidence: `${entry.count} of ${total} ${wording.units}; arms: ${armList}`,
    verification: verificationCommand(context.source, context.inputs, id),
    theme: `${wording.themePrefix}:${entry.kind}`,
    project_slug: null,
    occurrences: entry.count,
    first_seen: entry.range.first,
    last_seen: entry.range.last,
    scope: { arm: null },
    data: { kind: entry.kind, value: entry.value, rank, remediation, arms },
  };
}

/**
 * One friction finding per distinct (kind, value), ranked by count within its kind (rank 1 = most
 * frequent), with counts per arm and a remediation hint. `total` is the number of blocked units
 * (one unit may carry several items, e.g. two block reasons).
 */
export function frictionFindings(
  items: readonly FrictionItem[],
  total: number,
  wording: FrictionWording,
  context: AnalyzerContext,
): FindingDraft[] {
  const nextRank = new Map<FrictionKind, number>();
  return tally(items)
    .sort(byFrequency)
    .map((entry) => {
      const rank = nextRank.get(entry.kind) ?? 1;
      nextRank.set(entry.kind, rank + 1);
      return toFinding(entry, rank, total, wording, context);
    });
}
