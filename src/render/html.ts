import { EfficiencyTrendData, type Finding, type RunReport } from '../findings/schema.js';
import { integer, plural, pText, ratio, slope } from './format.js';
import { barChart, cacheRatioChart, resetChartIds, trendChart } from './html-charts.js';
import { codeSpans, html, SafeHtml } from './html-escape.js';
import { REPORT_CSS } from './html-style.js';
import { hiddenRejectedNote, reviewMark } from './review.js';
import { slicedSections } from './sections.js';
import {
  allArmsFirstThenByArm,
  eventSource,
  ownCounts,
  type ReportView,
  reportView,
  type SectionHeadings,
  sectionHeadings,
} from './view.js';

/**
 * The HTML report: one self-contained page (inline CSS and SVG, no script, nothing fetched), so it
 * works offline, from file://, and as a CI artifact. The Content-Security-Policy forbids scripts
 * and every fetch, as a second line of defence behind the escaping.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export interface HtmlOptions {
  /** When the run happened (ISO 8601), shown in the header. */
  readonly runAt?: string;
  /** Rejected findings left out of the report (review.ts), for the closing note. */
  readonly hiddenRejected?: number;
}

function verdictBadge(verdict: string | null | undefined): SafeHtml {
  const name = verdict ?? 'none';
  return html`<span class="verdict ${name}">${verdict ? verdict.toUpperCase() : 'NO VERDICT'}</span>`;
}

function countsGrid(report: RunReport): SafeHtml {
  const c = report.counts;
  // Event sources (task completions, WorkRail) have no dispatch/finalize join: their own counts instead.
  const cells: [string, unknown][] = [
    ...(eventSource(report)
      ? [
          ['lines', c.lines],
          ['skipped', c.skipped],
          ['duplicates', c.duplicates],
        ]
      : [
          ['lines', c.lines],
          ['skipped', c.skipped],
          ['dispatch', c.dispatch],
          ['denied', c.denied],
          ['finalize', c.finalize],
          ['joined', c.joined],
          ['unmatched dispatch', c.unmatched_dispatch],
          ['unmatched finalize', c.unmatched_finalize],
          ['duplicates', c.duplicates],
        ]),
    ...ownCounts(report).map(([key, value]): [string, unknown] => [key.replace(/_/g, ' '), value]),
  ] as [string, unknown][];
  return html`<div class="counts">${cells.map(
    ([label, value]) =>
      html`<div><b>${typeof value === 'number' ? integer(value) : String(value)}</b>${label}</div>`,
  )}</div>`;
}

/** The sliced finding types (estimate accuracy, outcome rates, context pressure) as plain tables. */
function slicedTables(report: RunReport): (SafeHtml | '')[] {
  return slicedSections(report.findings).map((section) =>
    plainTable(
      section.title,
      section.columns.map((c) => c.header),
      section.rows,
      section.columns.flatMap((c, i) => (c.align === 'right' ? [i] : [])),
    ),
  );
}

function trendSection(finding: Finding): SafeHtml {
  const scope = finding.scope.arm ?? 'all arms';
  const heading = `${scope}${reviewMark(finding)}`;
  const parsed = EfficiencyTrendData.safeParse(finding.data);
  const data = parsed.success ? parsed.data : null;
  const summary = html`<p>${verdictBadge(finding.verdict)} n = ${integer(data?.n ?? finding.frequency)} · Theil–Sen ${slope(
    data?.theil_sen_slope,
    { signed: true },
  )} tokens/day · Mann–Kendall ${pText(data?.mk_p_value)} · first → last decile median ${integer(
    data?.first_decile_median,
  )} → ${integer(data?.last_decile_median)} tokens</p><p class="note">${codeSpans(finding.description)}</p>`;
  if (data?.daily === undefined) {
    return html`<div class="card"><h3>${heading}</h3>${summary}<p class="note">This store has no chart data for this finding: run afterburn discover again to add it.</p></div>`;
  }
  const cache = data.cache_read_ratio;
  return html`<div class="card"><h3>${heading}</h3>${summary}${trendChart({
    scope,
    daily: data.daily,
    theilSenSlope: data.theil_sen_slope,
    theilSenIntercept: data.theil_sen_intercept ?? null,
    origin: data.origin ?? null,
  })}<p class="legend note"><span><i style="background: var(--accent)"></i>daily median</span><span><i style="background: var(--band); height: 10px"></i>interquartile range</span><span><i style="background: var(--fit)"></i>Theil–Sen line</span></p><details><summary>Daily values</summary><table><thead><tr><th>day</th><th class="num">tasks</th><th class="num">q1</th><th class="num">median</th><th class="num">q3</th></tr></thead><tbody>${data.daily.map(
    (d) =>
      html`<tr><td>${d.day}</td><td class="num">${integer(d.n)}</td><td class="num">${integer(d.q1)}</td><td class="num">${integer(d.median)}</td><td class="num">${integer(d.q3)}</td></tr>`,
  )}</tbody></table></details><h4>Cache-read ratio</h4><p class="note">n = ${integer(cache.n)} · p10 ${ratio(cache.p10)} · p50 ${ratio(cache.p50)} · p90 ${ratio(cache.p90)} · mean ${ratio(cache.mean)}</p>${
    data.cache_read_ratio_histogram && cache.n > 0
      ? cacheRatioChart(scope, data.cache_read_ratio_histogram)
      : ''
  }</div>`;
}

