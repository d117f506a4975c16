import { plural, pText, slope } from '../common/format.js';
import { findingId } from '../findings/id.js';
import type { FindingDraft, Verdict } from '../findings/schema.js';
import type { TaskRecord } from '../records/records.js';
import { asTaskColumns, completedStatuses, type TaskColumns } from '../records/task-columns.js';
import { argsortByKey } from '../stats/argsort.js';
import {
  decileMedians,
  mannKendall,
  minimumAchievablePDecreasing,
  olsSlope,
  slopeSign,
  summarize,
  theilSen,
} from '../stats/index.js';
import { armGroups, formatInteger, isoTime, TimeRange, verificationCommand } from './shared.js';
import { dailySummaries, ratioHistogram } from './trend-chart-data.js';
import type { Analyzer, AnalyzerContext } from './types.js';

export const EFFICIENCY_TREND = 'efficiency_trend';
const DAY_MS = 86_400_000;
/** Two points can never show a trend, whatever --min-samples says. */
const ABSOLUTE_MIN_SAMPLES = 3;

/**
 * One series as typed arrays in time order (then tokens), not one object per point: a long log
 * has hundreds of thousands of points per series and the overall series repeats all of them.
 */
interface Series {
  readonly times: Float64Array;
  readonly tokens: Float64Array;
  /** Only summarised, in any order. */
  readonly ratios: number[];
  readonly excluded: number;
}

/**
 * The overall series and one per arm group, from points in any order. The overall series is
 * sorted once; each arm's series is its subsequence, so it is in order too.
 */
function seriesInOrder(
  at: Float64Array,
  tokens: Float64Array,
  groupOfPoint: Uint32Array,
  pointsPerGroup: Uint32Array,
  excludedPerGroup: Uint32Array,
  ratios: { readonly all: number[]; readonly perGroup: number[][] },
): { all: Series; perGroup: Series[] } {
  const order = argsortByKey(at, (a, b) => (tokens[a] as number) - (tokens[b] as number));
  const perGroup = Array.from(pointsPerGroup, (size, group) => ({
    times: new Float64Array(size),
    tokens: new Float64Array(size),
    ratios: ratios.perGroup[group] as number[],
    excluded: excludedPerGroup[group] as number,
  }));
  const filled = new Uint32Array(pointsPerGroup.length);
  const all = {
    times: new Float64Array(order.length),
    tokens: new Float64Array(order.length),
    ratios: ratios.all,
    excluded: excludedPerGroup.reduce((a, b) => a + b, 0),
  };
  for (let i = 0; i < order.length; i++) {
    const point = order[i] as number;
    const time = at[point] as number;
    const value = tokens[point] as number;
    all.times[i] = time;
    all.tokens[i] = value;
    const group = groupOfPoint[point] as number;
    const series = perGroup[group] as Series;
    const slot = filled[group] as number;
    series.times[slot] = time;
    series.tokens[slot] = value;
    filled[group] = slot + 1;
  }
  return { all, perGroup };
}

/**
 * Share of the prompt served from the cache: cache_read / (input + cache_read + cache_creation).
 * Providers report input_tokens without the cached part, so the denominator is the whole prompt.
 */
export function cacheReadRatio(
  task: Pick<TaskRecord, 'inputTokens' | 'cacheReadTokens' | 'cacheCreationTokens'>,
): number | null {
  return cacheReadRatioOf(
    task.inputTokens ?? Number.NaN,
    task.cacheReadTokens ?? Number.NaN,
    task.cacheCreationTokens ?? 0,
  );
}

/** `cacheReadRatio` of token counts as columns hold them (NaN = unknown). */
function cacheReadRatioOf(
  inputTokens: number,
  cacheReadTokens: number,
  cacheCreationTokens: number,
): number | null {
  if (Number.isNaN(cacheReadTokens) || Number.isNaN(inputTokens)) return null;
  const prompt =
    inputTokens + cacheReadTokens + (Number.isNaN(cacheCreationTokens) ? 0 : cacheCreationTokens);
  return prompt === 0 ? null : cacheReadTokens / prompt;
}

