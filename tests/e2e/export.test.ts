import { describe, expect, it } from 'vitest';
import { FIXTURE, runCli } from '../helpers/cli.js';

describe('afterburn export', () => {
  it('writes one ndjson row per joined attempt, ordered by completion', async () => {
    const [exported, report] = await Promise.all([
      runCli(['export', '--path', FIXTURE]),
      runCli(['discover', '--path', FIXTURE, '--format', 'json']),
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    const rows = exported.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows).toHaveLength(JSON.parse(report.stdout).counts.joined);
    const completed = rows.map((row) => row.ts_completed as number);
    expect(completed).toEqual([...completed].sort((a, b) => a - b));
    for (const row of rows) {
      expect(row.ts_dispatched as number).toBeLessThanOrEqual(row.ts_completed as number);
      expect(row.attempt_number as number).toBeGreaterThanOrEqual(1);
    }
    expect(rows.some((row) => (row.attempt_number as number) > 1)).toBe(true);
  });

  it('writes csv with a header, quoting what needs it, and OTel names with --otel', async () => {
    const log = [
      JSON.stringify({
        kind: 'dispatch',
        ts_dispatched: 1000,
        agent: 'co,der "x"',
        attempt_id: 'a1',
        prompt_fingerprint: 'fp1',
        atomic_hook_outcome: 'allow',
      }),
      JSON.stringify({
        kind: 'finalize',
        ts_completed: 2000,
        agent: 'co,der "x"',
        prompt_fingerprint: 'fp1',
        attempt_id: 'a1',
        status: 'completed',
        input_tokens: 300,
        output_tokens: 40,
        cache_read_tokens: 100,
        cache_creation_tokens: 0,
      }),
    ].join('\n');
    const result = await runCli(['export', '--path', '-', '--format', 'csv', '--otel'], {
      stdin: `${log}\n`,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      'attempt_id,prompt_fingerprint,gen_ai.agent.name,attempt_number,ts_dispatched,ts_completed,status,ms_elapsed,' +
        'gen_ai.usage.input_tokens,gen_ai.usage.output_tokens,gen_ai.usage.cache_read.input_tokens,' +
        'gen_ai.usage.cache_creation.input_tokens,acceptance_passed,cache_read_ratio\n' +
        'a1,fp1,"co,der ""x""",1,1000,2000,completed,,300,40,100,0,,0.25\n',
    );
  });

  it('rejects an unknown export format in one line', async () => {
    const result = await runCli(['export', '--path', FIXTURE, '--format', 'xlsx']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^afterburn: invalid --format "xlsx": use one of ndjson, csv, parquet/);
  });
});
