import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DistributionData,
  LatencyData,
  OutcomeRatesData,
  RollingRateData,
  ThresholdCrossedData,
} from '../../src/findings/data.js';
import { RunReport } from '../../src/findings/schema.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { accountedLines, DAY, SessionBuilder, T0, writeSession } from '../helpers/workrail.js';

interface Finding {
  id: string;
  type: string;
  scope: { arm: string | null; dimension?: string; workflow?: string | null };
  evidence: string;
  verdict?: string;
  data: Record<string, unknown>;
  description: string;
  verification: string | null;
}

/**
 * A realistic data directory: a workflow whose successful sessions get cheaper, a second workflow
 * with mixed outcomes, a session still running, old sessions without timestamps (one with a
 * malformed outcome), a session split over two segments, an unclosed segment and a torn line.
 */
function buildDataDir(): string {
  const root = tempDir('afterburn-workrail-');
  for (let i = 0; i < 12; i++) {
    const session = new SessionBuilder(`feat-${String(i).padStart(2, '0')}`, { start: T0 + i * DAY })
      .runStarted('wf.feature')
      .steps(3)
      .retries(i % 3 === 0 ? 1 : 0)
      .context({ metrics_outcome: 'partial', metrics_lines_added: 999 })
      .usage({
        inputTokens: 9000 - i * 400,
        outputTokens: 800,
        cacheReadTokens: 20_000,
        cacheWriteTokens: 500,
      })
      .gitMetrics({ filesChanged: 1 + (i % 4), linesAdded: 10 * (i + 1), linesRemoved: 5 })
      .context({ metrics_outcome: 'success', metrics_pr_numbers: [100 + i] })
      .completed({ durationMs: (i + 1) * 60_000 });
    // One session is long enough to span two closed segments; one has a segment still being written.
    writeSession(root, session, {
      ...(i === 0 ? { segmentSize: 5 } : {}),
      ...(i === 1 ? { unclosed: new SessionBuilder('feat-01').steps(40).lines.slice(1) } : {}),
      ...(i === 2 ? { extraLines: ['{"eventId":"torn'] } : {}),
    });
  }
  const review = (id: string, outcome: string, day: number) =>
    new SessionBuilder(id, { start: T0 + day * DAY })
      .runStarted('wf.review')
      .steps(1)
      .context({ metrics_outcome: outcome })
      .usage({ inputTokens: 3000 })
      .completed();
  writeSession(root, review('rev-1', 'success', 1));
  writeSession(root, review('rev-2', 'success', 2));
  writeSession(root, review('rev-3', 'partial', 3));
  writeSession(root, review('rev-4', 'abandoned', 4));
  writeSession(root, review('rev-5', 'error', 5));
  writeSession(root, new SessionBuilder('running', { start: T0 }).runStarted('wf.feature').steps(2));
  writeSession(
    root,
    new SessionBuilder('legacy-1', { start: null })
      .runStarted('wf.legacy')
      .context({ metrics_outcome: 'success' })
      .completed({ durationMs: 5000 }),
  );
  writeSession(
    root,
    new SessionBuilder('legacy-2', { start: null })
      .runStarted('wf.legacy')
      .context({ metrics_outcome: 'done!' })
      .completed(),
  );
  return root;
}

async function discover(args: string[], env: Record<string, string> = {}) {
  const result = await runCli(['discover', '--source', 'workrail', ...args], { env });
  return { ...result, report: result.code === 0 ? RunReport.parse(JSON.parse(result.stdout)) : null };
}

