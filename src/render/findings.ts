import { isUnmeasured } from '../findings/measured.js';
import type { Finding } from '../findings/schema.js';
import { integer, MISSING, oneLine, plural, pText, pValue, ratio, slope } from './format.js';
import { scopeLabel } from './scope.js';
import type { TerminalOptions } from './table.js';
import { renderTextTable, truncate } from './text-table.js';

/**
 * `findings list` and `findings show` for people. The list is one row per finding that fits 80
 * columns (ids shortened, the scope shown so per-arm rows differ, one short headline per type);
 * the detail is a summary of a screen or so. Both leave the full record to `--json`.
 */

/** Hex characters of the id's hash kept in the list: unique in practice, git-style. */
const SHORT_HASH = 8;
/** Longer scopes (arm or slice names come from the log) are cut, so the headline keeps its room. */
const SCOPE_WIDTH = 16;

/**
 * The shortest form of each id that `findings show` still resolves: the type part and
 * SHORT_HASH hex characters, longer where two ids of `all` (the whole store) would share it.
 * Another id starts with a prefix exactly when their common prefix is at least as long, and the
 * longest common prefix with any id is the one with a neighbour in sorted order: so one sort and
 * a binary search per id, not a scan of the whole store per id and length.
 */
export function shortIds(ids: readonly string[], all: readonly string[]): Map<string, string> {
  const sorted = [...new Set(all)].sort();
  const result = new Map<string, string>();
  for (const id of ids) {
    const hash = id.lastIndexOf('-');
    const base = hash < 0 ? id.length : Math.min(id.length, hash + 1 + SHORT_HASH);
    const at = lowerBound(sorted, id);
    const after = sorted[at] === id ? at + 1 : at;
    const shared = Math.max(commonPrefix(id, sorted[at - 1]), commonPrefix(id, sorted[after]));
    result.set(id, id.slice(0, Math.min(id.length, Math.max(base, shared + 1))));
  }
  return result;
}

/** The first index of `sorted` whose item is not below `value`. */
function lowerBound(sorted: readonly string[], value: string): number {
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function commonPrefix(a: string, b: string | undefined): number {
  if (b === undefined) return 0;
  let length = 0;
  while (length < a.length && length < b.length && a[length] === b[length]) length++;
  return length;
}

const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** One short line of what a finding says, by type; the description where a type has no headline. */
export function headline(finding: Finding): string {
  const d = finding.data;
  switch (finding.type) {
    case 'efficiency_trend':
      return `${(finding.verdict ?? 'inconclusive').toUpperCase()} ${slope(num(d.theil_sen_slope), { signed: true })} tokens/day, ${pText(num(d.mk_p_value))}`;
    case 'friction':
      return `${String(d.kind)}: ${String(d.value)}`;
    case 'rolling_rate':
      return `${String(d.metric)} ${ratio(num(d.value))} (n ${integer(num(d.n))}/${integer(num(d.window))})`;
    case 'threshold_crossed':
      return `${String(d.metric)} crossed ${String(d.direction)} at ${ratio(num(d.value))}`;
    case 'latency':
    case 'distribution':
      return `${String(d.metric)} p50 ${integer(num(d.p50))}, p95 ${integer(num(d.p95))} ${String(d.unit ?? 'ms')}`;
    case 'registry_suggestion':
      return JSON.stringify(d.suggestion) ?? '';
    default:
      return finding.description;
  }
}

/** An unreviewed finding that measured nothing is not a candidate: the list says what it is. */
function statusText(finding: Finding): string {
  return finding.status === 'candidate' && isUnmeasured(finding) ? 'unmeasured' : finding.status;
}

/** The closing line's note on findings the list left out because they measured nothing yet. */
function hiddenNote(hidden: number): string {
  return hidden === 0
    ? ''
    : `${plural(hidden, 'unmeasured finding')} not listed (too few values yet); --unmeasured lists ${hidden === 1 ? 'it' : 'them'}`;
}

/**
 * `findings list` as a table; `all` is the whole store, so the shortened ids stay unambiguous;
 * `hiddenUnmeasured` counts the matching findings left out as unmeasured, so the list says so.
 */
export function renderFindingsTable(
  findings: readonly Finding[],
  options: TerminalOptions,
  all: readonly Finding[] = findings,
  { hiddenUnmeasured = 0 }: { hiddenUnmeasured?: number } = {},
): string {
  const hidden = hiddenNote(hiddenUnmeasured);
  if (findings.length === 0) return `no findings match${hidden ? `: ${hidden}` : ''}\n`;
  const ids = shortIds(
    findings.map((f) => f.id),
    all.map((f) => f.id),
  );
  const rows = findings.map((f) => [
    ids.get(f.id) ?? f.id,
    statusText(f),
    truncate(scopeLabel(f), SCOPE_WIDTH),
    integer(f.frequency),
    oneLine(headline(f)),
  ]);
  const lines = renderTextTable(
    [
      { header: 'ID' },
      { header: 'STATUS' },
      { header: 'SCOPE' },
      { header: 'N', align: 'right' },
      { header: 'SUMMARY', flexible: true },
    ],
    rows,
    { width: options.width },
  );
  const count = `${findings.length} finding${findings.length === 1 ? '' : 's'}`;
  lines.push(
    '',
    truncate(`${count}; afterburn findings show <id> for one, --json for all fields`, options.width),
  );
  if (hidden) lines.push(truncate(hidden, options.width));
  return `${lines.join('\n')}\n`;
}

/** A number of `data` as the renderers write it: p-values, slopes, counts and shares each their way. */
function numberText(key: string, value: number): string {
  if (key.includes('p_value')) return pValue(value);
  if (key.includes('slope')) return slope(value, { signed: true });
  if (Number.isInteger(value) || Math.abs(value) >= 100) return integer(value);
  return ratio(value);
}

function valueText(key: string, value: unknown): string | null {
  if (typeof value === 'number') return numberText(key, value);
  if (value === null) return MISSING;
  if (typeof value === 'string' || typeof value === 'boolean') return oneLine(String(value));
  if (Array.isArray(value)) return `${value.length} values (--json shows them)`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    // A small flat object (percentiles, counts per arm) reads well on one line; a larger one does not.
    if (entries.length > 8 || entries.some(([, v]) => typeof v === 'object' && v !== null))
      return key === 'suggestion'
        ? oneLine(JSON.stringify(value))
        : `${entries.length} fields (--json shows them)`;
    return entries.map(([k, v]) => `${oneLine(k)} ${valueText(k, v) ?? ''}`).join(', ') || MISSING;
  }
  return null;
}

