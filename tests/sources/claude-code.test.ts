import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LatencyData } from '../../src/findings/data.js';
import { FrictionData } from '../../src/findings/schema.js';
import {
  call,
  callLine,
  DAY,
  expectBalancedCounts,
  MINUTE,
  PROJECT,
  resultLine,
  runCalls as run,
  runClaudeCode,
  sessionFiles,
  T0,
} from '../helpers/claude-code.js';

describe('claude-code source', () => {
  it('joins a Task call to its result: arm, sha256 fingerprint (never the prompt), status, usage, duration', () => {
    const { result } = run([call(1)]);
    expect(result.counts).toMatchObject({
      dispatch: 1,
      finalize: 1,
      joined: 1,
      usage_from_result: 1,
      sessions: 1,
    });
    expect(result.dataset.tasks).toEqual([
      {
        arm: 'Explore',
        taskKey: createHash('sha256').update('find the callers of function number 1').digest('hex'),
        attemptNumber: 1,
        completedAt: T0 + DAY + 91_000,
        status: 'completed',
        inputTokens: 5000,
        cacheReadTokens: 15_000,
        cacheCreationTokens: 1000,
        acceptancePassed: null,
        msElapsed: 91_000,
        sessionId: 'sess-1',
        usageBasis: 'last_call',
      },
    ]);
    expect(JSON.stringify(result)).not.toContain('find the callers');
    expectBalancedCounts(result.counts);
  });

  it('reads the Agent tool too, and a call without subagent_type is general-purpose', () => {
    const { result } = run([call(1, { tool: 'Agent', subagentType: undefined })]);
    expect(result.dataset.tasks.map((t) => t.arm)).toEqual(['general-purpose']);
  });

  it('sums usage from the subagent transcript when the result has none: one copy per response, API errors dropped', () => {
    const responses = [
      { input: 1200, output: 300, cacheRead: 10_000, cacheCreation: 500 },
      { input: 800, output: 100, cacheRead: 12_000, cacheCreation: 0 },
    ];
    const { result } = run([
      call(1, { resultUsage: undefined, transcript: { responses, repeat: 3, apiError: true } }),
    ]);
    expect(result.counts).toMatchObject({
      usage_from_transcript: 1,
      usage_from_result: 0,
      subagent_transcripts: 1,
    });
    const [task] = result.dataset.tasks;
    expect(task).toMatchObject({ inputTokens: 2000, cacheReadTokens: 22_000, cacheCreationTokens: 500 });
    expectBalancedCounts(result.counts);
  });

  it("the transcript's sum wins over the result's usage, which is the subagent's last call only", () => {
    const { result } = run([call(1, { transcript: { responses: [{ input: 1 }, { input: 2 }] } })]);
    expect(result.dataset.tasks[0]).toMatchObject({ inputTokens: 3, usageBasis: 'transcript' });
    expect(result.counts).toMatchObject({ usage_from_result: 0, usage_from_transcript: 1 });
  });

  it('a result without usage and without a transcript joins but has no tokens (left out of the trend, counted)', () => {
    const { result } = run([call(1, { resultUsage: undefined })]);
    expect(result.counts).toMatchObject({ joined: 1, no_usage: 1 });
    expect(result.dataset.tasks[0]?.inputTokens).toBeNull();
  });

  it('string errors and is_error results are failed finalizes grouped into reasons, with hints', () => {
    const { result, findings } = run([
      call(1, {
        subagentType: 'reviewr',
        outcome: 'string_error',
        errorText: "Agent type 'reviewr' not found. Available agents: Explore",
      }),
      call(2, {
        subagentType: 'revieww',
        outcome: 'string_error',
        errorText: "Agent type 'revieww' not found.",
      }),
      call(3, { outcome: 'is_error', errorText: '[Request interrupted by user for tool use]' }),
      call(4, { outcome: 'is_error', errorText: 'ENOENT: no such file' }),
      call(5),
    ]);
    expect(result.counts).toMatchObject({ finalize: 5, joined: 5, failed: 4 });
    expect(result.dataset.tasks.filter((t) => t.status === 'failed')).toHaveLength(4);
    const friction = findings.filter((f) => f.type === 'friction');
    expect(friction.map((f) => [f.data.value, f.frequency, f.data.rank])).toEqual([
      ['agent type not found', 2, 1],
      ['interrupted', 1, 2],
      ['tool error', 1, 3],
    ]);
    expect(friction[0]?.data.arms).toEqual({ reviewr: 1, revieww: 1 });
    expect(friction[0]?.data.remediation).toMatch(/subagent_type that exists/);
    expect(friction[0]?.theme).toBe('subagent_friction:subagent_error');
    expect(friction[0]?.sessions).toEqual(['sess-1']);
    for (const finding of friction) expect(FrictionData.safeParse(finding.data).success).toBe(true);
  });

  it('an async launch is not a completion: the call stays unmatched and the launch is counted', () => {
    const { result } = run([call(1, { outcome: 'async' }), call(2)]);
    expect(result.counts).toMatchObject({
      dispatch: 2,
      finalize: 1,
      joined: 1,
      unmatched_dispatch: 1,
      async_launched: 1,
      results: 2,
    });
    expectBalancedCounts(result.counts);
  });

  it('old logs without timestamps: joined and counted, but no point in time for the trend', () => {
    const { result } = run([call(1, { noTimestamps: true }), call(2)]);
    expect(result.counts).toMatchObject({ joined: 2, no_timestamp: 1 });
    expect(result.dataset.tasks).toHaveLength(1);
  });

  it('a call with a timestamp and a result without one completes at call time + duration', () => {
    const c = call(1);
    const result = JSON.parse(resultLine('s', c));
    delete result.timestamp;
    const { result: out } = runClaudeCode([['p/s.jsonl', [callLine('s', c), JSON.stringify(result)]]]);
    expect(out.dataset.tasks[0]?.completedAt).toBe(c.at + c.durationMs);
  });

  it('a resumed session repeating its history: copies of calls and results are counted once', () => {
    const calls = [call(1), call(2)];
    const first = sessionFiles({ project: PROJECT, sessionId: 'a', calls });
    const resumed = sessionFiles({ project: PROJECT, sessionId: 'a', calls: [...calls, call(3)] });
    const files = new Map([
      ...first,
      ...[...resumed].map(([k, v]) => [k.replace('a.jsonl', 'b.jsonl'), v] as const),
    ]);
    const { result } = runClaudeCode(files);
    expect(result.counts).toMatchObject({
      dispatch: 3,
      duplicate_calls: 2,
      finalize: 5,
      joined: 3,
      duplicates: 2,
    });
    expect(result.dataset.tasks).toHaveLength(3);
    expectBalancedCounts(result.counts);
  });

  it('of two results for one call, the one carrying usage is kept and the other is a duplicate', () => {
    const c = call(1);
    const bare = resultLine('s', { ...c, resultUsage: undefined, durationMs: c.durationMs - 5000 });
    for (const lines of [
      [callLine('s', c), bare, resultLine('s', c)],
      [resultLine('s', c), callLine('s', c), bare],
    ]) {
      const { result } = runClaudeCode([['p/s.jsonl', lines]]);
      expect(result.counts).toMatchObject({ finalize: 2, joined: 1, duplicates: 1, usage_from_result: 1 });
      expect(result.dataset.tasks[0]?.inputTokens).toBe(5000);
    }
  });

  it('a retried prompt numbers its attempts in time order', () => {
    const { result } = run([call(2, { prompt: 'same' }), call(1, { prompt: 'same' })]);
    const byTime = [...result.dataset.tasks].sort((a, b) => a.completedAt - b.completedAt);
    expect(byTime.map((t) => t.attemptNumber)).toEqual([1, 2]);
  });

  it('tolerates unknown and torn lines: torn ones are skipped, unknown types counted, a call without a prompt is a dispatch', () => {
    const noPrompt = JSON.stringify({
      type: 'assistant',
      sessionId: 'sess-1',
      message: {
        content: [{ type: 'tool_use', id: 'toolu_x', name: 'Task', input: { subagent_type: 'Explore' } }],
      },
    });
    const { result, skipped } = run(
      [call(1)],
      [
        '{"type":"user","message":',
        '{"type":"a-type-from-the-future","v":99}',
        '{"no":"type"}',
        '[1,2]',
        '',
        noPrompt,
      ],
    );
    expect(result.counts).toMatchObject({
      skipped: 2,
      unknown_type: 2,
      blank: 1,
      other: 1,
      dispatch: 2,
      unmatched_dispatch: 1,
    });
    expect(skipped.map((s) => s.replace(/^.*: /, ''))).toEqual(['not valid JSON', 'not a JSON object']);
    expectBalancedCounts(result.counts);
  });

  it('a subagent result whose call line was lost is an unmatched finalize; ordinary tool results are messages', () => {
    const lost = resultLine('sess-1', call(7));
    const bash = JSON.stringify({
      type: 'user',
      sessionId: 'sess-1',
      message: { content: [{ type: 'tool_result', tool_use_id: 'toolu_bash', content: 'ok' }] },
      toolUseResult: { stdout: 'ok', stderr: '' },
    });
    const { result } = run([call(1)], [lost, bash]);
    expect(result.counts).toMatchObject({ finalize: 2, joined: 1, unmatched_finalize: 1, results: 2 });
    expectBalancedCounts(result.counts);
  });

  it('findings: a falling series passes per subagent type and globally; latency percentiles per arm', () => {
    const calls = Array.from({ length: 20 }, (_, i) =>
      call(i, { resultUsage: { input: 20_000 - i * 700 }, durationMs: (i + 1) * MINUTE }),
    );
    const { findings } = run(calls);
    const trends = findings.filter((f) => f.type === 'efficiency_trend');
    expect(trends.map((f) => [f.scope.arm, f.verdict])).toEqual([
      [null, 'pass'],
      ['Explore', 'pass'],
    ]);
    const latency = findings.find((f) => f.type === 'latency' && f.scope.arm === null);
    expect(LatencyData.parse(latency?.data)).toEqual({
      metric: 'ms_elapsed',
      n: 20,
      p50: 10.5 * MINUTE,
      p95: 19.05 * MINUTE,
      p99: null,
    });
  });
});
