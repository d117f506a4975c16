import type { MetricDelta } from '../health/compare.js';
import { unmeasuredGated } from '../health/compare.js';
import type { Limit } from '../health/config.js';
import { decimal, MISSING, plural } from './format.js';
import { escapeMarkdown } from './markdown.js';

function describeLimit(limit: Limit | null): string {
  if (limit === null) return '';
  const parts = [];
  if (limit.max_drop !== undefined) parts.push(`drop ≤ ${decimal(limit.max_drop)}`);
  if (limit.max_rise !== undefined) parts.push(`rise ≤ ${decimal(limit.max_rise)}`);
  return parts.join(', ');
}

function status(d: MetricDelta, allowUnmeasured: boolean): string {
  if (d.limit === null) return d.basis === 'unmeasured' ? 'unmeasured' : '';
  if (d.basis === 'unmeasured') return allowUnmeasured ? 'unmeasured (allowed)' : '**UNMEASURED**';
  const whole = d.basis === 'whole_log' ? ' (whole log)' : '';
  return `${d.breached ? '**BREACHED**' : 'ok'}${whole}`;
}

/** `afterburn compare` for people: the deltas as a markdown table (a job summary reads it as is). */
export function renderDeltasMarkdown(
  name: string,
  deltas: readonly MetricDelta[],
  options: { allowUnmeasured?: boolean } = {},
): string {
  const allow = options.allowUnmeasured === true;
  const rows = deltas.map((d) => {
    const delta = d.delta === null ? MISSING : `${d.delta > 0 ? '+' : ''}${decimal(d.delta)}`;
    return `| ${escapeMarkdown(d.name)} | ${decimal(d.baseline)} | ${decimal(d.current)} | ${delta} | ${describeLimit(d.limit)} | ${status(d, allow)} |`;
  });
  const breached = deltas.filter((d) => d.breached).length;
  const unmeasured = unmeasuredGated(deltas).length;
  const summary = [
    breached === 0 ? 'No limit breached.' : `${plural(breached, 'limit')} breached.`,
    ...(unmeasured === 0
      ? []
      : [
          `${plural(unmeasured, 'gated metric')} unmeasured${allow ? ' (allowed by --allow-unmeasured)' : ': the compare fails (--allow-unmeasured lets it pass)'}.`,
        ]),
  ].join(' ');
  const notes = deltas
    .filter((d) => d.note !== null && d.limit !== null)
    .map((d) => `- ${escapeMarkdown(d.name)}: ${escapeMarkdown(d.note ?? '')}`);
  return [
    `## afterburn compare: baseline ${escapeMarkdown(name)}`,
    '',
    summary,
    '',
    '| Metric | Baseline | Current | Delta | Limit | Status |',
    '|---|---|---|---|---|---|',
    ...rows,
    ...(notes.length > 0 ? ['', ...notes] : []),
    '',
  ].join('\n');
}
