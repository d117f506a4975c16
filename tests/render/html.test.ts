import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding, RunReport } from '../../src/findings/schema.js';
import { renderRunHtml } from '../../src/render/html.js';
import { escapeHtml, html } from '../../src/render/html-escape.js';

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const trend: Finding = {
  id: 'efficiency-trend-1',
  type: 'efficiency_trend',
  source: 'dispatch-outcomes',
  description: 'Input tokens per completed task are trending down for all arms.',
  confidence: 0.9,
  frequency: 12,
  sessions: [],
  evidence: '',
  verification: null,
  theme: 'efficiency',
  project_slug: null,
  created_at: '2026-01-01T00:00:00.000Z',
  status: 'candidate',
  occurrences: 12,
  first_seen: null,
  last_seen: null,
  scope: { arm: null },
  verdict: 'pass',
  // A finding stored before the chart data existed.
  data: {
    n: 12,
    ols_slope: -10,
    slope_sign: -1,
    theil_sen_slope: -10,
    mk_p_value: 0.01,
    mk_s: -40,
    mk_method: 'exact',
    direction: 'decreasing',
    first_decile_median: 100,
    last_decile_median: 50,
    cache_read_ratio: { n: 0, p10: null, p50: null, p90: null, mean: null },
    alpha: 0.05,
    min_samples: 10,
    require_acceptance: false,
    excluded_missing_input_tokens: 0,
  },
};

/** The trend with chart data: a first day of two tasks (median and quartiles given), a second of one. */
function trendWithDays(
  [median, q1, q3]: [number, number, number],
  second: number,
  extra: Record<string, unknown> = {},
): Finding {
  const daily = [
    { day: '2026-01-01', n: 2, median, q1, q3 },
    { day: '2026-01-02', n: 1, median: second, q1: second, q3: second },
  ];
  return {
    ...trend,
    data: { ...trend.data, daily, theil_sen_intercept: median, origin: '2026-01-01T12:00:00.000Z', ...extra },
  };
}

function report(findings: Finding[]): RunReport {
  return {
    schema_version: 1,
    source: 'dispatch-outcomes',
    inputs: ['<b>log</b>.jsonl'],
    counts: {
      lines: 0,
      blank: 0,
      skipped: 0,
      dispatch: 0,
      finalize: 0,
      joined: 0,
      denied: 0,
      unmatched_dispatch: 0,
      unmatched_finalize: 0,
      duplicates: 0,
    },
    verdict: 'pass',
    findings,
  };
}

describe('HTML escaping', () => {
  it('turns any interpolated string into text that decodes back to it', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (text, attribute) => {
        const out = html`<td title="${attribute}">${text}</td>`.value;
        expect(out).toBe(`<td title="${escapeHtml(attribute)}">${escapeHtml(text)}</td>`);
        expect(escapeHtml(text)).not.toMatch(/[<>"']/);
        expect(decode(escapeHtml(text))).toBe(text);
      }),
    );
  });

  it('keeps markup made by the template and escapes nested values', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${['<', html`<br>`]}</p>`.value).toBe('<p><b>&lt;i&gt;</b>&lt;<br></p>');
  });
});

describe('HTML report', () => {
  it('says a finding from an older store has no chart data instead of drawing an empty chart', () => {
    const page = renderRunHtml(report([trend]));
    expect(page).toContain('no chart data for this finding');
    expect(page).not.toContain('<svg');
    expect(page).toContain('&lt;b&gt;log&lt;/b&gt;.jsonl');
  });

  it('draws the chart once the finding carries daily data', () => {
    const withChart = trendWithDays([100, 90, 110], 80);
    const page = renderRunHtml(report([withChart]));
    expect(page).toMatch(/<path class="median" d="M[^"]+L[^"]+"/);
    expect(page).toMatch(/<path class="fit" d="M[^"]+"/);
    expect(page).toContain('<title id="title-1">Input tokens per completed task: all arms</title>');
    expect(page).not.toContain('NaN');
  });

  it('labels every chart axis with what it measures and its unit', () => {
    const withChart = trendWithDays([12_000, 9_000, 15_000], 8_000, {
      cache_read_ratio: { n: 3, p10: 0.1, p50: 0.3, p90: 0.6, mean: 0.3 },
      cache_read_ratio_histogram: [1, 0, 1, 0, 0, 1, 0, 0, 0, 0],
    });
    const friction: Finding = {
      ...trend,
      id: 'friction-1',
      type: 'friction',
      verdict: undefined,
      frequency: 1_200,
      data: { rank: 1, kind: 'block_reason', value: 'too many files', remediation: 'run `npm test` first' },
    };
    const page = renderRunHtml(report([withChart, friction]));
    const titles = [...page.matchAll(/<text class="axis-title"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(titles).toEqual([
      'day (UTC)',
      'input tokens per task',
      'cache-read ratio (share of input tokens read from cache)',
      'tasks',
      'denied dispatches',
    ]);
    // Thousands separators on the axis and in the bars; the code span of a remediation is <code>.
    expect(page).toMatch(/text-anchor="end">10,000<\/text>/);
    expect(page).toMatch(/dy="0\.32em">1,200<\/text>/);
    expect(page).toContain('run <code>npm test</code> first');
    expect(page).toContain('Mann–Kendall p = 0.01');
  });

  it('keeps raw backticks out of the page text', () => {
    const described = { ...trend, description: 'rerun `afterburn discover` to add chart data' };
    const page = renderRunHtml(report([described]));
    const text = page.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, '');
    expect(text).not.toContain('`');
    expect(page).toContain('rerun <code>afterburn discover</code> to add chart data');
  });

  it('stays readable at 390 px: charts keep a minimum drawing width and scroll in their box', () => {
    const page = renderRunHtml(report([trend]));
    const narrow = /@media \(max-width: 600px\) \{([\s\S]*?)\n\}/.exec(page)?.[1] ?? '';
    expect(narrow).toMatch(/\.chart \{ min-width: 560px; \}/);
    expect(narrow).toMatch(/table \{ display: block; overflow-x: auto; \}/);
    expect(page).toMatch(/\.chart-box \{ overflow-x: auto; \}/);
    expect(page).toMatch(/\.chart text \{ fill: var\(--muted\); font-size: 12px; \}/);
  });
});
