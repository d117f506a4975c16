import { dollarsFromMicros } from '../common/money.js';
import type { Finding } from '../findings/schema.js';
import { type SnapshotMetric, snapshotOf, stateText } from '../health/snapshot.js';
import { decimal, integer, MISSING, plural, ratio } from './format.js';
import { reviewMark } from './review.js';

/**
 * Report sections for the finding types that come in slices (estimate_accuracy, outcome_rates,
 * context_pressure): one row per slice, plain strings, so the terminal table and the markdown
 * renderer show the same facts. A section appears only when the run produced its findings.
 */
export interface Section {
  readonly title: string;
  /** The flexible column (truncated on a narrow terminal) is the slice name. */
  readonly columns: readonly { header: string; align?: 'left' | 'right'; flexible?: boolean }[];
  readonly rows: string[][];
}

type Data = Record<string, unknown>;
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const obj = (value: unknown): Data =>
  typeof value === 'object' && value !== null ? (value as Data) : Object.create(null);

function scopeOf(data: Data): string {
  return data.key === null || data.key === undefined
    ? 'all'
    : `${String(data.dimension)}: ${String(data.key)}`;
}

function signedPercent(value: number | null): string {
  if (value === null) return MISSING;
  const rounded = Math.round(value);
  return `${rounded > 0 ? '+' : ''}${rounded}%`;
}

function share(value: number | null): string {
  return value === null ? MISSING : `${Math.round(100 * value)}%`;
}

const METRIC_LABEL: Readonly<Record<string, string>> = {
  input_tokens: 'input',
  output_tokens: 'output',
  cost_usd_micros: 'cost',
};
const ASSESSMENT_LABEL: Readonly<Record<string, string>> = {
  usable: 'usable',
  not_usable: 'not usable',
  insufficient_data: 'too few',
};

function estimateSection(findings: readonly Finding[]): Section | null {
  const rows = findings
    .filter((f) => f.type === 'estimate_accuracy')
    .map((f) => {
      const d = f.data;
      const amount = d.metric === 'cost_usd_micros' ? dollarsFromMicros : integer;
      return [
        METRIC_LABEL[String(d.metric)] ?? String(d.metric),
        `${scopeOf(d)}${reviewMark(f)}`,
        integer(num(d.n) ?? 0),
        integer(num(d.missing) ?? 0),
        signedPercent(num(d.bias_pct)),
        share(num(d.mape_pct) === null ? null : (num(d.mape_pct) as number) / 100),
        share(num(d.p90_abs_error_pct) === null ? null : (num(d.p90_abs_error_pct) as number) / 100),
        amount(num(d.estimated_total)),
        amount(num(d.actual_total)),
        ASSESSMENT_LABEL[String(d.assessment)] ?? String(d.assessment),
      ];
    });
  if (rows.length === 0) return null;
  return {
    title: 'Estimate accuracy (bias = median signed error; + means estimates run high)',
    columns: [
      { header: 'METRIC' },
      { header: 'SCOPE', flexible: true },
      { header: 'N', align: 'right' },
      { header: 'MISSING', align: 'right' },
      { header: 'BIAS', align: 'right' },
      { header: 'MAPE', align: 'right' },
      { header: 'P90 ERR', align: 'right' },
      { header: 'ESTIMATED', align: 'right' },
      { header: 'ACTUAL', align: 'right' },
      { header: 'ASSESSMENT' },
    ],
    rows,
  };
}

