import { MISSING } from '../common/format.js';
import { findingId } from '../findings/id.js';
import type { FindingDraft } from '../findings/schema.js';
import { LATENCY, latencyData } from './latency.js';
import type { ScopeKind } from './rolling-findings.js';
import { formatInteger, TimeRange, verificationCommand } from './shared.js';
import type { AnalyzerContext } from './types.js';

export { LATENCY };

export interface TimedValue {
  readonly scope: string | null;
  readonly at: number;
  readonly value: number;
}

/**
 * `latency` findings of a duration overall and per scope (channel, project), with the
 * percentiles and minimum counts of latency.ts (a percentile p needs n ≥ 1/(1−p)).
 */
export function latencyFindings(
  values: readonly TimedValue[],
  metric: string,
  scopeKind: ScopeKind,
  context: AnalyzerContext,
): FindingDraft[] {
  // No values, no finding: an empty input reports `findings: []` (contract).
  if (values.length === 0) return [];
  const groups = new Map<string | null, { values: number[]; range: TimeRange }>();
  const add = (scope: string | null, item: TimedValue) => {
    let group = groups.get(scope);
    if (group === undefined) {
      group = { values: [], range: new TimeRange() };
      groups.set(scope, group);
    }
    group.values.push(item.value);
    group.range.add(item.at);
  };
  for (const item of values) {
    add(null, item);
    if (item.scope !== null) add(item.scope, item);
  }
  const scopes = [null, ...[...groups.keys()].filter((s): s is string => s !== null).sort()];
  return scopes.map((scope) => {
    const group = groups.get(scope) as { values: number[]; range: TimeRange };
    const n = group.values.length;
    const data = latencyData(metric, group.values);
    const id = findingId(context.source, LATENCY, `${metric}:${scopeKind}:${scope ?? ''}`);
    const label = scope === null ? 'overall' : `${scopeKind} "${scope}"`;
    const ms = (value: number | null) => (value === null ? MISSING : `${formatInteger(value)} ms`);
    const summary = `p50 ${ms(data.p50)}, p95 ${ms(data.p95)}, p99 ${ms(data.p99)} (n=${n}; a percentile p needs n ≥ 1/(1−p))`;
    return {
      id,
      type: LATENCY,
      source: context.source,
      description: `${metric} ${label}: ${summary}.`,
      // No percentile at all (too few values) is no measurement: like an unfilled rate window.
      confidence: data.p50 === null ? 0 : Math.min(1, n / 100),
      frequency: n,
      sessions: [],
      evidence: summary,
      verification: verificationCommand(context.source, context.inputs, id),
      theme: 'health',
      project_slug: scopeKind === 'project' ? scope : null,
      occurrences: n,
      first_seen: group.range.first,
      last_seen: group.range.last,
      scope: scopeKind === 'arm' ? { arm: scope } : { arm: null, [scopeKind]: scope },
      data,
    };
  });
}
