import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE, runCli, tempDir } from '../helpers/cli.js';
import { currentFile } from '../helpers/store.js';
import { generateEvents, toLines } from '../helpers/task-completions.js';

async function discovered(): Promise<{ cwd: string; report: unknown }> {
  const cwd = tempDir();
  copyFileSync(FIXTURE, path.join(cwd, 'outcomes.jsonl'));
  const result = await runCli(['discover', '--path', 'outcomes.jsonl', '--format', 'json'], { cwd });
  expect(result.code).toBe(0);
  return { cwd, report: JSON.parse(result.stdout) };
}

describe('e2e: afterburn report', () => {
  it('renders the last run from the store: JSON equal to what discover printed', async () => {
    const { cwd, report } = await discovered();
    const result = await runCli(['report', '--format', 'json'], { cwd });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(report);
  });

  it('renders the same table and markdown as discover', async () => {
    const { cwd } = await discovered();
    for (const format of ['table', 'markdown']) {
      const fromDiscover = await runCli(['discover', '--path', 'outcomes.jsonl', '--format', format], {
        cwd,
      });
      const fromReport = await runCli(['report', '--format', format], { cwd });
      expect(fromReport.code).toBe(0);
      expect(fromReport.stdout).toBe(fromDiscover.stdout);
    }
  });

  it('writes --out FILE in the format its extension names, and says so on stderr', async () => {
    const { cwd } = await discovered();
    const html = await runCli(['report', '--out', 'report.html'], { cwd });
    expect(html.code).toBe(0);
    expect(html.stdout).toBe('');
    expect(html.stderr).toContain('wrote the html report to report.html');
    const page = readFileSync(path.join(cwd, 'report.html'), 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script|<link|https?:\/\//i);
    expect(page).toContain('http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;');
    const markdown = await runCli(['report', '--out', 'summary.md'], { cwd, env: { AFTERBURN_FORMAT: '' } });
    expect(markdown.code).toBe(0);
    expect(readFileSync(path.join(cwd, 'summary.md'), 'utf8')).toMatch(/^## afterburn: dispatch-outcomes/);
  });

  it('is a one-line error (exit 2) when the store holds no run', async () => {
    const result = await runCli(['report', '--store', 'empty'], { cwd: tempDir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^afterburn: no run of source dispatch-outcomes in store .*empty \(run afterburn discover first/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('is a one-line error when the run summary is corrupt', async () => {
    const { cwd } = await discovered();
    writeFileSync(currentFile(path.join(cwd, '.afterburn'), 'runs/dispatch-outcomes.json'), '{"torn');
    const result = await runCli(['report'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/dispatch-outcomes\.json is corrupt/);
  });

  it('under GITHUB_ACTIONS appends the summary and prints escaped annotations on stderr, not stdout', async () => {
    const cwd = tempDir();
    copyFileSync(FIXTURE, path.join(cwd, 'outcomes.jsonl'));
    const summary = path.join(cwd, 'step-summary.md');
    writeFileSync(summary, 'earlier step\n');
    const result = await runCli(
      ['discover', '--path', 'outcomes.jsonl', '--format', 'json', '--fail-on', 'fail'],
      {
        cwd,
        env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
      },
    );
    expect(result.code).toBe(0);
    JSON.parse(result.stdout);
    expect(result.stdout).not.toContain('::');
    const annotations = result.stderr.split('\n').filter((line) => line.startsWith('::'));
    // The reviewer arm fails, but the gate is on the global verdict (PASS): a warning, not an error.
    // The sample's first-pass success crosses its up level overall and in each arm: four more.
    expect(annotations).toEqual([
      expect.stringMatching(
        /^::warning title=afterburn efficiency_trend FAIL%3A reviewer::Input tokens .* not trending down/,
      ),
      ...['overall', 'arm "coder"', 'arm "planner"', 'arm "reviewer"'].map((scope) =>
        expect.stringContaining(
          `::warning title=afterburn threshold_crossed%3A first_pass_success_rate crossed its threshold::first_pass_success_rate ${scope} crossed up through 0.85`,
        ),
      ),
    ]);
    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith('earlier step\n## afterburn: dispatch-outcomes: **PASS**')).toBe(true);
    const off = await runCli(['report', '--github', 'false'], {
      cwd,
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
    expect(off.stderr).not.toContain('::');
    expect(readFileSync(summary, 'utf8')).toBe(written);
    // Gated on every arm, the same FAIL fails the job, so it is an error.
    const gated = await runCli(
      ['discover', '--path', 'outcomes.jsonl', '--format', 'json', '--fail-on', 'fail', '--gate-arms'],
      { cwd, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } },
    );
    expect(gated.code).toBe(1);
    const gatedAnnotations = gated.stderr.split('\n').filter((line) => line.startsWith('::'));
    expect(gatedAnnotations[0]).toMatch(/^::error title=afterburn efficiency_trend FAIL%3A reviewer::/);
    // The crossings stay warnings: they fail no gate.
    expect(gatedAnnotations.slice(1)).toHaveLength(4);
    for (const line of gatedAnnotations.slice(1))
      expect(line).toMatch(/^::warning title=afterburn threshold_crossed/);
    // A gate that fails on nothing analysed says so as an error too.
    writeFileSync(path.join(cwd, 'empty.jsonl'), '');
    const nothing = await runCli(['discover', '--path', 'empty.jsonl', '--fail-on', 'fail'], {
      cwd,
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain(
      '::error title=afterburn gate failed::no joined tasks (0 lines read, 0 skipped) (--fail-on fail): a gate never passes on nothing',
    );
  });

  it('renders an event source (task-completions) with its own sections in every format', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'events.jsonl'), `${toLines(generateEvents(9, 60)).join('\n')}\n`);
    const args = ['--source', 'task-completions'];
    const table = await runCli(['discover', ...args, '--path', 'events.jsonl', '--format', 'table'], { cwd });
    expect(table.code).toBe(0);
    expect((await runCli(['report', ...args, '--format', 'table'], { cwd })).stdout).toBe(table.stdout);
    const html = await runCli(['report', ...args, '--out', 'tasks.html'], { cwd });
    expect(html.code, html.stderr).toBe(0);
    const page = readFileSync(path.join(cwd, 'tasks.html'), 'utf8');
    // Every section title of the terminal table is a heading of the page, and the counts are the events'.
    const titles = table.stdout.split('\n').filter((line) => /^[A-Z][a-z]/.test(line));
    expect(titles.length).toBeGreaterThan(3);
    for (const title of titles) expect(page).toContain(`<h2>${title.replace(/&/g, '&amp;')}</h2>`);
    expect(page).toMatch(/<b>\d+<\/b>events<\/div>/);
    expect(page).not.toContain('Registry suggestions');
  });
});