const LABEL = 13;
const field = (label: string, text: string): string => `${label.padEnd(LABEL)}${text}`;

function reviewLines(finding: Finding): string[] {
  const notes = finding.notes ?? [];
  const lines = [
    field(
      'status',
      finding.status !== 'candidate'
        ? finding.status
        : isUnmeasured(finding)
          ? 'unmeasured (nothing to review until a run measures it)'
          : `candidate (not reviewed: afterburn findings verify ${finding.id} [--reject] [--note …])`,
    ),
  ];
  for (const note of notes)
    lines.push(field('', `${note.at} ${note.status}${note.text ? `: ${oneLine(note.text)}` : ''}`));
  return lines;
}

/** No confidence for what was not measured: it says why instead (the evidence has the n). */
function confidenceText(finding: Finding): string {
  return isUnmeasured(finding)
    ? `${MISSING} (unmeasured: window not full or too few values)`
    : ratio(finding.confidence);
}

/** `findings show` for people: what it says, its numbers, evidence, the fix and its review. */
export function renderFindingDetail(finding: Finding): string {
  const lines = [
    finding.id,
    `${finding.type} · ${finding.source} · ${scopeLabel(finding)}`,
    oneLine(finding.description),
    '',
  ];
  if (finding.verdict) lines.push(field('verdict', finding.verdict.toUpperCase()));
  lines.push(field('evidence', oneLine(finding.evidence)));
  const remediation = finding.data.remediation;
  if (typeof remediation === 'string' && remediation !== '')
    lines.push(field('remediation', oneLine(remediation)));
  lines.push(...reviewLines(finding));
  lines.push(
    field(
      'confidence',
      `${confidenceText(finding)} · frequency ${integer(finding.frequency)} · occurrences ${integer(finding.occurrences)}`,
    ),
    field('seen', `${finding.first_seen ?? MISSING} … ${finding.last_seen ?? MISSING}`),
    field('created', finding.created_at),
  );
  if (finding.verification) lines.push(field('verify with', oneLine(finding.verification)));
  const numbers = Object.entries(finding.data)
    .filter(([key]) => key !== 'remediation')
    .map(([key, value]) => [oneLine(key), valueText(key, value)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== null);
  if (numbers.length > 0) {
    const width = Math.max(...numbers.map(([key]) => key.length)) + 2;
    lines.push('', 'data:', ...numbers.map(([key, text]) => `  ${key.padEnd(width)}${text}`));
  }
  lines.push('', `all fields: afterburn findings show ${finding.id} --json`);
  return `${lines.join('\n')}\n`;
}