export interface TrendStatistics {
  n: number;
  verdict: Verdict;
  direction: 'decreasing' | 'flat' | 'increasing';
  pDecreasing: number;
  s: number;
  method: 'exact' | 'normal';
  olsSlope: number | null;
  theilSenSlope: number | null;
  theilSenIntercept: number | null;
  /** Epoch ms of day 0 of the fitted line: tokens = intercept + slope · (t − origin) / 1 day. */
  origin: number | null;
  firstDecileMedian: number | null;
  lastDecileMedian: number | null;
  /**
   * The fitted line's fall over the observed span, as a share of its level at the first time:
   * −(slope · span) / intercept (0.12 = it fell 12%; negative: it rose). Null without a line or
   * when the line starts at or below zero (no level to be a share of).
   */
  effect: number | null;
  /** Days from the first to the last point. */
  spanDays: number;
  minEffect: number;
  /** Significantly decreasing, but by less than minEffect: inconclusive rather than PASS. */
  belowMinEffect: boolean;
}

/**
 * The trend test shared by every source's efficiency analysis: Mann–Kendall for the verdict
 * (distribution-free, robust to outliers and to the heavy tails token counts have), Theil–Sen and
 * OLS for the size of the change. `times` are epoch ms in ascending order.
 */
export function trendStatistics(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  options: { alpha: number; minSamples: number; minEffect?: number },
): TrendStatistics {
  const n = values.length;
  const origin = n > 0 ? (times[0] as number) : 0;
  const days = Float64Array.from({ length: n }, (_, i) => ((times[i] as number) - origin) / DAY_MS);
  const mk = mannKendall(days, values);
  const fit = theilSen(days, values);
  const { first, last } = decileMedians(values);
  const direction =
    mk.pDecreasing <= options.alpha ? 'decreasing' : mk.pIncreasing <= options.alpha ? 'increasing' : 'flat';
  const tooFew =
    n < Math.max(options.minSamples, ABSOLUTE_MIN_SAMPLES) || minimumAchievablePDecreasing(n) > options.alpha;
  const spanDays = n > 0 ? (days[n - 1] as number) : 0;
  const effect = fit === null || !(fit.intercept > 0) ? null : -(fit.slope * spanDays) / fit.intercept + 0;
  const minEffect = options.minEffect ?? 0;
  const bigEnough = minEffect <= 0 || (effect !== null && effect >= minEffect);
  const belowMinEffect = !tooFew && direction === 'decreasing' && !bigEnough;
  const verdict: Verdict =
    tooFew || belowMinEffect ? 'inconclusive' : direction === 'decreasing' ? 'pass' : 'fail';
  return {
    n,
    verdict,
    direction,
    pDecreasing: mk.pDecreasing,
    s: mk.s,
    method: mk.method,
    olsSlope: olsSlope(days, values),
    theilSenSlope: fit?.slope ?? null,
    theilSenIntercept: fit?.intercept ?? null,
    origin: n > 0 ? origin : null,
    firstDecileMedian: first,
    lastDecileMedian: last,
    effect,
    spanDays,
    minEffect,
    belowMinEffect,
  };
}

/** Tokens per day: whole numbers when large, two significant digits when small (never "-0"). */
const formatSlope = (value: number): string => slope(value);

function formatShare(share: number): string {
  return `${Number((share * 100).toPrecision(2))}%`;
}

function formatSpan(days: number): string {
  return days >= 2
    ? `${formatInteger(days)} days`
    : `${Number(days.toPrecision(2))} ${days === 1 ? 'day' : 'days'}`;
}

/**
 * The line's slope is down but the series' own summary (its decile medians) shows it rising: the
 * text must not call that a downward trend without saying why the two disagree.
 */
function unevenFall(stats: TrendStatistics): string | null {
  const { firstDecileMedian: first, lastDecileMedian: last } = stats;
  if (stats.direction !== 'decreasing' || first === null || last === null || !(last > first)) return null;
  return `the Theil–Sen slope is down but the last-decile median (${formatInteger(last)}) is above the first (${formatInteger(first)}): the fall is not uniform`;
}

