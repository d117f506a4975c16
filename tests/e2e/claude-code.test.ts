import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DAY,
  expectBalancedCounts,
  MINUTE,
  type SessionSpec,
  type SubagentCall,
  T0,
  writeTree,
} from '../helpers/claude-code.js';
import { runCli, tempDir } from '../helpers/cli.js';

function call(i: number, fields: Partial<SubagentCall>): SubagentCall {
  return {
    toolUseId: `toolu_${fields.subagentType ?? 'gp'}_${i}`,
    agentId: `a${fields.subagentType ?? 'gp'}${i}`,
    prompt: `task ${i} for ${fields.subagentType}`,
    at: T0 + i * DAY,
    durationMs: (i + 1) * MINUTE,
    ...fields,
  };
}

/**
 * A realistic tree: a new-style session whose subagents write their own transcripts (usage only
 * there, streamed copies, an API error line), a session whose results carry usage, and an old
 * session without subagents/ files or timestamps.
 */
const SESSIONS: SessionSpec[] = [
  {
    project: '-home-dev-app',
    sessionId: 'sess-new',
    calls: [
      ...Array.from({ length: 12 }, (_, i) =>
        call(i, {
          subagentType: 'Explore',
          transcript: {
            responses: [{ input: 9000 - i * 400, cacheRead: 30_000 }, { input: 500 }],
            repeat: 2,
            apiError: i === 3,
          },
        }),
      ),
      call(20, {
        subagentType: 'reviewr',
        outcome: 'string_error',
        errorText: "Agent type 'reviewr' not found.",
      }),
      call(21, { subagentType: 'Plan', outcome: 'async' }),
    ],
    extraLines: ['{"type":"assistant","mess', '{"type":"a-future-type"}'],
  },
  {
    project: '-home-dev-api',
    sessionId: 'sess-usage',
    calls: [
      ...Array.from({ length: 12 }, (_, i) =>
        call(i, {
          subagentType: 'code-reviewer',
          tool: 'Agent',
          resultUsage: { input: 5000 + (i % 2 === 0 ? 50 : -50) },
        }),
      ),
      call(30, {
        subagentType: 'code-reviewer',
        outcome: 'is_error',
        errorText: '[Request interrupted by user]',
      }),
    ],
  },
  {
    project: '-home-dev-api',
    sessionId: 'sess-old',
    subagentFiles: false,
    calls: [
      call(40, { noTimestamps: true, transcript: { responses: [{ input: 1 }] } }),
      call(41, { noTimestamps: true }),
      call(42, { outcome: 'missing' }),
    ],
  },
];

function tree(): string {
  const root = path.join(tempDir(), 'projects');
  writeTree(root, SESSIONS);
  return root;
}

