import { styleText } from 'node:util';
import type { RunReport } from '../findings/schema.js';
import { integer, oneLine, plural, pValue, ratio, slope } from './format.js';
import { hiddenRejectedNote } from './review.js';
import { slicedSections } from './sections.js';
import { type Column, renderTextTable, truncate } from './text-table.js';
import {
  countsLines,
  type FrictionRow,
  type LatencyRow,
  type OtherRow,
  reportView,
  type SuggestionRow,
  sectionHeadings,
  type TrendRow,
} from './view.js';

export interface TerminalOptions {
  readonly width: number;
  readonly color: boolean;
  /** Rejected findings left out of the report (review.ts), for the closing line. */
  readonly hiddenRejected?: number;
}

type Style = Parameters<typeof styleText>[0];

const VERDICT_STYLE: Record<string, Style> = { PASS: 'green', FAIL: 'red', INCONCLUSIVE: 'yellow' };

// Newer Node versions check stdout themselves unless told not to; the caller has already decided.
const style = styleText as (format: Style, text: string, options?: { validateStream?: boolean }) => string;

function paint(options: TerminalOptions, format: Style, text: string): string {
  return options.color ? style(format, text, { validateStream: false }) : text;
}

/** Below this width the run table drops its secondary columns (and says so) rather than truncate. */
export const COMPACT_BELOW = 100;

interface RunColumn<R> extends Column {
  /** Left out in the compact layout. */
  readonly secondary?: boolean;
  readonly cell: (row: R) => string;
}

function section<R>(
  rows: readonly R[],
  columns: readonly RunColumn<R>[],
  options: TerminalOptions,
  style?: (row: R, column: RunColumn<R>, padded: string) => string,
): string[] {
  const compact = options.width < COMPACT_BELOW;
  const shown = columns.filter((column) => !(compact && column.secondary));
  return renderTextTable(
    shown,
    rows.map((row) => shown.map((column) => column.cell(row))),
    {
      width: options.width,
      indent: '  ',
      ...(style
        ? { style: (row, column, padded) => style(rows[row] as R, shown[column] as RunColumn<R>, padded) }
        : {}),
    },
  );
}

const TREND_COLUMNS: RunColumn<TrendRow>[] = [
  { header: 'ARM', flexible: true, cell: (t) => oneLine(t.scope) },
  { header: 'VERDICT', cell: (t) => t.verdict },
  { header: 'N', align: 'right', cell: (t) => integer(t.n) },
  { header: 'TOKENS/DAY', align: 'right', cell: (t) => slope(t.theilSen, { signed: true }) },
  { header: 'MK P', align: 'right', cell: (t) => pValue(t.pValue) },
  {
    header: 'FIRST → LAST DECILE',
    secondary: true,
    cell: (t) => `${integer(t.firstDecile)} → ${integer(t.lastDecile)}`,
  },
  { header: 'CACHE P50', align: 'right', secondary: true, cell: (t) => ratio(t.cacheP50) },
];

const FRICTION_COLUMNS: RunColumn<FrictionRow>[] = [
  { header: 'RANK', align: 'right', cell: (f) => String(f.rank) },
  { header: 'KIND', secondary: true, cell: (f) => f.kind },
  { header: 'VALUE', cell: (f) => oneLine(f.value) },
  { header: 'COUNT', align: 'right', cell: (f) => integer(f.count) },
  { header: 'REMEDIATION', flexible: true, cell: (f) => oneLine(f.remediation) },
];

const SUGGESTION_COLUMNS: RunColumn<SuggestionRow>[] = [
  { header: 'TIMES', align: 'right', cell: (s) => integer(s.occurrences) },
  { header: 'ARMS', secondary: true, cell: (s) => oneLine(s.arms) },
  { header: 'STATUS', cell: (s) => s.status },
  { header: 'SUGGESTION', flexible: true, cell: (s) => oneLine(s.suggestion) },
];

const LATENCY_COLUMNS: RunColumn<LatencyRow>[] = [
  { header: 'ARM', flexible: true, cell: (l) => oneLine(l.scope) },
  { header: 'N', align: 'right', cell: (l) => integer(l.n) },
  { header: 'P50', align: 'right', cell: (l) => integer(l.p50) },
  { header: 'P95', align: 'right', cell: (l) => integer(l.p95) },
  { header: 'P99', align: 'right', cell: (l) => integer(l.p99) },
];

const OTHER_COLUMNS: RunColumn<OtherRow>[] = [
  { header: 'TYPE', cell: (o) => o.type },
  { header: 'SCOPE', cell: (o) => oneLine(o.scope) },
  { header: 'DESCRIPTION', flexible: true, cell: (o) => oneLine(o.description) },
];

/** The human summary of a run: counts, the verdict per arm, top friction, suggestions. */
export function renderRunTable(report: RunReport, options: TerminalOptions): string {
  const view = reportView(report.findings);
  const headings = sectionHeadings(report, view);
  const out: string[] = [];
  const verdict = report.verdict === null ? 'NO VERDICT' : report.verdict.toUpperCase();
  out.push(
    `${paint(options, 'bold', 'afterburn')} · ${report.source} · ${plural(report.inputs.length, 'input')} · verdict ${paint(options, VERDICT_STYLE[verdict] ?? 'dim', verdict)}`,
  );
  out.push(...countsLines(report));
  if (options.width < COMPACT_BELOW) {
    const note = `compact (${options.width} cols): decile, cache, kind, arms columns hidden; ${COMPACT_BELOW}+ shows them`;
    out.push(paint(options, 'dim', truncate(note, options.width)));
  }

  out.push('', paint(options, 'bold', 'Efficiency trend: input tokens per completed task'));
  if (view.trends.length === 0) out.push('  no completed tasks with input_tokens');
  else
    out.push(
      ...section(view.trends, TREND_COLUMNS, options, (trend, column, padded) =>
        column.header === 'VERDICT' ? paint(options, VERDICT_STYLE[trend.verdict] ?? 'dim', padded) : padded,
      ),
    );

  for (const sliced of slicedSections(report.findings)) {
    out.push('', paint(options, 'bold', oneLine(sliced.title)));
    // Slice names (harness, model, task type) come from the log.
    const rows = sliced.rows.map((row) => row.map(oneLine));
    out.push(...renderTextTable(sliced.columns, rows, { width: options.width, indent: '  ' }));
  }

  out.push('', paint(options, 'bold', headings.friction));
  if (view.friction.length === 0) out.push(`  ${headings.noFriction}`);
  else out.push(...section(view.friction, FRICTION_COLUMNS, options));

  if (view.latency.length > 0) {
    out.push('', paint(options, 'bold', 'Latency (ms)'));
    out.push(...section(view.latency, LATENCY_COLUMNS, options));
  }

  if (headings.showSuggestions) {
    out.push('', paint(options, 'bold', 'Registry suggestions'));
    if (view.suggestions.length === 0) out.push('  none proposed');
    else out.push(...section(view.suggestions, SUGGESTION_COLUMNS, options));
  }
  if (view.others.length > 0) {
    out.push('', paint(options, 'bold', 'Other findings'));
    out.push(...section(view.others, OTHER_COLUMNS, options));
  }
  const hidden = hiddenRejectedNote(options.hiddenRejected);
  if (hidden !== null) out.push('', paint(options, 'dim', hidden));
  return `${out.join('\n')}\n`;
}