function describe(scope: string, stats: TrendStatistics, minSamples: number): string {
  const slope = stats.theilSenSlope === null ? 'no slope' : `${formatSlope(stats.theilSenSlope)} tokens/day`;
  const p = `Mann–Kendall ${pText(stats.pDecreasing)}`;
  const fall =
    stats.effect === null
      ? 'an unmeasurable share: the fitted line starts at or below 0'
      : `${formatShare(stats.effect)} over ${formatSpan(stats.spanDays)}`;
  const uneven = unevenFall(stats);
  const facts = `(${slope}, ${p}, n = ${stats.n})`;
  switch (stats.verdict) {
    case 'pass':
      return uneven === null
        ? `Input tokens per completed task are trending down for ${scope}: the fitted line falls by ${fall} ${facts}.`
        : `Input tokens per completed task fall on the fitted line for ${scope}, by ${fall} ${facts}, but ${uneven}.`;
    case 'fail':
      return `Input tokens per completed task are not trending down for ${scope}: ${stats.direction} ${facts}.`;
    default:
      if (stats.belowMinEffect) {
        return `Input tokens per completed task fall significantly for ${scope}, but the fitted line's fall (${fall}) is below the minimum effect of ${formatShare(stats.minEffect)} ${facts}${uneven === null ? '' : `; ${uneven}`}.`;
      }
      return `Not enough completed tasks to judge the input-token trend for ${scope} (n = ${stats.n}; the verdict needs at least ${minSamples}).`;
  }
}

function seriesFinding(arm: string | null, series: Series, context: AnalyzerContext): FindingDraft {
  const { options } = context;
  const { times, tokens, ratios, excluded } = series;
  const stats = trendStatistics(times, tokens, options);
  const range = new TimeRange();
  if (times.length > 0) {
    range.add(times[0] as number);
    range.add(times[times.length - 1] as number);
  }
  const scope = arm === null ? 'all arms' : `arm "${arm}"`;
  const id = findingId(context.source, EFFICIENCY_TREND, arm === null ? 'global' : `arm:${arm}`);
  const minSamples = Math.max(options.minSamples, ABSOLUTE_MIN_SAMPLES);
  const excludedNote =
    excluded > 0 ? `; ${plural(excluded, 'completed task')} without input_tokens left out` : '';
  const uneven = unevenFall(stats);
  const deciles =
    stats.firstDecileMedian === null || stats.lastDecileMedian === null
      ? 'no points'
      : `first-decile median ${formatInteger(stats.firstDecileMedian)} → last-decile median ${formatInteger(stats.lastDecileMedian)} input tokens`;
  return {
    id,
    type: EFFICIENCY_TREND,
    source: context.source,
    description:
      describe(scope, stats, minSamples) +
      (excluded > 0
        ? ` ${plural(excluded, 'completed task')} had no input_tokens and ${excluded === 1 ? 'was' : 'were'} left out.`
        : ''),
    confidence: Math.min(1, Math.max(0, 1 - stats.pDecreasing)),
    frequency: stats.n,
    sessions: [],
    evidence: `n = ${stats.n} (min ${minSamples}); ${deciles}; OLS ${stats.olsSlope === null ? 'n/a' : formatSlope(stats.olsSlope)} tokens/day; effect ${stats.effect === null ? 'n/a' : formatShare(stats.effect)} (min ${formatShare(stats.minEffect)})${uneven === null ? '' : `; ${uneven}`}${excludedNote}`,
    verification: verificationCommand(context.source, context.inputs, id),
    theme: 'efficiency',
    project_slug: null,
    occurrences: stats.n,
    first_seen: range.first,
    last_seen: range.last,
    scope: { arm },
    verdict: stats.verdict,
    data: {
      n: stats.n,
      ols_slope: stats.olsSlope,
      slope_sign: stats.olsSlope === null ? 0 : slopeSign(stats.olsSlope),
      theil_sen_slope: stats.theilSenSlope,
      mk_p_value: stats.pDecreasing,
      mk_s: stats.s,
      mk_method: stats.method,
      direction: stats.direction,
      first_decile_median: stats.firstDecileMedian,
      last_decile_median: stats.lastDecileMedian,
      cache_read_ratio: summarize(ratios),
      alpha: options.alpha,
      min_samples: minSamples,
      require_acceptance: options.requireAcceptance,
      excluded_missing_input_tokens: excluded,
      theil_sen_intercept: stats.theilSenIntercept,
      origin: stats.origin === null ? null : isoTime(stats.origin),
      daily: dailySummaries(times, tokens),
      cache_read_ratio_histogram: ratioHistogram(ratios),
      effect: stats.effect,
      min_effect: stats.minEffect,
    },
  };
}

