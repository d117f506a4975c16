import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { dispatchLine, finalizeLine, T0 } from '../helpers/records.js';

const HOUR = 3_600_000;

/** A merge-queue export: `firstPass(i)` says whether item i merged on its first attempt. */
function mergeLog(dir: string, count: number, firstPass: (i: number) => boolean, file = 'q.jsonl'): string {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      work_item_id: `w${i}`,
      project: i % 2 ? 'alpha' : 'beta',
      story_id: `s${i}`,
      attempts: firstPass(i) ? 1 : 2,
      last_verdict: 'approved',
      merged_at: new Date(T0 + i * HOUR).toISOString(),
    }),
  );
  writeFileSync(path.join(dir, file), `${lines.join('\n')}\n`);
  return file;
}

/** A dispatch-outcomes log of `count` tasks: status from `completed(i)`, ms_elapsed from `ms(i)`. */
function dispatchLog(
  dir: string,
  file: string,
  count: number,
  completed: (i: number) => boolean,
  ms: (i: number) => number,
): string {
  const lines = Array.from({ length: count }, (_, i) => [
    dispatchLine({ ts_dispatched: T0 + i * HOUR, attempt_id: `a${i}`, prompt_fingerprint: `fp${i}` }),
    finalizeLine({
      ts_completed: T0 + i * HOUR + 1000,
      attempt_id: `a${i}`,
      prompt_fingerprint: `fp${i}`,
      status: completed(i) ? 'completed' : 'failed',
      ms_elapsed: ms(i),
    }),
  ]).flat();
  writeFileSync(path.join(dir, file), `${lines.join('\n')}\n`);
  return file;
}

describe('afterburn metrics', () => {
  it('prints one line per rate, the missing-value dash with n while a window is not full', async () => {
    const cwd = tempDir();
    const file = mergeLog(cwd, 23, () => true);
    const { code, stdout } = await runCli(['metrics', '--source', 'merge-queue', '--path', file], { cwd });
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toContain('first_pass_merge_rate = – (n=23/50) unknown: the window is not full yet');
    expect(lines).toContain('rebase_conflict_rate = – (n=23/100) unknown: the window is not full yet');
    expect(lines).toContain('p95_attempts_to_merge = – (n=23/100)');
    expect(stdout).not.toContain('undefined');
  });

  it('prints exact values and --json for scripts, with the path from the variable (cron)', async () => {
    const cwd = tempDir();
    // 50 merges, 43 first-pass (i % 7 !== 3 is false for 7 of them): 0.86.
    const file = mergeLog(cwd, 50, (i) => i % 7 !== 3);
    const text = await runCli(['metrics', '--source', 'merge-queue'], {
      cwd,
      env: { AFTERBURN_MERGE_QUEUE_PATH: file },
    });
    // Above the 0.85 up level; the state says why it is what it is.
    expect(text.stdout).toContain(
      'first_pass_merge_rate = 0.86 (n=50/50) above: at or over the 0.85 up level\n',
    );
    const json = await runCli(['metrics', '--source', 'merge-queue', '--path', file, '--json'], { cwd });
    const report = JSON.parse(json.stdout) as {
      metrics: { name: string; value: number | null; n: number; window: number }[];
    };
    expect(report.metrics.find((m) => m.name === 'first_pass_merge_rate')).toMatchObject({
      value: 0.86,
      n: 50,
      window: 50,
    });
    expect(report.metrics.find((m) => m.name === 'first_pass_merge_rate[project=alpha]')).toMatchObject({
      value: 0.86,
      n: 50,
    });
  });
});

