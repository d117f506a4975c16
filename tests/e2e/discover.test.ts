import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FIXTURE, runCli, tempDir } from '../helpers/cli.js';
import { DAY, dispatchLine, finalizeLine, T0, taskSeries } from '../helpers/records.js';

const FIXTURE_COUNTS = {
  lines: 246,
  blank: 1,
  skipped: 1,
  dispatch: 125,
  finalize: 119,
  joined: 117,
  denied: 7,
  unmatched_dispatch: 8,
  unmatched_finalize: 1,
  duplicates: 1,
};

function writeLog(dir: string, name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const falling = Array.from({ length: 14 }, (_, i) => 9000 - i * 400);
const flat = Array.from({ length: 14 }, (_, i) => 5000 + (i % 2 === 0 ? 50 : -50));

describe('e2e: afterburn discover', () => {
  it('runs the README main job on the fixture: exact counts, JSON on a pipe, warnings on stderr', async () => {
    const cwd = tempDir();
    const result = await runCli(['discover', '--source', 'dispatch-outcomes', '--path', FIXTURE], { cwd });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.schema_version).toBe(1);
    expect(report.source).toBe('dispatch-outcomes');
    expect(report.inputs).toEqual([FIXTURE]);
    expect(report.counts).toEqual(FIXTURE_COUNTS);
    expect(result.stderr).toMatch(/outcomes\.jsonl:\d+: skipped: not valid JSON/);
    const types = new Set(report.findings.map((f: { type: string }) => f.type));
    // The health rates and latency join the original three. The sample fills every global window
    // (50 tasks, 100 dispatches), so the quick start shows real rates, and first-pass success
    // crosses its up level on the way.
    expect(types).toEqual(
      new Set([
        'efficiency_trend',
        'friction',
        'registry_suggestion',
        'rolling_rate',
        'threshold_crossed',
        'latency',
      ]),
    );
    const globalRates = report.findings.filter(
      (f: { type: string; scope: { arm: string | null } }) =>
        f.type === 'rolling_rate' && f.scope.arm === null,
    );
    expect(globalRates.map((f: { data: { metric: string } }) => f.data.metric).sort()).toEqual([
      'acceptance_pass_rate',
      'completion_rate',
      'deny_rate',
      'first_pass_success_rate',
      'p95_attempts_to_success',
    ]);
    for (const rate of globalRates) {
      expect(rate.data.value, rate.data.metric).not.toBeNull();
      expect(rate.data.n).toBe(rate.data.window);
    }
    // Below the up level again, but above until it reaches the down level: and the text says so.
    const firstPass = globalRates.find(
      (f: { data: { metric: string } }) => f.data.metric === 'first_pass_success_rate',
    );
    expect(firstPass.data).toMatchObject({ value: 0.84, state: 'above', up: 0.85, down: 0.7 });
    expect(firstPass.description).toContain(
      '0.84 (n=50/50); above: it has not yet crossed the 0.7 down level',
    );
    const trend = (arm: string | null) =>
      report.findings.find(
        (f: { type: string; scope: { arm: string | null } }) =>
          f.type === 'efficiency_trend' && f.scope.arm === arm,
      );
    expect(trend('coder').verdict).toBe('pass');
    expect(trend('reviewer').verdict).toBe('fail');
    expect(trend('planner').verdict).toBe('inconclusive');
    expect(report.verdict).toBe(trend(null).verdict);
    const suggestion = report.findings.find(
      (f: { type: string; occurrences: number }) => f.type === 'registry_suggestion' && f.occurrences === 2,
    );
    expect(suggestion.data.suggestion.capability).toBe('run-migrations');
    const friction = report.findings.filter((f: { type: string }) => f.type === 'friction');
    expect(friction[0].data.value).toBe('prompt names more than 3 files');
    expect(friction[0].frequency).toBe(3);
    expect(readFileSync(path.join(cwd, '.afterburn/fix-list.jsonl'), 'utf8').trim().split('\n')).toHaveLength(
      friction.length,
    );
  });

  it('runs from environment variables alone (cron), blank variables counting as unset', async () => {
    const cwd = tempDir();
    const result = await runCli(['discover'], {
      cwd,
      env: {
        AFTERBURN_DISPATCH_OUTCOMES_PATH: FIXTURE,
        AFTERBURN_STORE: path.join(cwd, 'store'),
        AFTERBURN_FORMAT: 'json',
        AFTERBURN_ALPHA: '',
        AFTERBURN_FAIL_ON: ' ',
      },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).counts).toEqual(FIXTURE_COUNTS);
    expect(readFileSync(path.join(cwd, 'store/findings.json'), 'utf8')).toContain('efficiency_trend');
  });

  it('a flag beats its environment variable', async () => {
    const cwd = tempDir();
    const result = await runCli(['discover', '--path', FIXTURE, '--format', 'markdown'], {
      cwd,
      env: { AFTERBURN_FORMAT: 'json' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^## afterburn: dispatch-outcomes/);
  });

  it('--fail-on fail exits 1 on a FAIL verdict and 0 on PASS; --fail-on inconclusive also fails INCONCLUSIVE', async () => {
    const dir = tempDir();
    const failing = writeLog(dir, 'flat.jsonl', taskSeries(flat));
    const passing = writeLog(dir, 'falling.jsonl', taskSeries(falling));
    const few = writeLog(dir, 'few.jsonl', taskSeries([300, 200, 100]));
    const fail = await runCli(['discover', '--path', failing, '--fail-on', 'fail'], { cwd: dir });
    expect(fail.code).toBe(1);
    expect(JSON.parse(fail.stdout).verdict).toBe('fail');
    expect(fail.stderr).toMatch(/gate failed/);
    const pass = await runCli(['discover', '--path', passing, '--fail-on', 'fail'], { cwd: dir });
    expect(pass.code).toBe(0);
    expect(JSON.parse(pass.stdout).verdict).toBe('pass');
    expect((await runCli(['discover', '--path', few, '--fail-on', 'fail'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['discover', '--path', few, '--fail-on', 'inconclusive'], { cwd: dir })).code).toBe(
      1,
    );
    expect(
      (await runCli(['discover', '--path', failing], { cwd: dir, env: { AFTERBURN_FAIL_ON: 'fail' } })).code,
    ).toBe(1);
  });

  it('a gated run that joined no task exits 1 with one line saying why; --fail-on never still exits 0', async () => {
    const dir = tempDir();
    const empty = writeLog(dir, 'empty.jsonl', []);
    writeFileSync(empty, '');
    const noKind = writeLog(dir, 'nokind.jsonl', ['{"a":1}', '{"b":2}', '{"c":3}']);
    for (const failOn of ['fail', 'inconclusive']) {
      const run = await runCli(['discover', '--path', empty, '--fail-on', failOn], { cwd: dir });
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout).verdict).toBeNull();
      const gateLines = run.stderr.split('\n').filter((line) => line.includes('gate failed'));
      expect(gateLines).toEqual([
        `afterburn: gate failed: no joined tasks (0 lines read, 0 skipped) (--fail-on ${failOn}): a gate never passes on nothing`,
      ]);
    }
    const ls = await runCli(['discover', '--path', '/bin/ls', '--fail-on', 'fail'], { cwd: dir });
    expect(ls.code).toBe(1);
    expect(ls.stderr).toMatch(
      /afterburn: gate failed: no joined tasks \(\d+ lines read, \d+ skipped; most common skip reason: .+ \(\d+\)\) \(--fail-on fail\): a gate never passes on nothing$/m,
    );
    const kindless = await runCli(['discover', '--path', noKind], {
      cwd: dir,
      env: { AFTERBURN_FAIL_ON: 'fail' },
    });
    expect(kindless.code).toBe(1);
    expect(kindless.stderr).toContain(
      'gate failed: no joined tasks (3 lines read, 3 skipped; most common skip reason: no "kind" field (3)) (--fail-on fail)',
    );
    expect((await runCli(['discover', '--path', noKind, '--fail-on', 'never'], { cwd: dir })).code).toBe(0);
    expect((await runCli(['discover', '--path', noKind], { cwd: dir })).code).toBe(0);
  });

  it('--fail-on inconclusive fails a run without a verdict; --fail-on fail does not (records were analysed)', async () => {
    const dir = tempDir();
    // A merge-queue log has records but no efficiency trend, so no verdict.
    const merges = writeLog(
      dir,
      'q.jsonl',
      Array.from({ length: 5 }, (_, i) =>
        JSON.stringify({
          work_item_id: `w${i}`,
          project: 'p',
          story_id: `s${i}`,
          attempts: 1,
          last_verdict: 'approved',
          merged_at: new Date(T0 + i * DAY).toISOString(),
        }),
      ),
    );
    const args = ['discover', '--source', 'merge-queue', '--path', merges];
    const strict = await runCli([...args, '--fail-on', 'inconclusive'], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(
      'afterburn: gate failed: no global verdict (--fail-on inconclusive; a missing verdict counts as inconclusive)',
    );
    expect((await runCli([...args, '--fail-on', 'fail'], { cwd: dir })).code).toBe(0);
  });

  it('warns loudly when most lines are skipped and names the source they fit', async () => {
    const dir = tempDir();
    const events = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        event_id: `e${i}`,
        timestamp: new Date(T0 + i * DAY).toISOString(),
        harness: 'h',
        outcome: 'success',
        actual_input_tokens: 1000,
      }),
    );
    const log = writeLog(dir, 'tasks.jsonl', events);
    const wrong = await runCli(['discover', '--path', log], { cwd: dir });
    expect(wrong.stderr).toContain(
      'afterburn: warning: 12 of 12 non-blank lines were skipped; most common skip reason: no "kind" field (12): is --source dispatch-outcomes right? they look like task-completions records (12 of 12 sampled skipped lines fit): try --source task-completions',
    );
    const right = await runCli(['discover', '--source', 'task-completions', '--path', log], { cwd: dir });
    expect(right.stderr).not.toMatch(/non-blank lines were skipped/);
    const binary = await runCli(['discover', '--path', '/bin/ls'], { cwd: dir });
    expect(binary.stderr).toMatch(
      /non-blank lines were skipped; .*is --source dispatch-outcomes right\? no other source reads them either/,
    );
    // The health commands read logs too and warn alike.
    const metrics = await runCli(['metrics', '--path', log], { cwd: dir });
    expect(metrics.stderr).toContain('try --source task-completions');
  });

  it('--gate-arms fails the gate on a failing arm; without it the gate passes and says which arms fail', async () => {
    const cwd = tempDir();
    // The fixture: global PASS, coder PASS, reviewer FAIL, planner INCONCLUSIVE.
    const global = await runCli(['discover', '--path', FIXTURE, '--fail-on', 'fail'], { cwd });
    expect(global.code).toBe(0);
    expect(global.stderr).toContain(
      'afterburn: gate passed (global verdict pass); 1 of 3 arms fail: reviewer - use --gate-arms to gate on them',
    );
    const arms = await runCli(['discover', '--path', FIXTURE, '--fail-on', 'fail', '--gate-arms'], { cwd });
    expect(arms.code).toBe(1);
    expect(arms.stderr).toContain(
      'afterburn: gate failed: 1 of 3 arms fail: reviewer (--fail-on fail --gate-arms)',
    );
    const byVariable = await runCli(['discover', '--path', FIXTURE], {
      cwd,
      env: { AFTERBURN_FAIL_ON: 'inconclusive', AFTERBURN_GATE_ARMS: 'true' },
    });
    expect(byVariable.code).toBe(1);
    expect(byVariable.stderr).toContain(
      '2 of 3 arms fail --fail-on inconclusive: planner (inconclusive), reviewer (fail) (--fail-on inconclusive --gate-arms)',
    );
    const bad = await runCli(['discover', '--path', FIXTURE, '--fail-on', 'fail'], {
      cwd,
      env: { AFTERBURN_GATE_ARMS: 'maybe' },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid AFTERBURN_GATE_ARMS "maybe"/);
  });

  it('--min-effect (and its variable) turns a significant but small fall from PASS into INCONCLUSIVE', async () => {
    const dir = tempDir();
    const slight = writeLog(dir, 'slight.jsonl', taskSeries(Array.from({ length: 60 }, (_, i) => 5000 - i)));
    const byDefault = await runCli(['discover', '--path', slight, '--fail-on', 'inconclusive'], { cwd: dir });
    expect(byDefault.code).toBe(1);
    const report = JSON.parse(byDefault.stdout);
    expect(report.verdict).toBe('inconclusive');
    const global = report.findings.find(
      (f: { type: string; scope: { arm: string | null } }) =>
        f.type === 'efficiency_trend' && f.scope.arm === null,
    );
    expect(global.data.min_effect).toBe(0.05);
    expect(global.data.effect).toBeCloseTo(59 / 5000, 9);
    expect(global.description).toMatch(/below the minimum effect of 5%/);
    const off = await runCli(
      ['discover', '--path', slight, '--min-effect', '0', '--fail-on', 'inconclusive'],
      {
        cwd: dir,
      },
    );
    expect(off.code).toBe(0);
    expect(JSON.parse(off.stdout).verdict).toBe('pass');
    const viaEnv = await runCli(['discover', '--path', slight], {
      cwd: dir,
      env: { AFTERBURN_MIN_EFFECT: '0.01' },
    });
    expect(JSON.parse(viaEnv.stdout).verdict).toBe('pass');
    const bad = await runCli(['discover', '--path', slight, '--min-effect', '5%'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid --min-effect "5%"/);
  });

  it('re-running on the same input never duplicates a finding and keeps its status', async () => {
    const cwd = tempDir();
    const first = JSON.parse((await runCli(['discover', '--path', FIXTURE], { cwd })).stdout);
    const target = first.findings.find((f: { type: string }) => f.type === 'friction');
    const verify = await runCli(
      ['findings', 'verify', target.id, '--note', 'confirmed with the gate owners'],
      { cwd },
    );
    expect(verify.code).toBe(0);
    const second = JSON.parse((await runCli(['discover', '--path', FIXTURE], { cwd })).stdout);
    expect(second.findings.map((f: { id: string }) => f.id)).toEqual(
      first.findings.map((f: { id: string }) => f.id),
    );
    const again = second.findings.find((f: { id: string }) => f.id === target.id);
    expect(again.status).toBe('verified');
    expect(again.created_at).toBe(target.created_at);
    const listed = JSON.parse((await runCli(['findings', 'list', '--json'], { cwd })).stdout);
    expect(listed).toHaveLength(first.findings.length);
    const shown = JSON.parse((await runCli(['findings', 'show', target.id, '--json'], { cwd })).stdout);
    expect(shown.notes).toEqual([
      expect.objectContaining({ status: 'verified', text: 'confirmed with the gate owners' }),
    ]);
    const verified = JSON.parse(
      (await runCli(['findings', 'list', '--status', 'verified', '--json'], { cwd })).stdout,
    );
    expect(verified.map((f: { id: string }) => f.id)).toEqual([target.id]);
  });

  it('reads stdin with --path - and gzip files transparently, listing every input', async () => {
    const dir = tempDir();
    const lines = taskSeries(falling);
    const gz = path.join(dir, 'old.jsonl.gz');
    writeFileSync(gz, gzipSync(`${lines.slice(0, 10).join('\n')}\n`));
    const result = await runCli(['discover', '--path', gz, '--path', '-'], {
      cwd: dir,
      stdin: `${lines.slice(10).join('\n')}\n`,
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.inputs).toEqual([gz, '-']);
    expect(report.counts).toMatchObject({ lines: lines.length, joined: falling.length });
  });

  it('reads every log of a directory, rotated and compressed ones included', async () => {
    const dir = tempDir();
    const logs = path.join(dir, 'logs');
    const lines = taskSeries(falling);
    writeLog(dir, 'ignored.txt', ['not a log']);
    mkdirSync(logs);
    writeLog(logs, 'outcomes.jsonl', lines.slice(0, 8));
    writeLog(logs, 'outcomes.jsonl.1', lines.slice(8, 16));
    writeFileSync(path.join(logs, 'outcomes.jsonl.2.gz'), gzipSync(`${lines.slice(16).join('\n')}\n`));
    writeFileSync(path.join(logs, 'notes.md'), 'skip me');
    const report = JSON.parse((await runCli(['discover', '--path', logs], { cwd: dir })).stdout);
    expect(report.inputs.map((i: string) => path.basename(i))).toEqual([
      'outcomes.jsonl.2.gz',
      'outcomes.jsonl.1',
      'outcomes.jsonl',
    ]);
    expect(report.counts).toMatchObject({ lines: lines.length, joined: falling.length, skipped: 0 });
  });

  it('prints the full envelope for an empty input', async () => {
    const dir = tempDir();
    const empty = writeLog(dir, 'empty.jsonl', []);
    const report = JSON.parse((await runCli(['discover', '--path', empty], { cwd: dir })).stdout);
    expect(report).toEqual({
      schema_version: 1,
      source: 'dispatch-outcomes',
      inputs: [empty],
      counts: {
        lines: 1,
        blank: 1,
        skipped: 0,
        dispatch: 0,
        finalize: 0,
        joined: 0,
        denied: 0,
        unmatched_dispatch: 0,
        unmatched_finalize: 0,
        duplicates: 0,
      },
      verdict: null,
      findings: [],
    });
  });

  it('summarises skipped-line warnings after the first 20', async () => {
    const dir = tempDir();
    const bad = writeLog(dir, 'bad.jsonl', [
      ...Array.from({ length: 25 }, () => '{oops'),
      dispatchLine(),
      finalizeLine({ ts_completed: T0 + DAY }),
    ]);
    const result = await runCli(['discover', '--path', bad], { cwd: dir });
    expect(result.code).toBe(0);
    const warnings = result.stderr.trim().split('\n');
    expect(warnings.filter((l) => l.includes('skipped: not valid JSON'))).toHaveLength(20);
    expect(warnings.at(-2)).toMatch(/5 more skipped lines not shown \(25 in all/);
    // 25 of 27 lines skipped: the run says so loudly, last.
    expect(warnings.at(-1)).toMatch(
      /^afterburn: warning: 25 of 27 non-blank lines were skipped; most common skip reason: not valid JSON \(25\)/,
    );
    expect(JSON.parse(result.stdout).counts.skipped).toBe(25);
  });

  it('shows a readable table with every verdict when asked for one', async () => {
    const cwd = tempDir();
    copyFileSync(FIXTURE, path.join(cwd, 'outcomes.jsonl'));
    const result = await runCli(['discover', '--path', 'outcomes.jsonl', '--format', 'table'], {
      cwd,
      env: { COLUMNS: '100' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/verdict (PASS|FAIL)/);
    expect(result.stdout).toMatch(/coder\s+PASS/);
    expect(result.stdout).toMatch(/reviewer\s+FAIL/);
    expect(result.stdout).toMatch(/planner\s+INCONCLUSIVE/);
    expect(result.stdout).toContain('prompt names more than 3 files');
    for (const line of result.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(100);
  });
});
