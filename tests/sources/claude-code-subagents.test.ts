import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { identityFingerprint } from '../../src/sources/claude-code/lines.js';
import {
  call,
  callLine,
  expectBalancedCounts,
  PROJECT,
  resultLine,
  runCalls as run,
  runClaudeCode,
  sessionFiles,
  subagentLines,
  T0,
} from '../helpers/claude-code.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/claude-code');

/** The fixture tree's files, by path relative to it, in the order the CLI reads them. */
function fixtureFiles(): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const entry of readdirSync(FIXTURES, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.jsonl')) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(FIXTURES, file), readFileSync(file, 'utf8').trimEnd().split('\n'));
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('claude-code: what a subagent cost', () => {
  it("sums a 12-call subagent's own transcript, deduplicated, instead of its result's last call", () => {
    const { result } = runClaudeCode(fixtureFiles());
    const explore = result.dataset.tasks.find((task) => task.arm === 'Explore' && task.msElapsed === 79_000);
    // 12 responses, each on two lines (text + tool_use) with the same usage, one API error line
    // dropped: input 36, cache read 207,000, cache creation 8,640. The result said 2 / 25,500 / 940.
    expect(explore).toMatchObject({
      inputTokens: 36,
      cacheReadTokens: 207_000,
      cacheCreationTokens: 8640,
      usageBasis: 'transcript',
    });
  });

  it('the trend counts the whole prompt (input + cache creation + cache read) of one basis only', () => {
    const { result, findings } = runClaudeCode(fixtureFiles());
    // The older session's Task call has only its result's usage: left out, since transcripts exist.
    expect(result.counts).toMatchObject({
      usage_from_transcript: 2,
      usage_from_result: 1,
      trend_left_out_last_call: 1,
    });
    const completed = result.dataset.trendTasks.filter((task) => task.status === 'completed');
    expect(completed.map((task) => task.usageBasis)).toEqual(['transcript', 'transcript']);
    const explore = findings.find((f) => f.type === 'efficiency_trend' && f.scope.arm === 'Explore');
    expect(explore?.evidence).toContain('first-decile median 215,676');
  });

  it('with no transcript anywhere the last-call numbers stand in, and say so', () => {
    const { result } = run([call(1), call(2)]);
    expect(result.dataset.tasks.map((task) => task.usageBasis)).toEqual(['last_call', 'last_call']);
    expect(result.dataset.trendTasks).toHaveLength(2);
    expect(result.counts.trend_left_out_last_call).toBe(0);
  });
});

describe('claude-code: background subagents', () => {
  it('an async launch is one dispatch joined through its own transcript: completion, duration, usage', () => {
    const { result } = runClaudeCode(fixtureFiles());
    const background = result.dataset.tasks.find((task) => task.arm === 'general-purpose');
    // First line 10:01:42, last 10:02:46: 64 s; usage 3+4100+0 and 2+300+4100.
    expect(background).toMatchObject({
      status: 'completed',
      completedAt: Date.UTC(2026, 2, 2, 10, 2, 46),
      msElapsed: 64_000,
      inputTokens: 5,
      cacheCreationTokens: 4400,
      cacheReadTokens: 4100,
      usageBasis: 'transcript',
    });
    expect(result.counts).toMatchObject({ async_launched: 1, async_completed: 1, unmatched_dispatch: 0 });
    expectBalancedCounts(result.counts);
  });

  it('without its transcript a background subagent stays unmatched (still running, or its file is gone)', () => {
    const launched = call(1, { outcome: 'async' });
    const { result } = run([launched]);
    expect(result.counts).toMatchObject({
      dispatch: 1,
      joined: 0,
      unmatched_dispatch: 1,
      async_completed: 0,
    });
    const withTranscript = { ...launched, transcript: { responses: [{ input: 10, cacheRead: 90 }] } };
    const joined = run([withTranscript]).result;
    expect(joined.counts).toMatchObject({ joined: 1, async_completed: 1, usage_from_transcript: 1 });
    expect(joined.dataset.tasks[0]).toMatchObject({ completedAt: withTranscript.at + 1000, msElapsed: 1000 });
  });
});

describe('claude-code: calls the tool rejects', () => {
  const description = 'Review the diff';
  const rejected = (input: Record<string, unknown>) => {
    const use = JSON.parse(callLine('sess-1', call(1)));
    use.message.content[0].input = input;
    const error =
      'InputValidationError: Agent failed due to the following issue:\nThe required parameter `prompt` is missing';
    const answer = JSON.parse(resultLine('sess-1', call(1, { outcome: 'string_error', errorText: error })));
    return [JSON.stringify(use), JSON.stringify(answer)];
  };

  it('a call without a prompt is a failed dispatch feeding friction, keyed by its type and description', () => {
    const files = sessionFiles({ project: PROJECT, sessionId: 'sess-1', calls: [] });
    files.get(`${PROJECT}/sess-1.jsonl`)?.push(...rejected({ description, subagent_type: 'code-reviewer' }));
    const { result, findings, skipped } = runClaudeCode(files);
    expect(skipped).toEqual([]);
    expect(result.counts).toMatchObject({ dispatch: 1, joined: 1, failed: 1, rejected: 1, results: 1 });
    expect(result.dataset.tasks[0]).toMatchObject({
      status: 'failed',
      taskKey: identityFingerprint('code-reviewer', description),
    });
    const friction = findings.find((f) => f.type === 'friction');
    expect(friction?.data.value).toBe('invalid call');
    expectBalancedCounts(result.counts);
  });

  it('a rejected call with a prompt is keyed the same way: its text is never hashed', () => {
    const files = sessionFiles({ project: PROJECT, sessionId: 'sess-1', calls: [] });
    const prompt = 'a prompt the validator refused';
    files
      .get(`${PROJECT}/sess-1.jsonl`)
      ?.push(...rejected({ description, subagent_type: 'x', prompt, extra: 1 }));
    const { result } = runClaudeCode(files);
    expect(result.dataset.tasks[0]?.taskKey).toBe(identityFingerprint('x', description));
    expect(result.dataset.tasks[0]?.taskKey).not.toBe(sha256(prompt));
    expect(JSON.stringify(result)).not.toContain(prompt);
  });
});

describe('claude-code: compactions and orphans', () => {
  it('agent-acompact-* files are compactions: neither dispatches nor subagent transcripts', () => {
    const { result } = runClaudeCode(fixtureFiles());
    expect(result.counts).toMatchObject({ compactions: 1, subagent_transcripts: 3, dispatch: 4 });
    const compaction = [...fixtureFiles()].find(([name]) => name.includes('acompact'));
    // A compaction alone: its lines are counted, its usage (150,000 cache reads) belongs to no one.
    const alone = runClaudeCode([compaction as [string, string[]]]).result;
    expect(alone.counts).toMatchObject({ lines: 2, messages: 2, subagent_transcripts: 0, compactions: 1 });
    expect(alone.counts.orphan_subagent_transcripts).toBe(0);
  });

  it('a subagent transcript whose session is missing is warned about and counted', () => {
    const notices: string[] = [];
    const orphan = call(3, { transcript: { responses: [{ input: 5 }] } });
    const lines = subagentLines('sess-gone', orphan);
    const { result } = runClaudeCode(
      [[`${PROJECT}/sess-gone/subagents/agent-${orphan.agentId}.jsonl`, lines]],
      {},
      (message) => notices.push(message),
    );
    expect(result.counts).toMatchObject({
      orphan_subagent_transcripts: 1,
      subagent_transcripts: 1,
      dispatch: 0,
    });
    expect(notices).toEqual([
      expect.stringMatching(/1 subagent transcript\(s\) whose parent session was not read/),
    ]);
    // With its session read it is no orphan.
    const withSession = runClaudeCode([
      [
        `${PROJECT}/sess-gone.jsonl`,
        [
          JSON.stringify({
            type: 'user',
            sessionId: 'sess-gone',
            timestamp: new Date(T0).toISOString(),
            message: { content: 'hi' },
          }),
        ],
      ],
      [`${PROJECT}/sess-gone/subagents/agent-${orphan.agentId}.jsonl`, lines],
    ]).result;
    expect(withSession.counts.orphan_subagent_transcripts).toBe(0);
  });
});