/** What a friction bar counts, for the chart's axis title. */
const KIND_UNIT: Readonly<Record<string, string>> = {
  block_reason: 'denied dispatches',
  rationalization: 'denied dispatches',
  quality_gate: 'failed tasks',
};

const KIND_TITLE: Readonly<Record<string, string>> = {
  block_reason: 'Top block reasons',
  rationalization: 'Top rationalizations',
  quality_gate: 'Top failing quality gates',
};

function frictionSection(view: ReportView, headings: SectionHeadings): SafeHtml {
  const rows = view.friction;
  if (rows.length === 0) return html`<p>${headings.noFriction}.</p>`;
  const kinds = [...new Set(rows.map((r) => r.kind))];
  const charts = kinds.map((kind) => {
    const title = KIND_TITLE[kind] ?? `Top friction: ${kind.replace(/_/g, ' ')}`;
    const top = rows.filter((r) => r.kind === kind).slice(0, 10);
    return html`<h3>${title}</h3>${barChart(
      title,
      top.map((r) => ({ label: r.value, count: r.count })),
      KIND_UNIT[kind] ?? 'occurrences',
    )}`;
  });
  return html`${charts}<table><caption>Friction and how to remove it</caption><thead><tr><th class="num">rank</th><th>kind</th><th>value</th><th class="num">count</th><th>remediation</th></tr></thead><tbody>${rows.map(
    (r) =>
      html`<tr><td class="num">${r.rank}</td><td>${r.kind}</td><td class="wrap">${r.value}</td><td class="num">${integer(r.count)}</td><td>${codeSpans(r.remediation)}</td></tr>`,
  )}</tbody></table>`;
}

function suggestionsSection(view: ReportView): SafeHtml {
  const rows = view.suggestions;
  if (rows.length === 0) return html`<p>None proposed.</p>`;
  return html`<table><thead><tr><th class="num">times</th><th>arms</th><th>status</th><th>suggestion</th></tr></thead><tbody>${rows.map(
    (s) =>
      html`<tr><td class="num">${integer(s.occurrences)}</td><td>${s.arms}</td><td>${s.status}</td><td><code>${s.suggestion}</code></td></tr>`,
  )}</tbody></table>`;
}

/** A titled table of plain cells (`code` spans become <code>); columns in `numeric` are right-aligned. */
function plainTable(
  title: string,
  headers: string[],
  rows: string[][],
  numeric: number[] = [],
): SafeHtml | '' {
  if (rows.length === 0) return '';
  const cell = (i: number, text: string, tag: 'th' | 'td'): SafeHtml =>
    numeric.includes(i)
      ? tag === 'th'
        ? html`<th class="num">${text}</th>`
        : html`<td class="num">${codeSpans(text)}</td>`
      : tag === 'th'
        ? html`<th>${text}</th>`
        : html`<td>${codeSpans(text)}</td>`;
  return html`<h2>${title}</h2><table><thead><tr>${headers.map((h, i) => cell(i, h, 'th'))}</tr></thead><tbody>${rows.map(
    (row) => html`<tr>${row.map((text, i) => cell(i, text, 'td'))}</tr>`,
  )}</tbody></table>`;
}

export function renderRunHtml(report: RunReport, options: HtmlOptions = {}): string {
  resetChartIds();
  const hiddenNote = hiddenRejectedNote(options.hiddenRejected);
  const view = reportView(report.findings);
  const headings = sectionHeadings(report, view);
  const trends = report.findings.filter((f) => f.type === 'efficiency_trend').sort(allArmsFirstThenByArm);
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">
<title>afterburn report: ${report.source}</title><style>${new SafeHtml(REPORT_CSS)}</style></head>
<body><header><h1>afterburn: ${report.source} ${verdictBadge(report.verdict)}</h1>
<p class="muted">${options.runAt ? html`Run at ${options.runAt} · ` : ''}${plural(report.inputs.length, 'input')}: ${report.inputs.join(', ')}</p>
<p class="note">The overall verdict answers: is input-tokens-per-completed-task trending down over all arms? PASS = a significant decrease (one-sided Mann–Kendall test), FAIL = flat or rising, INCONCLUSIVE = too few tasks.</p>
${countsGrid(report)}</header>
<main><h2>Efficiency trend: input tokens per completed task</h2>${
    trends.length === 0 ? html`<p>No completed tasks with input_tokens.</p>` : trends.map(trendSection)
  }
${slicedTables(report)}
<h2>${headings.friction}</h2>${frictionSection(view, headings)}
${plainTable(
  'Latency (ms)',
  ['arm', 'n', 'p50', 'p95', 'p99'],
  view.latency.map((l) => [l.scope, integer(l.n), integer(l.p50), integer(l.p95), integer(l.p99)]),
  [1, 2, 3, 4],
)}
${headings.showSuggestions ? html`<h2>Registry suggestions</h2>${suggestionsSection(view)}` : ''}
${plainTable(
  'Other findings',
  ['type', 'scope', 'description'],
  view.others.map((o) => [o.type, o.scope, o.description]),
)}</main>
<footer>${hiddenNote === null ? '' : html`<p class="note">${hiddenNote}</p>`}<p class="note">Generated by afterburn from the findings store; every value from the logs is shown as text.</p></footer>
</body></html>
`;
  return page.value;
}
