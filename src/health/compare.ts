import type { Limit } from './config.js';
import { formatValue, type SnapshotMetric } from './snapshot.js';

export interface MetricDelta {
  readonly name: string;
  readonly baseline: number | null;
  readonly current: number | null;
  /** current − baseline; null when either side is undefined. */
  readonly delta: number | null;
  readonly limit: Limit | null;
  readonly breached: boolean;
}

/** Float noise (0.86 − 0.84 = 0.020000000000000018) must not breach a limit of exactly 0.02. */
const TOLERANCE = 1e-9;

/**
 * Deltas of every metric present in both snapshots. A limit is breached when the value dropped by
 * more than `max_drop` or rose by more than `max_rise`; a metric undefined on either side cannot
 * breach (there is nothing to compare), and is reported as such.
 */
export function compareSnapshots(
  baseline: readonly SnapshotMetric[],
  current: readonly SnapshotMetric[],
  limits: ReadonlyMap<string, Limit>,
): MetricDelta[] {
  const before = new Map(baseline.map((m) => [m.name, m]));
  return current
    .filter((m) => before.has(m.name))
    .map((m) => {
      const old = (before.get(m.name) as SnapshotMetric).value;
      const delta = old === null || m.value === null ? null : m.value - old;
      const limit = limits.get(m.name) ?? null;
      const breached =
        delta !== null &&
        limit !== null &&
        ((limit.max_drop !== undefined && -delta > limit.max_drop + TOLERANCE) ||
          (limit.max_rise !== undefined && delta > limit.max_rise + TOLERANCE));
      return { name: m.name, baseline: old, current: m.value, delta, limit, breached };
    });
}

function describeLimit(limit: Limit | null): string {
  if (limit === null) return '';
  const parts = [];
  if (limit.max_drop !== undefined) parts.push(`drop ≤ ${limit.max_drop}`);
  if (limit.max_rise !== undefined) parts.push(`rise ≤ ${limit.max_rise}`);
  return parts.join(', ');
}

export function renderDeltasMarkdown(name: string, deltas: readonly MetricDelta[]): string {
  const rows = deltas.map((d) => {
    const delta = d.delta === null ? 'n/a' : `${d.delta > 0 ? '+' : ''}${formatValue(d.delta)}`;
    const status =
      d.limit === null ? '' : d.delta === null ? 'not comparable' : d.breached ? '**BREACHED**' : 'ok';
    return `| ${d.name} | ${formatValue(d.baseline)} | ${formatValue(d.current)} | ${delta} | ${describeLimit(d.limit)} | ${status} |`;
  });
  const breached = deltas.filter((d) => d.breached).length;
  return [
    `## afterburn compare: baseline \`${name}\``,
    '',
    breached === 0 ? 'No limit breached.' : `${breached} limit${breached === 1 ? '' : 's'} breached.`,
    '',
    '| metric | baseline | current | delta | limit | status |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