describe('afterburn baseline save / compare', () => {
  it('exits 0 without a breach and 1 when the completion rate drops more than 2 points (default limit)', async () => {
    const cwd = tempDir();
    const base = dispatchLog(
      cwd,
      'base.jsonl',
      100,
      (i) => i % 10 !== 0,
      () => 1000,
    );
    const save = await runCli(['baseline', 'save', 'nightly', '--path', base], { cwd });
    expect(save.code).toBe(0);
    expect(save.stdout).toContain('completion_rate = 0.9 (n=100/100)');
    // 2 points down exactly (0.88): allowed. 3 points down (0.87): breached.
    const ok = dispatchLog(
      cwd,
      'ok.jsonl',
      100,
      (i) => i % 10 !== 0 && i !== 5 && i !== 15,
      () => 1000,
    );
    const okRun = await runCli(['compare', '--baseline', 'nightly', '--path', ok, '--format', 'json'], {
      cwd,
    });
    expect(okRun.code).toBe(0);
    const okReport = JSON.parse(okRun.stdout) as {
      breached: number;
      deltas: { name: string; delta: number }[];
    };
    expect(okReport.breached).toBe(0);
    expect(okReport.deltas.find((d) => d.name === 'completion_rate')?.delta).toBe(-0.02);
    const bad = dispatchLog(
      cwd,
      'bad.jsonl',
      100,
      (i) => i % 10 !== 0 && i !== 5 && i !== 15 && i !== 25,
      () => 1000,
    );
    const badRun = await runCli(['compare', '--baseline', 'nightly', '--path', bad, '--format', 'markdown'], {
      cwd,
    });
    expect(badRun.code).toBe(1);
    expect(badRun.stdout).toMatch(
      /\| completion\\_rate \| 0\.9 \| 0\.87 \| -0\.03 \| drop ≤ 0\.02 \| \*\*BREACHED\*\* \|/,
    );
    expect(badRun.stderr).toMatch(/gate failed: completion_rate/);
  });

  it('gates the p95 and p50 latency rise (700 ms and 250 ms by default; flags override)', async () => {
    const cwd = tempDir();
    const base = dispatchLog(
      cwd,
      'base.jsonl',
      40,
      () => true,
      (i) => 1000 + i * 10,
    );
    await runCli(['baseline', 'save', 'b', '--path', base], { cwd });
    const slower = dispatchLog(
      cwd,
      'slow.jsonl',
      40,
      () => true,
      (i) => 1300 + i * 10,
    );
    const run = await runCli(['compare', '--baseline', 'b', '--path', slower, '--format', 'json'], { cwd });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { deltas: { name: string; delta: number; breached: boolean }[] };
    expect(report.deltas.filter((d) => d.breached).map((d) => d.name)).toEqual(['ms_elapsed_p50']);
    expect(report.deltas.find((d) => d.name === 'ms_elapsed_p95')).toMatchObject({
      delta: 300,
      breached: false,
    });
    const relaxed = await runCli(
      ['compare', '--baseline', 'b', '--path', slower, '--max-rise', 'ms_elapsed_p50=300'],
      { cwd },
    );
    expect(relaxed.code).toBe(0);
    writeFileSync(
      path.join(cwd, 'afterburn.config.json'),
      JSON.stringify({ limits: { ms_elapsed_p95: { max_rise: 100 } } }),
    );
    const strict = await runCli(
      [
        'compare',
        '--baseline',
        'b',
        '--path',
        slower,
        '--max-rise',
        'ms_elapsed_p50=300',
        '--format',
        'json',
      ],
      { cwd },
    );
    expect(strict.code).toBe(1);
    expect(
      (JSON.parse(strict.stdout) as { deltas: { name: string; breached: boolean }[] }).deltas
        .filter((d) => d.breached)
        .map((d) => d.name),
    ).toEqual(['ms_elapsed_p95']);
  });

  it('on a log shorter than the window compares whole-log values and says so; a collapsed completion rate exits 1', async () => {
    const cwd = tempDir();
    // 30 tasks: the completion_rate window (100) never fills, so its windowed value is undefined.
    const base = dispatchLog(
      cwd,
      'base.jsonl',
      30,
      () => true,
      () => 1000,
    );
    expect((await runCli(['baseline', 'save', 'short', '--path', base], { cwd })).code).toBe(0);
    const collapsed = dispatchLog(
      cwd,
      'collapsed.jsonl',
      30,
      (i) => i % 3 === 0,
      () => 1000,
    );
    const run = await runCli(['compare', '--baseline', 'short', '--path', collapsed, '--format', 'json'], {
      cwd,
    });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      breached: number;
      unmeasured: number;
      deltas: { name: string; basis: string; baseline: number; current: number; breached: boolean }[];
    };
    const rate = report.deltas.find((d) => d.name === 'completion_rate');
    expect(rate).toMatchObject({ basis: 'whole_log', baseline: 1, breached: true });
    expect(rate?.current).toBeCloseTo(1 / 3, 9);
    expect(report.breached).toBeGreaterThan(0);
    expect(run.stderr).toMatch(
      /completion_rate compared on whole-log values: a window is not full \(the baseline holds 30 of a 100-item window/,
    );
    expect(run.stderr).toMatch(/gate failed: completion_rate beyond the limit/);
    // The same short log against itself: measured on the whole log, nothing breached.
    const same = await runCli(['compare', '--baseline', 'short', '--path', base, '--format', 'markdown'], {
      cwd,
    });
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/\| completion\\_rate \| 1 \| 1 \| 0 \| drop ≤ 0\.02 \| ok \(whole log\) \|/);
    expect(same.stdout).toContain(
      '- completion\\_rate: whole-log values compared: the baseline holds 30 of a 100-item window',
    );
  });

  it('an unmeasured gated metric fails the compare unless --allow-unmeasured (or its variable) says otherwise', async () => {
    const cwd = tempDir();
    const base = dispatchLog(
      cwd,
      'base.jsonl',
      30,
      () => true,
      () => 1000,
    );
    await runCli(['baseline', 'save', 'b', '--path', base], { cwd });
    // A current log with nothing in it measures nothing: before, that was "0 breached", exit 0.
    writeFileSync(path.join(cwd, 'empty.jsonl'), '');
    const empty = await runCli(['compare', '--baseline', 'b', '--path', 'empty.jsonl', '--format', 'json'], {
      cwd,
    });
    expect(empty.code).toBe(1);
    const report = JSON.parse(empty.stdout) as {
      breached: number;
      unmeasured: number;
      deltas: { name: string; basis: string }[];
    };
    expect(report.breached).toBe(0);
    expect(report.unmeasured).toBeGreaterThan(0);
    expect(report.deltas.find((d) => d.name === 'completion_rate')?.basis).toBe('unmeasured');
    expect(empty.stderr).toMatch(
      /gate failed: .*completion_rate.* unmeasured against baseline "b" \(.*the current log has no such metric\)/,
    );
    const allowed = await runCli(
      ['compare', '--baseline', 'b', '--path', 'empty.jsonl', '--allow-unmeasured', '--format', 'markdown'],
      {
        cwd,
      },
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(
      /\| completion\\_rate \| 1 \| – \| – \| drop ≤ 0\.02 \| unmeasured \(allowed\) \|/,
    );
    const byVariable = await runCli(['compare', '--baseline', 'b', '--path', 'empty.jsonl'], {
      cwd,
      env: { AFTERBURN_ALLOW_UNMEASURED: 'true' },
    });
    expect(byVariable.code).toBe(0);
    // Too few samples for a latency percentile on either side: unmeasured too.
    const few = dispatchLog(
      cwd,
      'few.jsonl',
      4,
      () => true,
      () => 1000,
    );
    await runCli(['baseline', 'save', 'few', '--path', few], { cwd });
    const latency = await runCli(['compare', '--baseline', 'few', '--path', few, '--format', 'json'], {
      cwd,
    });
    expect(latency.code).toBe(1);
    const deltas = (JSON.parse(latency.stdout) as { deltas: { name: string; basis: string }[] }).deltas;
    expect(deltas.find((d) => d.name === 'ms_elapsed_p95')?.basis).toBe('unmeasured');
    expect(deltas.find((d) => d.name === 'completion_rate')?.basis).toBe('whole_log');
  });

  it('exits 2 on a bad config, an unknown baseline, or a baseline of another source', async () => {
    const cwd = tempDir();
    const file = mergeLog(cwd, 10, () => true);
    writeFileSync(
      path.join(cwd, 'bad.json'),
      JSON.stringify({ thresholds: { first_pass_merge_rate: { up: 0.5, down: 0.9 } } }),
    );
    const bad = await runCli(['metrics', '--source', 'merge-queue', '--path', file, '--config', 'bad.json'], {
      cwd,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^afterburn: config bad\.json: field "thresholds\.first_pass_merge_rate": down must not be above up/,
    );
    writeFileSync(path.join(cwd, 'afterburn.config.json'), '{"windowz": {}}');
    const typo = await runCli(['metrics', '--source', 'merge-queue', '--path', file], { cwd });
    expect(typo.code).toBe(2);
    expect(typo.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    const missing = await runCli(
      ['compare', '--baseline', 'nope', '--source', 'merge-queue', '--path', file, '--config', 'bad.json'],
      { cwd },
    );
    expect(missing.code).toBe(2);
    const cwd2 = tempDir();
    const file2 = mergeLog(cwd2, 10, () => true);
    await runCli(['baseline', 'save', 'q', '--source', 'merge-queue', '--path', file2], { cwd: cwd2 });
    const unknown = await runCli(
      ['compare', '--baseline', 'other', '--source', 'merge-queue', '--path', file2],
      { cwd: cwd2 },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no baseline named "other"/);
    const log = dispatchLog(
      cwd2,
      'd.jsonl',
      3,
      () => true,
      () => 1,
    );
    const wrongSource = await runCli(['compare', '--baseline', 'q', '--path', log], { cwd: cwd2 });
    expect(wrongSource.code).toBe(2);
    expect(wrongSource.stderr).toMatch(/saved from source merge-queue/);
  });
});

describe('discover with health findings', () => {
  it('stores each crossing once: a re-run upserts, it never repeats one', async () => {
    const cwd = tempDir();
    const file = mergeLog(cwd, 80, (i) => i < 50);
    const args = ['discover', '--source', 'merge-queue', '--path', file, '--format', 'json'];
    const first = JSON.parse((await runCli(args, { cwd })).stdout) as {
      findings: { id: string; type: string; data: Record<string, unknown> }[];
    };
    const crossings = first.findings.filter(
      (f) => f.type === 'threshold_crossed' && f.data.metric === 'first_pass_merge_rate',
    );
    expect(crossings.length).toBeGreaterThan(0);
    await runCli(args, { cwd });
    const list = await runCli(['findings', 'list', '--type', 'threshold_crossed', '--json'], { cwd });
    const stored = JSON.parse(list.stdout) as { id: string }[];
    expect(stored.map((f) => f.id).sort()).toEqual(
      first.findings
        .filter((f) => f.type === 'threshold_crossed')
        .map((f) => f.id)
        .sort(),
    );
  });
});

describe('schema', () => {
  it('documents the data of rolling_rate, threshold_crossed and latency findings', async () => {
    const schemas = JSON.parse((await runCli(['schema'])).stdout) as {
      finding_data: Record<string, { properties: Record<string, unknown> }>;
    };
    expect(Object.keys(schemas.finding_data.rolling_rate?.properties ?? {})).toEqual(
      expect.arrayContaining(['metric', 'window', 'n', 'value', 'state', 'up', 'down']),
    );
    expect(Object.keys(schemas.finding_data.threshold_crossed?.properties ?? {})).toEqual(
      expect.arrayContaining(['metric', 'direction', 'value', 'at', 'index']),
    );
    expect(Object.keys(schemas.finding_data.latency?.properties ?? {})).toEqual([
      'metric',
      'n',
      'p50',
      'p95',
      'p99',
      'unit',
      'dimension',
      'key',
    ]);
  });
});

describe('discover renders health', () => {
  it('lists the rates and the crossings in the table and markdown views', async () => {
    const cwd = tempDir();
    const file = mergeLog(cwd, 80, (i) => i < 50);
    const table = await runCli(['discover', '--source', 'merge-queue', '--path', file, '--format', 'table'], {
      cwd,
    });
    expect(table.stdout).toContain('Health rates');
    expect(table.stdout).not.toContain('Other findings');
    // Last 50 of 80: items 30..79, first-pass 20 of them.
    expect(table.stdout).toMatch(/ {2}first_pass_merge_rate +0\.4 +50\/50 +below \(≤ 0\.7\)\n/);
    expect(table.stdout).toMatch(/first_pass_merge_rate overall crossed up through 0\.85 at item #50 /);
    const markdown = await runCli(
      ['discover', '--source', 'merge-queue', '--path', file, '--format', 'markdown'],
      { cwd },
    );
    expect(markdown.stdout).toContain('### Health rates\n');
    expect(markdown.stdout).toMatch(/### Threshold crossings: latest 6 of 6/);
  });
});
