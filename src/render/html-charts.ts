import { max } from 'd3-array';
import { scaleBand, scaleLinear, scaleUtc } from 'd3-scale';
import { area, line } from 'd3-shape';
import type { DailySummary } from '../analyzers/trend-chart-data.js';
import { integer, oneLine, plural, slope } from './format.js';
import { html, type SafeHtml } from './html-escape.js';

/** SVG charts drawn on the server side: d3 computes scales and path strings, no DOM or script. */
const WIDTH = 640;
const HEIGHT = 240;
// Room on the left and at the bottom for the axis titles (with their units) beside the tick labels.
const MARGIN = { top: 12, right: 16, bottom: 44, left: 84 };
const DAY_MS = 86_400_000;
const NOON = DAY_MS / 2;

let chartCounter = 0;
/** Ids for aria-labelledby, unique within one page. */
function chartId(prefix: string): string {
  chartCounter += 1;
  return `${prefix}-${chartCounter}`;
}

export function resetChartIds(): void {
  chartCounter = 0;
}

function svg(label: { title: string; description: string }, body: SafeHtml, height = HEIGHT): SafeHtml {
  const titleId = chartId('title');
  const descId = chartId('desc');
  return html`<div class="chart-box"><svg class="chart" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${titleId} ${descId}"><title id="${titleId}">${label.title}</title><desc id="${descId}">${label.description}</desc>${body}</svg></div>`;
}

/** Axis titles: what each axis measures and in which unit. */
function axisTitles(x: string, y: string, height: number): SafeHtml {
  const middle = (MARGIN.top + height - MARGIN.bottom) / 2;
  return html`<text class="axis-title" x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${height - 6}" text-anchor="middle">${x}</text><text class="axis-title" transform="translate(14 ${middle}) rotate(-90)" text-anchor="middle">${y}</text>`;
}

