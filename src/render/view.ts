import { CountsShape, type Finding, type RunReport } from '../findings/schema.js';
import { integer, plural } from './format.js';
import { reviewMark } from './review.js';
import { scopeLabel } from './scope.js';

/**
 * The parts of a run report that the human renderers show, pulled out once so the table and
 * markdown renderers present the same facts in the same order.
 */
export interface TrendRow {
  readonly scope: string;
  readonly verdict: string;
  readonly n: number;
  readonly theilSen: number | null;
  readonly pValue: number | null;
  readonly firstDecile: number | null;
  readonly lastDecile: number | null;
  readonly cacheP50: number | null;
  readonly direction: string;
}

export interface FrictionRow {
  readonly rank: number;
  readonly kind: string;
  readonly value: string;
  readonly count: number;
  readonly remediation: string;
}

export interface SuggestionRow {
  readonly occurrences: number;
  readonly arms: string;
  readonly suggestion: string;
  readonly status: string;
}

/** A finding of a type without a section of its own (outcome rates, percentiles, …). */
export interface OtherRow {
  readonly type: string;
  readonly scope: string;
  readonly description: string;
}

export interface LatencyRow {
  readonly scope: string;
  readonly n: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

export interface ReportView {
  readonly trends: TrendRow[];
  readonly friction: FrictionRow[];
  readonly suggestions: SuggestionRow[];
  readonly others: OtherRow[];
  readonly latency: LatencyRow[];
}

/**
 * Friction differs by source: a gate's denied dispatches, or failed subagent calls (sources that
 * count `failed` and deny nothing). Suggestions only exist where a producer proposes them.
 */
export interface SectionHeadings {
  readonly friction: string;
  readonly noFriction: string;
  readonly showSuggestions: boolean;
}

export function sectionHeadings(report: RunReport, view: ReportView): SectionHeadings {
  if (view.friction.some((f) => f.kind === 'quality_gate')) {
    return {
      friction: 'Quality-gate friction: failing gates, most failures first',
      noFriction: 'no quality gate failed',
      showSuggestions: view.suggestions.length > 0,
    };
  }
  const failed = report.counts.failed;
  if (typeof failed === 'number' && report.counts.denied === 0) {
    return {
      friction: `Subagent friction: ${plural(failed, 'failed subagent call')}`,
      noFriction: 'no failed subagent calls',
      showSuggestions: view.suggestions.length > 0,
    };
  }
  if (eventSource(report)) {
    return { friction: 'Friction', noFriction: 'none found', showSuggestions: view.suggestions.length > 0 };
  }
  return {
    friction: `Gate friction: ${plural(report.counts.denied, 'denied dispatch', 'denied dispatches')}`,
    noFriction: 'no denied dispatches',
    showSuggestions: true,
  };
}

/** Types with a section of their own (here or in sections.ts); the rest are listed as other findings. */
const SECTION_TYPES = new Set([
  'efficiency_trend',
  'friction',
  'registry_suggestion',
  'estimate_accuracy',
  'outcome_rates',
  'context_pressure',
  'latency',
  'rolling_rate',
  'threshold_crossed',
]);

const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** The all-arms row leads; per-arm rows follow in arm order. */
function byOverallThenLabel(a: string, b: string): number {
  if (a === b) return 0;
  if (a === 'all arms') return -1;
  if (b === 'all arms') return 1;
  return a < b ? -1 : 1;
}

export function allArmsFirstThenByArm(a: Finding, b: Finding): number {
  return a.scope.arm === null
    ? -1
    : b.scope.arm === null
      ? 1
      : (a.scope.arm as string) < (b.scope.arm as string)
        ? -1
        : 1;
}

function trendRow(finding: Finding): TrendRow {
  const data = finding.data;
  const cache = data.cache_read_ratio as { p50?: unknown } | undefined;
  return {
    scope: `${finding.scope.arm ?? 'all arms'}${reviewMark(finding)}`,
    verdict: (finding.verdict ?? 'inconclusive').toUpperCase(),
    n: num(data.n) ?? 0,
    theilSen: num(data.theil_sen_slope),
    pValue: num(data.mk_p_value),
    firstDecile: num(data.first_decile_median),
    lastDecile: num(data.last_decile_median),
    cacheP50: num(cache?.p50),
    direction: String(data.direction ?? ''),
  };
}

export function reportView(findings: readonly Finding[]): ReportView {
  const trends = findings
    .filter((f) => f.type === 'efficiency_trend')
    .sort(allArmsFirstThenByArm)
    .map(trendRow);
  const friction = findings
    .filter((f) => f.type === 'friction')
    .sort(
      (a, b) =>
        b.frequency - a.frequency ||
        (num(a.data.rank) ?? 0) - (num(b.data.rank) ?? 0) ||
        (a.id < b.id ? -1 : 1),
    )
    .map((f) => ({
      rank: num(f.data.rank) ?? 0,
      kind: String(f.data.kind),
      value: `${String(f.data.value)}${reviewMark(f)}`,
      count: f.frequency,
      remediation: String(f.data.remediation ?? ''),
    }));
  const suggestions = findings
    .filter((f) => f.type === 'registry_suggestion')
    .sort((a, b) => b.occurrences - a.occurrences || (a.id < b.id ? -1 : 1))
    .map((f) => ({
      occurrences: f.occurrences,
      arms: Object.keys((f.data.arms as Record<string, number>) ?? {}).join(', '),
      suggestion: JSON.stringify(f.data.suggestion),
      status: f.status,
    }));
  const others = findings
    .filter((f) => !SECTION_TYPES.has(f.type))
    .map((f) => ({
      type: f.type,
      scope: `${f.scope.arm ?? 'all'}${reviewMark(f)}`,
      description: f.description,
    }));
  const latency = findings
    .filter((f) => f.type === 'latency')
    // By scope label, overall first: per-channel latency has no arm to sort on.
    .sort((a, b) => byOverallThenLabel(scopeLabel(a), scopeLabel(b)))
    .map((f) => ({
      scope: `${scopeLabel(f)}${reviewMark(f)}`,
      n: num(f.data.n) ?? 0,
      p50: num(f.data.p50),
      p95: num(f.data.p95),
      p99: num(f.data.p99),
    }));
  return { trends, friction, suggestions, latency, others };
}

/** Count keys a source adds to the contract's envelope (events, sessions, in_progress, …). */
export function ownCounts(report: RunReport): [string, unknown][] {
  return Object.entries(report.counts).filter(([key]) => !Object.hasOwn(CountsShape, key));
}

/** Sources of standalone events (task completions, WorkRail) have no dispatch/finalize join to show. */
export function eventSource(report: RunReport): boolean {
  const c = report.counts;
  return c.dispatch === 0 && c.finalize === 0 && ownCounts(report).length > 0;
}

/**
 * The run's counts in short lines (so they fit a narrow terminal): the contract's envelope (for an
 * event source only the line counts), then the keys a source adds of its own.
 */
export function countsLines(report: RunReport): string[] {
  const c = report.counts;
  const own = ownCounts(report).map(
    ([key, value]) => `${key} ${typeof value === 'number' ? integer(value) : String(value)}`,
  );
  const lines = `${plural(c.lines, 'line')} (${integer(c.blank)} blank, ${integer(c.skipped)} skipped)`;
  const duplicates = plural(c.duplicates, 'duplicate');
  if (eventSource(report)) return [`${lines} · ${duplicates}`, own.join(' · ')];
  return [
    `${lines} · ${plural(c.dispatch, 'dispatch', 'dispatches')} (${integer(c.denied)} denied) · ${plural(c.finalize, 'finalize', 'finalizes')}`,
    `${integer(c.joined)} joined · unmatched: ${integer(c.unmatched_dispatch)} dispatch, ${integer(c.unmatched_finalize)} finalize · ${duplicates}`,
    ...(own.length > 0 ? [own.join(' · ')] : []),
  ];
}
