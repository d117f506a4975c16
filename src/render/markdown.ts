import type { RunReport } from '../findings/schema.js';
import { integer, oneLine, pValue, ratio, slope } from './format.js';
import { hiddenRejectedNote } from './review.js';
import { slicedSections } from './sections.js';
import { countsLines, reportView, sectionHeadings } from './view.js';

/** Escapes log text for a markdown table cell: no markup, links, HTML or column breaks get through. */
export function escapeMarkdown(text: string): string {
  return oneLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1');
}

/** Headers in sentence case, whether they came written for the terminal (`UTIL P50`) or not. */
export function sentenceCase(header: string): string {
  const text = header === header.toUpperCase() ? header.toLowerCase() : header;
  return `${text.slice(0, 1).toUpperCase()}${text.slice(1)}`;
}

/** Every cell is escaped here, so no caller can forget one; headers are escaped too. */
function table(headers: string[], rows: string[][]): string[] {
  return [
    `| ${headers.map((h) => escapeMarkdown(sentenceCase(h))).join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(escapeMarkdown).join(' | ')} |`),
  ];
}

export function renderRunMarkdown(report: RunReport, options: { hiddenRejected?: number } = {}): string {
  const view = reportView(report.findings);
  const headings = sectionHeadings(report, view);
  const verdict = report.verdict === null ? 'no verdict' : `**${report.verdict.toUpperCase()}**`;
  const out = [
    `## afterburn: ${escapeMarkdown(report.source)}: ${verdict}`,
    '',
    countsLines(report).map(escapeMarkdown).join('<br>'),
    '',
  ];
  out.push('### Efficiency trend: input tokens per completed task', '');
  if (view.trends.length === 0) out.push('No completed tasks with input_tokens.');
  else
    out.push(
      ...table(
        [
          'Arm',
          'Verdict',
          'n',
          'Tokens/day (Theil–Sen)',
          'Mann–Kendall p',
          'First → last decile median',
          'Cache-read p50',
        ],
        view.trends.map((t) => [
          t.scope,
          t.verdict,
          integer(t.n),
          slope(t.theilSen, { signed: true }),
          pValue(t.pValue),
          `${integer(t.firstDecile)} → ${integer(t.lastDecile)}`,
          ratio(t.cacheP50),
        ]),
      ),
    );
  for (const section of slicedSections(report.findings)) {
    out.push(
      '',
      `### ${escapeMarkdown(section.title)}`,
      '',
      ...table(
        section.columns.map((column) => column.header),
        section.rows,
      ),
    );
  }
  out.push('', `### ${escapeMarkdown(headings.friction)}`, '');
  if (view.friction.length === 0) out.push(`${escapeMarkdown(sentenceCase(headings.noFriction))}.`);
  else
    out.push(
      ...table(
        ['Rank', 'Kind', 'Value', 'Count', 'Remediation'],
        view.friction.map((f) => [String(f.rank), f.kind, f.value, integer(f.count), f.remediation]),
      ),
    );
  if (view.latency.length > 0) {
    out.push(
      '',
      '### Latency (ms)',
      '',
      ...table(
        ['Arm', 'n', 'p50', 'p95', 'p99'],
        view.latency.map((l) => [l.scope, integer(l.n), integer(l.p50), integer(l.p95), integer(l.p99)]),
      ),
    );
  }
  if (headings.showSuggestions) {
    out.push('', '### Registry suggestions', '');
    if (view.suggestions.length === 0) out.push('None proposed.');
    else
      out.push(
        ...table(
          ['Times', 'Arms', 'Status', 'Suggestion'],
          view.suggestions.map((s) => [integer(s.occurrences), s.arms, s.status, s.suggestion]),
        ),
      );
  }
  if (view.others.length > 0) {
    out.push('', '### Other findings', '');
    out.push(
      ...table(
        ['Type', 'Scope', 'Description'],
        view.others.map((o) => [o.type, o.scope, o.description]),
      ),
    );
  }
  const hidden = hiddenRejectedNote(options.hiddenRejected);
  if (hidden !== null) out.push('', `_${escapeMarkdown(hidden)}_`);
  return `${out.join('\n')}\n`;
}