describe('e2e: afterburn discover --source workrail', () => {
  const root = buildDataDir();

  it('rebuilds sessions from closed segments and reports outcomes, token trend and percentiles', async () => {
    const { code, stderr, report } = await discover(['--path', root, '--min-samples', '5']);
    expect(code).toBe(0);
    if (report === null) throw new Error('no report');
    expect(report.inputs).toEqual([root]);
    expect(stderr).toMatch(/feat-02\/events\/[0-9-]+\.jsonl:\d+: skipped: not valid JSON/);
    const counts = report.counts as Record<string, number>;
    // feature: 10 events each plus a retry in 4 of them; review: 6 each; running 4; legacy 4 + 4.
    const events = 12 * 10 + 4 + 5 * 6 + 4 + 4 + 4;
    expect(counts).toMatchObject({
      sessions: 20,
      completed: 19,
      in_progress: 1,
      events,
      // One manifest record per closed segment: feat-00's 11 events fill three segments of five.
      manifest: 19 + 3,
      skipped: 1,
      blank: 0,
      duplicates: 0,
      ignored: 40,
      segments_ignored: 1,
      dispatch: 0,
      finalize: 0,
    });
    expect(counts.lines).toBe(accountedLines(counts));

    const findings = report.findings as Finding[];
    const find = (type: string, dimension: string, key: string | null) =>
      findings.find(
        (f) => f.type === type && (f.scope.dimension ?? 'global') === dimension && f.scope.arm === key,
      );

    const global = OutcomeRatesData.parse(find('outcome_rates', 'global', null)?.data);
    expect(global.n).toBe(19);
    expect(global.counts).toEqual({ abandoned: 1, error: 1, partial: 1, success: 15, unknown: 1 });
    const reviewRates = OutcomeRatesData.parse(find('outcome_rates', 'workflow', 'wf.review')?.data);
    expect(reviewRates.shares).toEqual({
      abandoned: 0.2,
      error: 0.2,
      partial: 0.2,
      success: 0.4,
      unknown: 0,
    });

    // Only successful, dated sessions enter the trend: 12 feature + 2 review.
    const trend = findings.find((f) => f.type === 'efficiency_trend' && f.scope.arm === 'wf.feature');
    expect(trend?.verdict).toBe('pass');
    expect(trend?.data.n).toBe(12);
    expect(findings.find((f) => f.type === 'efficiency_trend' && f.scope.arm === null)?.data.n).toBe(14);
    expect(report.verdict).toBe(
      findings.find((f) => f.type === 'efficiency_trend' && f.scope.arm === null)?.verdict,
    );

    const duration = LatencyData.parse(find('latency', 'workflow', 'wf.feature')?.data);
    expect(duration).toMatchObject({ metric: 'session_duration_ms', n: 12, p50: 6.5 * 60_000 });
    // Git's 10·(i+1) + 5 lines win over the agent's 999: p50 of 15, 25, …, 125.
    const lines = DistributionData.parse(
      findings.find(
        (f) => f.type === 'distribution' && f.data.metric === 'lines_changed' && f.scope.arm === null,
      )?.data,
    );
    expect(lines).toMatchObject({ unit: 'lines', n: 12, p50: 70 });
    expect(find('latency', 'global', null)?.verification).toContain(`--path ${root}`);
  });

  it('shows the outcome rates, percentiles and session counts in the table and markdown', async () => {
    for (const format of ['table', 'markdown']) {
      const result = await runCli(['discover', '--source', 'workrail', '--path', root, '--format', format]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Other findings');
      // Markdown escapes `_`, `(` and `)`.
      expect(result.stdout).toMatch(/sessions 20 · completed 19 · in\\?_progress 1/);
      // The outcome-rates section: all 19 completed sessions, 79% success.
      expect(result.stdout).toMatch(/all\W+19\W+79%/);
      // The latency section: session duration of wf.feature, n = 12, p50 6.5 min.
      expect(result.stdout).toMatch(/wf\\?\.feature\W+12\W+390,000/);
    }
  });

  it('reports a rolling success rate that stays undefined below 20 timed sessions', async () => {
    const { report } = await discover(['--path', root]);
    const rates = (report?.findings ?? []).filter((f) => f.type === 'rolling_rate') as Finding[];
    // 17 completed, timed sessions; the two legacy ones have no time and are counted in the evidence.
    const global = rates.find((f) => f.scope.workflow === null);
    expect(RollingRateData.parse(global?.data)).toMatchObject({ window: 20, n: 17, value: null, items: 17 });
    expect(global?.evidence).toContain('2 sessions left out (no timestamp');
    expect(rates.map((f) => f.scope.workflow ?? null)).toEqual([null, 'wf.feature', 'wf.review']);
    expect(report?.findings.filter((f) => f.type === 'threshold_crossed')).toEqual([]);
  });

  it('crosses the success-rate thresholds at exact sessions with a window set by flag', async () => {
    // Completion order: feat-00, then per day k rev-k (+5 min) before feat-k (+9 min or more).
    const { report } = await discover(['--path', root, '--window', 'session_success_rate=4']);
    const findings = (report?.findings ?? []) as Finding[];
    const crossed = (workflow: string | null) =>
      findings
        .filter((f) => f.type === 'threshold_crossed' && f.scope.workflow === workflow)
        .map((f) => ThresholdCrossedData.parse(f.data))
        .map(({ direction, index, at }) => ({ direction, index, at }));
    const at = (day: number, minutes: number) => new Date(T0 + day * DAY + minutes * 60_000).toISOString();
    // S S S S (rev-2) up; S P S A (rev-4) down at 0.5; S S S S again at feat-08.
    expect(crossed(null)).toEqual([
      { direction: 'up', index: 3, at: at(2, 5) },
      { direction: 'down', index: 7, at: at(4, 5) },
      { direction: 'up', index: 13, at: at(8, 9) },
    ]);
    // wf.review: global 1 at rev-2 (fallback), its own S S P A at rev-4, then S P A E.
    expect(crossed('wf.review')).toEqual([
      { direction: 'up', index: 1, at: at(2, 5) },
      { direction: 'down', index: 3, at: at(4, 5) },
    ]);
    const review = findings.find((f) => f.type === 'rolling_rate' && f.scope.workflow === 'wf.review');
    expect(RollingRateData.parse(review?.data)).toMatchObject({
      window: 4,
      n: 4,
      value: 0.25,
      state: 'below',
      fallback: false,
      items: 5,
    });
    expect(crossed('wf.feature')).toEqual([{ direction: 'up', index: 2, at: at(2, 9) }]);

    const metrics = (...flags: string[]) =>
      runCli(['metrics', '--source', 'workrail', '--path', root, ...flags]).then((r) => r.stdout);
    const byDefault = await metrics();
    expect(byDefault).toMatch(/^session_success_rate = – \(n=17\/20\) unknown: the window is not full yet$/m);
    expect(byDefault).toMatch(/^session_success_rate\[workflow=wf\.review\] = – .*global fallback/m);
    // With levels 0.2 / 0.1 the review workflow's fall to 0.25 no longer crosses down.
    const configured = await metrics(
      '--window',
      'session_success_rate=4',
      '--threshold',
      'session_success_rate=0.2:0.1',
    );
    expect(configured).toMatch(
      /^session_success_rate\[workflow=wf\.review\] = 0\.25 \(n=4\/4\) above: at or over the 0\.2 up level$/m,
    );
  });

  it('reads $WORKRAIL_DATA_DIR by default and gives the same findings', async () => {
    const byPath = await discover(['--path', root]);
    const byEnv = await discover([], { WORKRAIL_DATA_DIR: root });
    expect(byEnv.code).toBe(0);
    expect(byEnv.report?.findings.map((f) => f.id)).toEqual(byPath.report?.findings.map((f) => f.id));
    expect(byEnv.report?.counts).toEqual(byPath.report?.counts);
  });

  it('accepts one session folder as --path', async () => {
    const { report } = await discover(['--path', path.join(root, 'sessions', 'rev-4')]);
    expect(report?.counts).toMatchObject({ sessions: 1, completed: 1 });
  });

  it('fails with one line for stdin, a file, or a directory without sessions', async () => {
    const empty = tempDir();
    mkdirSync(path.join(empty, 'sessions'));
    const file = path.join(empty, 'x.jsonl');
    writeFileSync(file, '{}\n');
    for (const [given, message] of [
      ['-', /cannot read stdin/],
      [file, /is a file, not a WorkRail data directory/],
      [empty, /no WorkRail sessions in/],
      [path.join(empty, 'nope'), /no such file or directory/],
    ] as const) {
      const result = await runCli(['discover', '--source', 'workrail', '--path', given]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