/**
 * What a point of the series counts: `input` (the default) is inputTokens as the source reports
 * it; `prompt` adds the cached part (input + cache creation + cache read), for a source whose
 * input_tokens leaves cached input out and is near zero on cached calls (Claude's API).
 */
export type SeriesTokens = 'input' | 'prompt';

export const efficiencyTrend: Analyzer<{
  readonly tasks: readonly TaskRecord[] | TaskColumns;
  readonly seriesTokens?: SeriesTokens;
}> = {
  meta: {
    id: EFFICIENCY_TREND,
    findingType: EFFICIENCY_TREND,
    description:
      'Mann–Kendall trend test and Theil–Sen slope of input tokens per completed task, per arm and overall',
    question: 'Is input-tokens-per-completed-task trending down? (PASS/FAIL a CI step can gate on)',
  },
  analyze(dataset, context) {
    const tasks = asTaskColumns(dataset.tasks);
    const { arm, inputTokens } = tasks;
    const requireAcceptance = context.options.requireAcceptance;
    const completed = completedStatuses(tasks);
    const counted = (row: number) =>
      completed[tasks.status[row] as number] === 1 &&
      (!requireAcceptance || tasks.acceptancePassed[row] === 1);
    // A first pass sizes every series.
    const { names, groupOfArm } = armGroups(tasks.arms);
    const points = new Uint32Array(names.length);
    const excluded = new Uint32Array(names.length);
    for (let row = 0; row < tasks.length; row++) {
      if (!counted(row)) continue;
      const group = groupOfArm[arm[row] as number] as number;
      if (Number.isNaN(inputTokens[row])) excluded[group] = (excluded[group] as number) + 1;
      else points[group] = (points[group] as number) + 1;
    }
    const total = points.reduce((a, b) => a + b, 0);
    if (total === 0 && excluded.every((count) => count === 0)) return [];
    const at = new Float64Array(total);
    const tokens = new Float64Array(total);
    const groupOfPoint = new Uint32Array(total);
    // The overall ratios in row order: their mean is a compensated sum, exact to the order.
    const ratios = { all: [] as number[], perGroup: names.map((): number[] => []) };
    let point = 0;
    const wholePrompt = dataset.seriesTokens === 'prompt';
    for (let row = 0; row < tasks.length; row++) {
      const input = inputTokens[row] as number;
      if (!counted(row) || Number.isNaN(input)) continue;
      const cacheRead = tasks.cacheReadTokens[row] as number;
      const cacheCreation = tasks.cacheCreationTokens[row] as number;
      const group = groupOfArm[arm[row] as number] as number;
      at[point] = tasks.completedAt[row] as number;
      tokens[point] = wholePrompt
        ? input +
          (Number.isNaN(cacheRead) ? 0 : cacheRead) +
          (Number.isNaN(cacheCreation) ? 0 : cacheCreation)
        : input;
      groupOfPoint[point] = group;
      point += 1;
      const ratio = cacheReadRatioOf(input, cacheRead, cacheCreation);
      if (ratio !== null) {
        ratios.all.push(ratio);
        (ratios.perGroup[group] as number[]).push(ratio);
      }
    }
    const { all, perGroup } = seriesInOrder(at, tokens, groupOfPoint, points, excluded, ratios);
    const findings = [seriesFinding(null, all, context)];
    names.forEach((name, group) => {
      // An arm with counted tasks, even if none had input tokens (the finding says how many).
      if ((points[group] as number) + (excluded[group] as number) > 0) {
        findings.push(seriesFinding(name, perGroup[group] as Series, context));
      }
    });
    return findings;
  },
};