function outcomeSection(findings: readonly Finding[]): Section | null {
  const outcomes = findings.filter((f) => f.type === 'outcome_rates');
  if (outcomes.length === 0) return null;
  // Columns are the outcomes that occur, most frequent overall first.
  const totals = new Map<string, number>();
  for (const f of outcomes.filter((o) => o.data.key === null)) {
    for (const [outcome, count] of Object.entries(obj(f.data.counts))) totals.set(outcome, num(count) ?? 0);
  }
  const names = [...totals.keys()].sort(
    (a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || (a < b ? -1 : 1),
  );
  return {
    title: 'Outcome rates',
    columns: [
      { header: 'SCOPE', flexible: true },
      { header: 'N', align: 'right' },
      ...names.map((name) => ({ header: name.toUpperCase(), align: 'right' as const })),
    ],
    rows: outcomes.map((f) => [
      `${scopeOf(f.data)}${reviewMark(f)}`,
      integer(num(f.data.n) ?? 0),
      ...names.map((name) => share(num(obj(f.data.shares)[name]) ?? 0)),
    ]),
  };
}

function pressureSection(findings: readonly Finding[]): Section | null {
  const rows = findings
    .filter((f) => f.type === 'context_pressure')
    .map((f) => {
      const utilization = obj(f.data.utilization);
      const retries = obj(f.data.retries);
      return [
        `${scopeOf(f.data)}${reviewMark(f)}`,
        integer(num(f.data.n) ?? 0),
        ratio(num(utilization.p50)),
        ratio(num(utilization.p95)),
        share(num(utilization.above_threshold_share)),
        ratio(num(obj(f.data.compactions).mean)),
        ratio(num(retries.mean)),
        ratio(num(retries.p95)),
      ];
    });
  if (rows.length === 0) return null;
  return {
    title: 'Context pressure and retries',
    columns: [
      { header: 'SCOPE', flexible: true },
      { header: 'N', align: 'right' },
      { header: 'UTIL P50', align: 'right' },
      { header: 'UTIL P95', align: 'right' },
      { header: '>90%', align: 'right' },
      { header: 'COMPACT/TASK', align: 'right' },
      { header: 'RETRIES MEAN', align: 'right' },
      { header: 'RETRIES P95', align: 'right' },
    ],
    rows,
  };
}

/**
 * Scoped rates that have no value yet and only borrow the global window say nothing the global row
 * does not: one row per metric stands for all of them (`deny_rate[arm=*]`, the range of their n).
 */
export function healthRows(metrics: readonly SnapshotMetric[]): string[][] {
  const groups = new Map<string, { shown: SnapshotMetric[]; waiting: SnapshotMetric[] }>();
  for (const m of metrics) {
    let group = groups.get(m.metric);
    if (group === undefined) {
      group = { shown: [], waiting: [] };
      groups.set(m.metric, group);
    }
    (m.scope !== null && m.fallback && m.value === null ? group.waiting : group.shown).push(m);
  }
  return [...groups.values()].flatMap(({ shown, waiting }) => {
    return [
      ...shown.map((m) => [
        m.name,
        decimal(m.value),
        m.window === null ? integer(m.n) : `${integer(m.n)}/${integer(m.window)}`,
        [stateText(m, 'short'), m.fallback ? 'global fallback' : null].filter((x) => x !== null).join(', '),
      ]),
      ...waitingRow(waiting),
    ];
  });
}

function waitingRow(scoped: readonly SnapshotMetric[]): string[][] {
  const first = scoped[0];
  if (first === undefined) return [];
  const ns = scoped.map((m) => m.n);
  const low = Math.min(...ns);
  const high = Math.max(...ns);
  const kind = (first.scope ?? '').split('=')[0] ?? 'scope';
  return [
    [
      `${first.metric}[${kind}=*]`,
      MISSING,
      `${low === high ? integer(low) : `${integer(low)}–${integer(high)}`}/${integer(first.window)}`,
      `${plural(scoped.length, kind)} on the global window`,
    ],
  ];
}

/** Rolling health rates (the `afterburn metrics` snapshot without the latency percentiles). */
function healthSection(findings: readonly Finding[]): Section | null {
  const rows = healthRows(snapshotOf(findings.filter((f) => f.type === 'rolling_rate')));
  if (rows.length === 0) return null;
  return {
    title: 'Health rates',
    columns: [
      { header: 'RATE', flexible: true },
      { header: 'VALUE', align: 'right' },
      { header: 'N', align: 'right' },
      { header: 'STATE' },
    ],
    rows,
  };
}

const MAX_CROSSINGS_SHOWN = 10;

/** The latest threshold crossings (all of them: findings list --type threshold_crossed). */
function crossingSection(findings: readonly Finding[]): Section | null {
  const crossings = findings
    .filter((f) => f.type === 'threshold_crossed')
    .sort((a, b) =>
      (a.first_seen ?? '') < (b.first_seen ?? '')
        ? -1
        : (a.first_seen ?? '') > (b.first_seen ?? '')
          ? 1
          : a.id < b.id
            ? -1
            : 1,
    );
  if (crossings.length === 0) return null;
  const shown = crossings.slice(-MAX_CROSSINGS_SHOWN);
  return {
    title: `Threshold crossings: latest ${shown.length} of ${crossings.length}`,
    columns: [{ header: 'AT' }, { header: 'CROSSING', flexible: true }],
    rows: shown.map((f) => [f.first_seen ?? '', `${f.description}${reviewMark(f)}`]),
  };
}

export function slicedSections(findings: readonly Finding[]): Section[] {
  return [
    estimateSection(findings),
    outcomeSection(findings),
    pressureSection(findings),
    healthSection(findings),
    crossingSection(findings),
  ].filter((section): section is Section => section !== null);
}