describe('e2e: afterburn discover --source claude-code', () => {
  it('reads a transcript tree recursively: exact counts, findings per subagent type, warnings on stderr', async () => {
    const root = tree();
    const result = await runCli(['discover', '--source', 'claude-code', '--path', root]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.inputs).toHaveLength(3 + 12);
    expect(report.inputs).toContain(
      path.join(root, '-home-dev-app/sess-new/subagents/agent-aExplore0.jsonl'),
    );
    expect(report.counts).toEqual({
      // 3 session files (2 header lines, a call and a result line per call, 2 extra lines in the
      // first, no result for the missing call) + 12 subagent files (1 + 2 responses × 2 copies) + 1 API error line
      lines: 2 + 14 * 2 + 2 + (2 + 13 * 2) + (2 + 2 * 2 + 1) + 12 * 5 + 1,
      blank: 0,
      skipped: 1,
      dispatch: 14 + 13 + 3,
      finalize: 13 + 13 + 2,
      joined: 28,
      denied: 0,
      unmatched_dispatch: 2, // the async launch and the call without a result
      unmatched_finalize: 0,
      duplicates: 0,
      sessions: 3,
      subagent_transcripts: 12,
      tool_calls: 30,
      results: 29,
      messages: 3 + 12 * 5 + 1,
      other: 3,
      unknown_type: 1,
      duplicate_calls: 0,
      async_launched: 1,
      failed: 2,
      usage_from_result: 12,
      usage_from_transcript: 12,
      no_usage: 4,
      no_timestamp: 2,
      async_completed: 0, // the Plan launch has no transcript
      rejected: 0,
      compactions: 0,
      orphan_subagent_transcripts: 0,
      // sess-usage's results carry only their last call's usage: one series never mixes bases.
      trend_left_out_last_call: 12,
    });
    expectBalancedCounts(report.counts);
    expect(result.stderr).toMatch(/sess-new\.jsonl:\d+: skipped: not valid JSON/);

    const find = (type: string, arm: string | null) =>
      report.findings.find(
        (f: { type: string; scope: { arm: string | null } }) => f.type === type && f.scope.arm === arm,
      );
    expect(find('efficiency_trend', 'Explore').verdict).toBe('pass');
    // The whole prompt: input + cache read (30,000 on the first response) + cache creation.
    expect(find('efficiency_trend', 'Explore').data.first_decile_median).toBe(9000 + 500 - 200 + 30_000);
    expect(find('efficiency_trend', 'code-reviewer')).toBeUndefined();
    expect(find('efficiency_trend', null).data.n).toBe(12);
    expect(report.verdict).toBe(find('efficiency_trend', null).verdict);
    const friction = report.findings.filter((f: { type: string }) => f.type === 'friction');
    expect(friction.map((f: { data: { value: string } }) => f.data.value).sort()).toEqual([
      'agent type not found',
      'interrupted',
    ]);
    expect(find('latency', null).data.n).toBe(28 - 2);
    expect(find('latency', 'Explore').data.p50).toBe(6.5 * MINUTE);
    // The verification command re-reads the tree with the path as given, not one flag per file.
    expect(find('latency', null).verification).toContain(`--path ${root} --format json`);
  });

  it("without --path reads every CLAUDE_CONFIG_DIR (comma-separated), each one's projects/", async () => {
    const base = tempDir();
    const first = path.join(base, 'work');
    const second = path.join(base, 'personal');
    writeTree(path.join(first, 'projects'), SESSIONS.slice(0, 1));
    writeTree(path.join(second, 'projects'), SESSIONS.slice(1));
    const result = await runCli(['discover', '--source', 'claude-code'], {
      env: { CLAUDE_CONFIG_DIR: `${first}, ${second}` },
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.counts.sessions).toBe(3);
    expect(report.inputs[0]).toBe(path.join(first, 'projects/-home-dev-app/sess-new.jsonl'));

    const sources = JSON.parse(
      (await runCli(['sources', '--json'], { env: { CLAUDE_CONFIG_DIR: `${first},${second}` } })).stdout,
    );
    const claude = sources.sources.find((s: { name: string }) => s.name === 'claude-code');
    expect(claude.default_paths).toEqual([path.join(first, 'projects'), path.join(second, 'projects')]);
    expect(claude.path_variable).toBe('AFTERBURN_CLAUDE_CODE_PATH');
  });

  it('defaults to ~/.claude/projects; a missing default is one clear error', async () => {
    const home = tempDir();
    const missing = await runCli(['discover', '--source', 'claude-code'], { env: { HOME: home } });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(
      `afterburn: no such file or directory: ${path.join(home, '.claude/projects')} (pass an existing log file or directory with --path)`,
    );
    writeTree(path.join(home, '.claude/projects'), SESSIONS.slice(1, 2));
    const found = await runCli(['discover', '--source', 'claude-code'], { env: { HOME: home } });
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout).counts.joined).toBe(13);
  });

  it('AFTERBURN_CLAUDE_CODE_PATH beats the default, and a tree without transcripts is an error', async () => {
    const empty = tempDir();
    mkdirSync(path.join(empty, 'proj'));
    const result = await runCli(['discover', '--source', 'claude-code'], {
      env: { AFTERBURN_CLAUDE_CODE_PATH: empty, HOME: tempDir() },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no log files in .*read recursively for \*\.jsonl transcripts/);
  });
});
