/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseBrowser } from '../helpers/chromium.js';
import { FIXTURE, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { dispatchLine, finalizeLine, T0 } from '../helpers/records.js';

/**
 * The HTML report in a real browser driven by playwright-core: the chromium that `npm ci` brings
 * (@sparticuz/chromium), CHROMIUM_PATH when set, or /usr/bin/chromium where the packaged one cannot run
 * (see helpers/chromium.ts). Never a browser downloaded at install or run time.
 */
// playwright's launch() adds a fresh --user-data-dir of its own (a temporary profile) to these.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const INJECTED = '<img src=x onerror="window.__pwned=1;alert(1)">';
const SCRIPT = '<script>window.__pwned=2</script>';
const HOSTILE_ARM = `<b>arm</b>${SCRIPT}`;

/** Log lines whose strings try to inject markup into every place a log string reaches the page. */
function hostileLog(): string[] {
  return [
    dispatchLine({
      attempt_id: 'x1',
      prompt_fingerprint: 'x-fp1',
      ts_dispatched: T0,
      atomic_hook_outcome: 'deny',
      block_reasons: [INJECTED],
      rationalization_match: SCRIPT,
    }),
    dispatchLine({ attempt_id: 'x2', prompt_fingerprint: 'x-fp2', agent: HOSTILE_ARM }),
    finalizeLine({
      attempt_id: 'x2',
      prompt_fingerprint: 'x-fp2',
      agent: HOSTILE_ARM,
      suggested_registry_edit: { action: INJECTED, note: '</code></td></tr></table><h1>owned</h1>' },
    }),
  ];
}

let browser: Browser;
let reportFile: string;

// Unpacking the packaged browser (about 190 MB) takes seconds on a busy machine the first time.
beforeAll(async () => {
  const choice = chooseBrowser();
  const cwd = tempDir();
  const hostile = path.join(cwd, 'hostile.jsonl');
  writeFileSync(hostile, `${hostileLog().join('\n')}\n`);
  const discover = await runCli(['discover', '--path', FIXTURE, '--path', hostile, '--format', 'json'], {
    cwd,
  });
  expect(discover.code).toBe(0);
  const report = await runCli(['report', '--out', 'report.html'], { cwd });
  expect(report.code, report.stderr).toBe(0);
  reportFile = path.join(cwd, 'report.html');
  browser = await chromium.launch({
    executablePath: choice.executablePath,
    args: ARGS,
    env: { ...process.env, ...choice.env },
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

describe('HTML report in headless chromium', () => {
  it('renders the charts with no console error, no request and no executed markup', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const url = pathToFileURL(reportFile).href;
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => {
      if (request.url() !== url) requests.push(request.url());
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(url, { waitUntil: 'load' });

    const state = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
      images: document.querySelectorAll('img').length,
      scripts: document.querySelectorAll('script').length,
      injectedHeadings: [...document.querySelectorAll('h1')].filter((h) => h.textContent === 'owned').length,
      charts: document.querySelectorAll('svg.chart').length,
      medianPaths: [...document.querySelectorAll('svg.chart path.median')].filter((p) =>
        (p.getAttribute('d') ?? '').startsWith('M'),
      ).length,
      fitPaths: document.querySelectorAll('svg.chart path.fit').length,
      bars: document.querySelectorAll('svg.chart path.bar').length,
      chartsWithTitle: [...document.querySelectorAll('svg.chart')].filter(
        (svg) =>
          svg.querySelector(':scope > title')?.textContent && svg.querySelector(':scope > desc')?.textContent,
      ).length,
      medianBox: document.querySelector('svg.chart path.median')?.getBoundingClientRect().height ?? 0,
      text: document.body.textContent ?? '',
    }));

    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(state.pwned).toBeNull();
    expect(state.images).toBe(0);
    expect(state.scripts).toBe(0);
    expect(state.injectedHeadings).toBe(0);
    // The hostile strings are on the page as text.
    expect(state.text).toContain(INJECTED);
    expect(state.text).toContain(SCRIPT);
    expect(state.text).toContain(HOSTILE_ARM);
    // Five trend sections (all arms, coder, planner, reviewer, the hostile arm), each with a median
    // line; the hostile arm has one task, so no Theil–Sen line.
    expect(state.medianPaths).toBe(5);
    expect(state.fitPaths).toBe(4);
    expect(state.medianBox).toBeGreaterThan(20);
    expect(state.bars).toBeGreaterThan(0);
    expect(state.chartsWithTitle).toBe(state.charts);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-light.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe('rgb(13, 17, 23)');
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-dark.png'), fullPage: true });
    await page.close();
  });

  it('stays readable on a 390 px phone: no page-wide sideways scroll, chart text about 11 px', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(pathToFileURL(reportFile).href, { waitUntil: 'load' });
    const layout = await page.evaluate(() => {
      const svgs = [...document.querySelectorAll('svg.chart')] as SVGSVGElement[];
      // A chart's text is drawn at 12 user units; its size on screen scales with the drawn width.
      const scale = (svg: SVGSVGElement) => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return {
        pageWidth: document.documentElement.scrollWidth,
        smallestChartText: Math.min(...svgs.map((svg) => 12 * scale(svg))),
        axisTitles: document.querySelectorAll('svg.chart text.axis-title').length,
        charts: svgs.length,
      };
    });
    expect(layout.pageWidth).toBeLessThanOrEqual(390);
    expect(layout.smallestChartText).toBeGreaterThanOrEqual(10);
    expect(layout.axisTitles).toBeGreaterThanOrEqual(layout.charts);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'report-390.png'), fullPage: true });
    await page.close();
  });
});
