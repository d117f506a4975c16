import type { OutcomeRatesData } from '../findings/data.js';
import { findingId } from '../findings/id.js';
import type { FindingDraftOf } from '../findings/schema.js';
import { increment, percent, sortedCounts, TimeRange, verificationCommand } from './shared.js';
import { sliceLabel, sliceScope } from './task-slices.js';
import type { AnalyzerContext } from './types.js';

export const OUTCOME_RATES = 'outcome_rates';

/** One finished unit of work (a task, a session) with its outcome and the slices it belongs to. */
export interface OutcomeUnit {
  readonly outcome: string;
  /** Event time (epoch ms); null when the log has none (old WorkRail logs): counted, not dated. */
  readonly at: number | null;
  /** Slice values by dimension, e.g. `{ harness: 'codex', model: 'gpt-5' }`; null when unknown. */
  readonly dimensions: Readonly<Record<string, string | null>>;
  readonly sessionId?: string | null;
}

export interface OutcomeRatesOptions {
  /** The dimensions to cut by, in report order (`global` is always first). */
  readonly dimensions: readonly string[];
  /** The outcome that counts as success, for the description. */
  readonly success: string;
  /** Outcomes always listed (with 0) so shares are comparable across slices. */
  readonly knownOutcomes: readonly string[];
  /** What a unit is called in descriptions ("task", "session"). */
  readonly unit: string;
  readonly theme: string;
}

interface Slice {
  readonly dimension: string;
  readonly key: string | null;
  readonly counts: Map<string, number>;
  readonly range: TimeRange;
  readonly sessions: Set<string>;
  n: number;
}

/**
 * Outcome shares with n, globally and per slice of each dimension. Shared by every source whose
 * records end in an outcome (task completions, WorkRail sessions), so the numbers mean the same
 * wherever they come from.
 */
export function outcomeRateFindings(
  units: readonly OutcomeUnit[],
  options: OutcomeRatesOptions,
  context: AnalyzerContext,
): FindingDraftOf<'outcome_rates'>[] {
  const slices = new Map<string, Slice>();
  const add = (dimension: string, key: string | null, unit: OutcomeUnit): void => {
    const sliceKey = `${dimension}\u0000${key ?? ''}`;
    let slice = slices.get(sliceKey);
    if (slice === undefined) {
      slice = { dimension, key, counts: new Map(), range: new TimeRange(), sessions: new Set(), n: 0 };
      slices.set(sliceKey, slice);
    }
    slice.n += 1;
    increment(slice.counts, unit.outcome);
    if (unit.at !== null) slice.range.add(unit.at);
    if (unit.sessionId) slice.sessions.add(unit.sessionId);
  };
  for (const unit of units) {
    add('global', null, unit);
    for (const dimension of options.dimensions) {
      const key = unit.dimensions[dimension];
      if (key !== null && key !== undefined && key !== '') add(dimension, key, unit);
    }
  }
  const order = ['global', ...options.dimensions];
  return [...slices.values()]
    .sort(
      (a, b) =>
        order.indexOf(a.dimension) - order.indexOf(b.dimension) ||
        b.n - a.n ||
        ((a.key ?? '') < (b.key ?? '') ? -1 : 1),
    )
    .map((slice) => toFinding(slice, options, context));
}

function toFinding(
  slice: Slice,
  options: OutcomeRatesOptions,
  context: AnalyzerContext,
): FindingDraftOf<'outcome_rates'> {
  for (const outcome of options.knownOutcomes) if (!slice.counts.has(outcome)) slice.counts.set(outcome, 0);
  const counts = sortedCounts(slice.counts);
  const shares: Record<string, number> = Object.create(null);
  for (const [outcome, count] of Object.entries(counts)) shares[outcome] = count / slice.n;
  const data: OutcomeRatesData = { dimension: slice.dimension, key: slice.key, n: slice.n, counts, shares };
  const label = sliceLabel(slice, options.unit);
  const successes = counts[options.success] ?? 0;
  const id = findingId(context.source, OUTCOME_RATES, `${slice.dimension}:${slice.key ?? ''}`);
  const breakdown = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([outcome, count]) => `${outcome} ${count}`)
    .join(', ');
  return {
    id,
    type: OUTCOME_RATES,
    source: context.source,
    description: `${percent(successes, slice.n)} of ${label} ended in ${options.success} (n = ${slice.n}).`,
    confidence: Math.min(1, slice.n / 30),
    frequency: slice.n,
    sessions: [...slice.sessions].sort().slice(0, 50),
    evidence: breakdown,
    verification: verificationCommand(context.source, context.inputs, id),
    theme: options.theme,
    project_slug: null,
    occurrences: slice.n,
    first_seen: slice.range.first,
    last_seen: slice.range.last,
    scope: sliceScope(slice),
    data,
  };
}
