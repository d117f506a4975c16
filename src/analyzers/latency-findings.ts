import type { LatencyData } from '../findings/data.js';
import { findingId } from '../findings/id.js';
import type { FindingDraft } from '../findings/schema.js';
import { quantile7 } from '../stats/quantiles.js';
import type { ScopeKind } from './rolling-findings.js';
import { formatInteger, TimeRange, verificationCommand } from './shared.js';
import type { AnalyzerContext } from './types.js';

export const LATENCY = 'latency';

export interface TimedValue {
  readonly scope: string | null;
  readonly at: number;
  readonly value: number;
}

/**
 * `latency` findings: p50/p95/p99 (R type 7) of a duration overall and per scope, with n. Under
 * `--min-samples` values the percentiles are null: a p99 of five tasks would be a made-up number.
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
    const sorted = group.values.sort((a, b) => a - b);
    const enough = n > 0 && n >= context.options.minSamples;
    const at = (p: number) => (enough ? quantile7(sorted, p) : null);
    const data: LatencyData = { metric, n, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
    const id = findingId(context.source, LATENCY, `${metric}:${scopeKind}:${scope ?? ''}`);
    const label = scope === null ? 'overall' : `${scopeKind} "${scope}"`;
    const ms = (value: number | null) => (value === null ? 'undefined' : `${formatInteger(value)} ms`);
    const summary = enough
      ? `p50 ${ms(data.p50)}, p95 ${ms(data.p95)}, p99 ${ms(data.p99)} (n=${n})`
      : `undefined (n=${n}, fewer than ${context.options.minSamples})`;
    return {
      id,
      type: LATENCY,
      source: context.source,
      description: `${metric} ${label}: ${summary}.`,
      confidence: Math.min(1, n / Math.max(1, context.options.minSamples * 3)),
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
