import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectBalancedCounts } from '../helpers/claude-code.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

/** The fixture tree the README's example reads: every case of a current Claude Code tree. */
const FIXTURES = path.join(ROOT, 'fixtures/claude-code');
const SESSION = '-home-dev-shop/5b0c7e52-1f3a-4c1e-9d2b-0a6f3e8c4d11.jsonl';

interface Report {
  counts: Record<string, number>;
  counts_this_run?: Record<string, number>;
  findings: {
    id: string;
    type: string;
    scope: { arm: string | null };
    evidence: string;
    data: Record<string, unknown>;
  }[];
}

/** A JSON discover of the tree; in a fresh store unless one is given (an incremental run's). */
async function discover(
  root: string,
  extra: string[] = [],
  store = tempDir('afterburn-cc-store-'),
): Promise<{ report: Report; stderr: string }> {
  const result = await runCli([
    'discover',
    '--source',
    'claude-code',
    '--path',
    root,
    '--format',
    'json',
    '--store',
    store,
    ...extra,
  ]);
  expect(result.code, result.stderr).toBe(0);
  return { report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

/** What a run concluded, without what only says how it read (counts_this_run, stored ids). */
const conclusions = (report: Report) => ({
  counts: report.counts,
  findings: report.findings.map(({ id, type, scope, evidence, data }) => ({
    id,
    type,
    scope,
    evidence,
    data,
  })),
});

describe('e2e: the claude-code fixture tree', () => {
  it('counts every case exactly: transcript sums, a background subagent, a rejected call, a compaction, an orphan', async () => {
    const { report, stderr } = await discover(FIXTURES);
    expect(report.counts).toMatchObject({
      lines: 62,
      skipped: 0,
      dispatch: 4,
      joined: 4,
      unmatched_dispatch: 0,
      sessions: 2,
      subagent_transcripts: 3,
      async_launched: 1,
      async_completed: 1,
      failed: 1,
      rejected: 1,
      compactions: 1,
      orphan_subagent_transcripts: 1,
      usage_from_transcript: 2,
      usage_from_result: 1,
      trend_left_out_last_call: 1,
    });
    expectBalancedCounts(report.counts);
    expect(stderr).toMatch(/1 subagent transcript\(s\) whose parent session was not read/);
    const explore = report.findings.find((f) => f.type === 'efficiency_trend' && f.scope.arm === 'Explore');
    // 12 API calls summed: 36 input + 8,640 cache creation + 207,000 cache read, not the last call's 26,442.
    expect(explore?.data.first_decile_median).toBe(215_676);
    const friction = report.findings.filter((f) => f.type === 'friction');
    expect(friction.map((f) => f.data.value)).toEqual(['invalid call']);
  });

  it('the same report on one thread and on two (files spread over the cores)', async () => {
    const one = await discover(FIXTURES, ['--threads', '1']);
    const two = await discover(FIXTURES, ['--threads', '2']);
    expect(conclusions(two.report)).toEqual(conclusions(one.report));
    expect(two.stderr).toBe(one.stderr);
  });

  it('--incremental: a grown session and a new session file give the findings of a full run', async () => {
    const root = path.join(tempDir('afterburn-cc-tree-'), 'projects');
    cpSync(FIXTURES, root, { recursive: true });
    const store = tempDir('afterburn-cc-store-');
    const run = async () => (await discover(root, ['--incremental'], store)).report;
    const first = await run();
    expect(first.counts_this_run?.lines).toBe(first.counts.lines);
    // The session grows: the old session's Task call is dispatched again (a retry) in it.
    const old = readFileSync(
      path.join(root, '-home-dev-shop/9e41d2aa-77c0-4b8e-a3f1-2c5d6e7f8a90.jsonl'),
      'utf8',
    )
      .trimEnd()
      .split('\n');
    const retry = old
      .slice(2)
      .map((line) =>
        line
          .replaceAll('toolu_01Task0000000000000000001', 'toolu_01Task0000000000000000002')
          .replaceAll('2026-03-02T11', '2026-03-03T11'),
      );
    appendFileSync(path.join(root, SESSION), `${retry.join('\n')}\n`);
    // And a new session appears.
    writeFileSync(
      path.join(root, '-home-dev-shop/0a0b0c0d-1111-4222-8333-444455556666.jsonl'),
      `${old.map((line) => line.replaceAll('9e41d2aa-77c0-4b8e-a3f1-2c5d6e7f8a90', '0a0b0c0d-1111-4222-8333-444455556666').replaceAll('toolu_01Task0000000000000000001', 'toolu_01Task0000000000000000003')).join('\n')}\n`,
    );
    const second = await run();
    expect(second.counts_this_run?.lines).toBe(retry.length + old.length);
    const full = await discover(root);
    expect(conclusions(second)).toEqual(conclusions(full.report));
    expect(second.counts.dispatch).toBe((first.counts.dispatch as number) + 2);
  });
});