function yAxis(ticks: number[], y: (v: number) => number, format: (v: number) => string): SafeHtml {
  return html`<g class="axis">${ticks.map(
    (t) =>
      html`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(t)}" y2="${y(t)}"></line><text x="${MARGIN.left - 6}" y="${y(t)}" dy="0.32em" text-anchor="end">${format(t)}</text>`,
  )}</g>`;
}

export interface TrendChartInput {
  readonly scope: string;
  readonly daily: readonly DailySummary[];
  readonly theilSenSlope: number | null;
  readonly theilSenIntercept: number | null;
  readonly origin: string | null;
}

/** Daily medians with the interquartile band, and the Theil–Sen line over the same days. */
export function trendChart(input: TrendChartInput): SafeHtml {
  const points = input.daily.map((d) => ({ ...d, at: Date.parse(`${d.day}T00:00:00Z`) + NOON }));
  const first = (points[0]?.at ?? 0) - NOON;
  const last = (points[points.length - 1]?.at ?? 0) + NOON;
  const origin = input.origin === null ? null : Date.parse(input.origin);
  const fitted =
    input.theilSenSlope === null || input.theilSenIntercept === null || origin === null
      ? null
      : (at: number) =>
          (input.theilSenIntercept as number) + ((input.theilSenSlope as number) * (at - origin)) / DAY_MS;
  const top = Math.max(max(points, (p) => p.q3) ?? 0, fitted ? Math.max(fitted(first), fitted(last)) : 0, 1);
  const x = scaleUtc()
    .domain([new Date(first), new Date(last)])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const y = scaleLinear()
    .domain([0, top])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const band = area<(typeof points)[number]>()
    .x((p) => x(p.at))
    .y0((p) => y(p.q1))
    .y1((p) => y(p.q3))(points);
  const medianPath = line<(typeof points)[number]>()
    .x((p) => x(p.at))
    .y((p) => y(p.median))(points);
  const fitPath = fitted
    ? line<number>()
        .x((at) => x(at))
        .y((at) => y(Math.max(0, fitted(at))))([first, last])
    : null;
  const xTicks = x.ticks(Math.min(6, Math.max(2, points.length)));
  const xFormat = x.tickFormat();
  const firstDay = input.daily[0];
  const lastDay = input.daily[input.daily.length - 1];
  const description =
    firstDay && lastDay
      ? `Daily median input tokens per completed task for ${oneLine(input.scope)} over ${plural(input.daily.length, 'day')}, from ${integer(firstDay.median)} on ${firstDay.day} to ${integer(lastDay.median)} on ${lastDay.day}; the shaded band is the interquartile range; the dashed line is the Theil–Sen fit (${slope(input.theilSenSlope, { signed: true })} tokens/day).`
      : `No completed tasks for ${oneLine(input.scope)}.`;
  return svg(
    { title: `Input tokens per completed task: ${oneLine(input.scope)}`, description },
    html`${axisTitles('day (UTC)', 'input tokens per task', HEIGHT)}${yAxis(y.ticks(5), y, (v) => integer(v))}<g class="axis">${xTicks.map(
      (t) =>
        html`<text x="${x(t)}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${xFormat(t)}</text>`,
    )}</g><path class="band" d="${band ?? ''}"></path><path class="median" d="${medianPath ?? ''}"></path>${points.map(
      (p) =>
        html`<circle class="dot" cx="${x(p.at)}" cy="${y(p.median)}" r="3"><title>${p.day}: median ${integer(p.median)} tokens (IQR ${integer(p.q1)}–${integer(p.q3)}), ${plural(p.n, 'task')}</title></circle>`,
    )}${fitPath ? html`<path class="fit" d="${fitPath}"></path>` : ''}`,
  );
}

/** Tasks per cache-read-ratio decile. */
export function cacheRatioChart(scope: string, counts: readonly number[]): SafeHtml {
  const height = 160;
  const labels = counts.map(
    (_, i) => `${(i / counts.length).toFixed(1)}–${((i + 1) / counts.length).toFixed(1)}`,
  );
  const x = scaleBand<string>()
    .domain(labels)
    .range([MARGIN.left, WIDTH - MARGIN.right])
    .padding(0.15);
  const y = scaleLinear()
    .domain([0, Math.max(1, max(counts) ?? 0)])
    .nice()
    .range([height - MARGIN.bottom, MARGIN.top]);
  const total = counts.reduce((a, b) => a + b, 0);
  const description = `Distribution of the cache-read ratio over ${plural(total, 'task')} for ${oneLine(scope)}: ${counts
    .map((c, i) => `${labels[i]}: ${integer(c)}`)
    .join(', ')}.`;
  return svg(
    { title: `Cache-read ratio distribution: ${oneLine(scope)}`, description },
    html`${axisTitles('cache-read ratio (share of input tokens read from cache)', 'tasks', height)}${yAxis(
      y.ticks(3).filter((t) => Number.isInteger(t)),
      y,
      (v) => integer(v),
    )}<g class="axis">${labels.map(
      (label) =>
        html`<text x="${(x(label) ?? 0) + x.bandwidth() / 2}" y="${height - MARGIN.bottom + 18}" text-anchor="middle">${label}</text>`,
    )}</g>${counts.map((count, i) => {
      const label = labels[i] as string;
      return html`<path class="bar" d="M${x(label) ?? 0},${y(0)}V${y(count)}H${(x(label) ?? 0) + x.bandwidth()}V${y(0)}Z"><title>${label}: ${plural(count, 'task')}</title></path>`;
    })}`,
    height,
  );
}

export interface BarRow {
  readonly label: string;
  readonly count: number;
}

/** Horizontal bars, most frequent first (the friction ranking); `unit` names what a bar counts. */
export function barChart(title: string, rows: readonly BarRow[], unit = 'count'): SafeHtml {
  const rowHeight = 24;
  const height = MARGIN.top + MARGIN.bottom + rows.length * rowHeight;
  const labelWidth = 300;
  const keys = rows.map((_, i) => String(i));
  const yBand = scaleBand<string>()
    .domain(keys)
    .range([MARGIN.top, height - MARGIN.bottom])
    .padding(0.2);
  const x = scaleLinear()
    .domain([0, Math.max(1, max(rows, (r) => r.count) ?? 0)])
    .range([labelWidth, WIDTH - MARGIN.right - 32]);
  const description = `${title}, ${unit}: ${rows.map((r) => `${oneLine(r.label)} (${integer(r.count)})`).join(', ')}.`;
  return svg(
    { title, description },
    html`<text class="axis-title" x="${(labelWidth + WIDTH - MARGIN.right) / 2}" y="${height - 6}" text-anchor="middle">${unit}</text>${rows.map(
      (row, i) => {
        const top = yBand(String(i)) ?? 0;
        const mid = top + yBand.bandwidth() / 2;
        const text = oneLine(row.label);
        const shown = text.length > 38 ? `${text.slice(0, 37)}…` : text;
        return html`<g class="bar-row"><text class="label" x="${labelWidth - 8}" y="${mid}" dy="0.32em" text-anchor="end">${shown}<title>${text}</title></text><path class="bar" d="M${x(0)},${top}H${x(row.count)}V${top + yBand.bandwidth()}H${x(0)}Z"></path><text class="value" x="${x(row.count) + 6}" y="${mid}" dy="0.32em">${integer(row.count)}</text></g>`;
      },
    )}`,
    height,
  );
}
