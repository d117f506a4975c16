import { styleText } from 'node:util';
import type { Finding, RunReport } from '../findings/schema.js';
import { integer, oneLine, pValue, ratio, signedInteger } from './format.js';
import { slicedSections } from './sections.js';
import { renderTextTable } from './text-table.js';
import { countsLines, reportView, sectionHeadings } from './view.js';

export interface TerminalOptions {
  readonly width: number;
  readonly color: boolean;
}

type Style = Parameters<typeof styleText>[0];

const VERDICT_STYLE: Record<string, Style> = { PASS: 'green', FAIL: 'red', INCONCLUSIVE: 'yellow' };

// Newer Node versions check stdout themselves unless told not to; the caller has already decided.
const style = styleText as (format: Style, text: string, options?: { validateStream?: boolean }) => string;

function paint(options: TerminalOptions, format: Style, text: string): string {
  return options.color ? style(format, text, { validateStream: false }) : text;
}

/** The human summary of a run: counts, the verdict per arm, top friction, suggestions. */
export function renderRunTable(report: RunReport, options: TerminalOptions): string {
  const view = reportView(report.findings);
  const headings = sectionHeadings(report, view);
  const out: string[] = [];
  const verdict = report.verdict === null ? 'NO VERDICT' : report.verdict.toUpperCase();
  out.push(
    `${paint(options, 'bold', 'afterburn')} · ${report.source} · ${report.inputs.length} input(s) · verdict ${paint(options, VERDICT_STYLE[verdict] ?? 'dim', verdict)}`,
  );
  out.push(...countsLines(report));

  out.push('', paint(options, 'bold', 'Efficiency trend: input tokens per completed task'));
  if (view.trends.length === 0) {
    out.push('  no completed tasks with input_tokens');
  } else {
    const rows = view.trends.map((t) => [
      oneLine(t.scope),
      t.verdict,
      String(t.n),
      signedInteger(t.theilSen),
      pValue(t.pValue),
      `${integer(t.firstDecile)} → ${integer(t.lastDecile)}`,
      ratio(t.cacheP50),
    ]);
    out.push(
      ...renderTextTable(
        [
          { header: 'ARM', flexible: true },
          { header: 'VERDICT' },
          { header: 'N', align: 'right' },
          { header: 'TOKENS/DAY', align: 'right' },
          { header: 'MK P', align: 'right' },
          { header: 'FIRST → LAST DECILE' },
          { header: 'CACHE P50', align: 'right' },
        ],
        rows,
        {
          width: options.width,
          indent: '  ',
          style: (row, column, padded) =>
            column === 1
              ? paint(options, VERDICT_STYLE[view.trends[row]?.verdict ?? ''] ?? 'dim', padded)
              : padded,
        },
      ),
    );
  }

  for (const section of slicedSections(report.findings)) {
    out.push('', paint(options, 'bold', oneLine(section.title)));
    // Slice names (harness, model, task type) come from the log.
    const rows = section.rows.map((row) => row.map(oneLine));
    out.push(...renderTextTable(section.columns, rows, { width: options.width, indent: '  ' }));
  }

  out.push('', paint(options, 'bold', headings.friction));
  if (view.friction.length === 0) {
    out.push(`  ${headings.noFriction}`);
  } else {
    const rows = view.friction.map((f) => [
      String(f.rank),
      f.kind,
      oneLine(f.value),
      String(f.count),
      oneLine(f.remediation),
    ]);
    out.push(
      ...renderTextTable(
        [
          { header: 'RANK', align: 'right' },
          { header: 'KIND' },
          { header: 'VALUE' },
          { header: 'COUNT', align: 'right' },
          { header: 'REMEDIATION', flexible: true },
        ],
        rows,
        { width: options.width, indent: '  ' },
      ),
    );
  }

  if (view.latency.length > 0) {
    out.push('', paint(options, 'bold', 'Latency (ms)'));
    out.push(
      ...renderTextTable(
        [
          { header: 'ARM', flexible: true },
          { header: 'N', align: 'right' },
          { header: 'P50', align: 'right' },
          { header: 'P95', align: 'right' },
          { header: 'P99', align: 'right' },
        ],
        view.latency.map((l) => [
          oneLine(l.scope),
          String(l.n),
          integer(l.p50),
          integer(l.p95),
          integer(l.p99),
        ]),
        { width: options.width, indent: '  ' },
      ),
    );
  }

  if (headings.showSuggestions) {
    out.push('', paint(options, 'bold', 'Registry suggestions'));
    if (view.suggestions.length === 0) {
      out.push('  none proposed');
    } else {
      const rows = view.suggestions.map((s) => [
        String(s.occurrences),
        oneLine(s.arms),
        s.status,
        oneLine(s.suggestion),
      ]);
      out.push(
        ...renderTextTable(
          [
            { header: 'TIMES', align: 'right' },
            { header: 'ARMS' },
            { header: 'STATUS' },
            { header: 'SUGGESTION', flexible: true },
          ],
          rows,
          { width: options.width, indent: '  ' },
        ),
      );
    }
  }
  if (view.others.length > 0) {
    out.push('', paint(options, 'bold', 'Other findings'));
    out.push(
      ...renderTextTable(
        [{ header: 'TYPE' }, { header: 'SCOPE' }, { header: 'DESCRIPTION', flexible: true }],
        view.others.map((o) => [o.type, oneLine(o.scope), oneLine(o.description)]),
        { width: options.width, indent: '  ' },
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

/** `findings list` as a table. */
export function renderFindingsTable(findings: readonly Finding[], options: TerminalOptions): string {
  if (findings.length === 0) return 'no findings\n';
  const rows = findings.map((f) => [
    f.id,
    f.type,
    f.status,
    f.verdict?.toUpperCase() ?? '',
    String(f.frequency),
    oneLine(f.description),
  ]);
  const lines = renderTextTable(
    [
      { header: 'ID' },
      { header: 'TYPE' },
      { header: 'STATUS' },
      { header: 'VERDICT' },
      { header: 'FREQ', align: 'right' },
      { header: 'DESCRIPTION', flexible: true },
    ],
    rows,
    { width: options.width },
  );
  return `${lines.join('\n')}\n`;
}

/**
 * JSON.stringify escapes C0 controls but passes C1 controls and bidirectional overrides through
 * to the terminal; they can only occur inside strings, where a \u escape is equally valid JSON.
 */
function terminalSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `findings show` for people. */
export function renderFindingDetail(finding: Finding): string {
  const lines = [
    `${finding.id}  ${finding.type}  ${finding.status}${finding.verdict ? `  ${finding.verdict.toUpperCase()}` : ''}`,
    oneLine(finding.description),
    '',
    `evidence:     ${oneLine(finding.evidence)}`,
    `theme:        ${finding.theme}`,
    `scope:        ${finding.scope.arm === null ? 'all arms' : oneLine(finding.scope.arm)}`,
    `frequency:    ${finding.frequency} (confidence ${finding.confidence.toFixed(2)})`,
    `seen:         ${finding.first_seen ?? '–'} … ${finding.last_seen ?? '–'}`,
    `created:      ${finding.created_at}`,
  ];
  if (finding.verification) lines.push(`verify with:  ${oneLine(finding.verification)}`);
  for (const note of finding.notes ?? [])
    lines.push(`note:         ${note.at} ${note.status}${note.text ? `: ${oneLine(note.text)}` : ''}`);
  lines.push(
    '',
    'data:',
    ...terminalSafeJson(finding.data)
      .split('\n')
      .map((l) => `  ${l}`),
  );
  return `${lines.join('\n')}\n`;
}
