import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AnalysisOptions } from '../../src/analyzers/types.js';
import type { FindingDraft } from '../../src/findings/schema.js';
import { type ClaudeCodeDataset, claudeCodeAdapter } from '../../src/sources/claude-code/index.js';
import type { SourceResult } from '../../src/sources/types.js';

/**
 * Builds synthetic Claude Code transcript trees with the real line shapes (sources.md §2): a
 * session file per session, and for newer versions `<session>/subagents/agent-<id>.jsonl` with a
 * `.meta.json` beside it. Never real user data.
 */
export const T0 = Date.UTC(2026, 2, 1, 9);
export const MINUTE = 60_000;
export const DAY = 86_400_000;

export interface Tokens {
  input: number;
  output?: number;
  cacheRead?: number;
  cacheCreation?: number;
}

export interface SubagentCall {
  toolUseId: string;
  agentId: string;
  /** Omitted: the call names no type (Claude Code defaults to general-purpose). */
  subagentType?: string;
  prompt: string;
  at: number;
  durationMs: number;
  tool?: 'Task' | 'Agent';
  /** How the call ended. `missing`: no result line (still running, or lost). */
  outcome?: 'completed' | 'async' | 'string_error' | 'is_error' | 'missing';
  errorText?: string;
  /** Usage written in the result (newer versions); without it, the transcript is the only usage. */
  resultUsage?: Tokens;
  /** Per API response of the subagent: written to its own transcript, each on `repeat` lines. */
  transcript?: { responses: Tokens[]; repeat?: number; apiError?: boolean };
  /** Old logs: no timestamp on any line of this call. */
  noTimestamps?: boolean;
}

function iso(at: number, omit: boolean | undefined): { timestamp?: string } {
  return omit ? {} : { timestamp: new Date(at).toISOString() };
}

function usageOf(tokens: Tokens): Record<string, number> {
  return {
    input_tokens: tokens.input,
    output_tokens: tokens.output ?? 0,
    cache_read_input_tokens: tokens.cacheRead ?? 0,
    cache_creation_input_tokens: tokens.cacheCreation ?? 0,
  };
}

export function callLine(sessionId: string, call: SubagentCall): string {
  const input: Record<string, unknown> = { description: 'do a thing', prompt: call.prompt };
  if (call.subagentType !== undefined) input.subagent_type = call.subagentType;
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    type: 'assistant',
    sessionId,
    cwd: '/home/dev/project',
    version: '2.1.0',
    ...iso(call.at, call.noTimestamps),
    requestId: `req_main_${call.toolUseId}`,
    message: {
      id: `msg_main_${call.toolUseId}`,
      role: 'assistant',
      model: 'claude-opus-4-5',
      content: [{ type: 'tool_use', id: call.toolUseId, name: call.tool ?? 'Task', input }],
      usage: { input_tokens: 3, output_tokens: 40, cache_read_input_tokens: 20_000 },
    },
  });
}

export function resultLine(sessionId: string, call: SubagentCall): string {
  const at = call.at + call.durationMs;
  const outcome = call.outcome ?? 'completed';
  const base = { type: 'user', isSidechain: false, sessionId, ...iso(at, call.noTimestamps) };
  if (outcome === 'string_error' || outcome === 'is_error') {
    const text = call.errorText ?? 'Error: something broke';
    return JSON.stringify({
      ...base,
      message: {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            tool_use_id: call.toolUseId,
            is_error: true,
            content: `<tool_use_error>${text}</tool_use_error>`,
          },
        ],
      },
      toolUseResult:
        outcome === 'string_error' ? `Error: ${text}` : { status: 'error', agentId: call.agentId },
    });
  }
  const result: Record<string, unknown> =
    outcome === 'async'
      ? { status: 'async_launched', agentId: call.agentId, description: 'do a thing' }
      : {
          status: 'completed',
          agentId: call.agentId,
          totalDurationMs: call.durationMs,
          totalTokens: 1234,
          totalToolUseCount: 7,
          content: [{ type: 'text', text: 'done' }],
          ...(call.resultUsage ? { usage: usageOf(call.resultUsage) } : {}),
          ...(call.subagentType ? { agentType: call.subagentType } : {}),
        };
  return JSON.stringify({
    ...base,
    message: {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: call.toolUseId, content: 'done' }],
    },
    toolUseResult: result,
  });
}

/** The subagent's own transcript: a prompt line, then each response's usage on `repeat` lines. */
export function subagentLines(sessionId: string, call: SubagentCall): string[] {
  const spec = call.transcript ?? { responses: [] };
  const lines = [
    JSON.stringify({
      type: 'user',
      isSidechain: true,
      agentId: call.agentId,
      sessionId,
      ...iso(call.at, call.noTimestamps),
      message: { role: 'user', content: 'the prompt' },
    }),
  ];
  spec.responses.forEach((tokens, index) => {
    for (let copy = 0; copy < (spec.repeat ?? 1); copy++) {
      // Streamed copies: the earlier ones carry a partial output count, the last the full one.
      const partial = copy < (spec.repeat ?? 1) - 1;
      const usage = usageOf({ ...tokens, output: partial ? 1 : (tokens.output ?? 0) });
      lines.push(
        JSON.stringify({
          type: 'assistant',
          isSidechain: true,
          agentId: call.agentId,
          sessionId,
          requestId: `req_${call.agentId}_${index}`,
          ...iso(call.at + (index + 1) * 1000, call.noTimestamps),
          message: {
            id: `msg_${call.agentId}_${index}`,
            model: 'claude-sonnet-4-5',
            content: [{ type: 'text', text: `step ${index} part ${copy}` }],
            usage,
          },
        }),
      );
    }
  });
  if (spec.apiError) {
    lines.push(
      JSON.stringify({
        type: 'assistant',
        isSidechain: true,
        agentId: call.agentId,
        sessionId,
        isApiErrorMessage: true,
        ...iso(call.at + 500, call.noTimestamps),
        message: { id: 'msg_err', model: '<synthetic>', content: [], usage: usageOf({ input: 999_999 }) },
      }),
    );
  }
  return lines;
}

export interface SessionSpec {
  project: string;
  sessionId: string;
  calls: SubagentCall[];
  /** Extra raw lines appended to the session file (torn lines, unknown types, …). */
  extraLines?: string[];
  /** Older versions wrote no subagents/ directory. */
  subagentFiles?: boolean;
}

/** The files of one session, by path relative to the projects root, with their lines. */
export function sessionFiles(spec: SessionSpec): Map<string, string[]> {
  const files = new Map<string, string[]>();
  const main = [
    JSON.stringify({ type: 'summary', summary: 'a session', leafUuid: 'x' }),
    JSON.stringify({
      type: 'user',
      sessionId: spec.sessionId,
      isSidechain: false,
      timestamp: new Date(T0).toISOString(),
      message: { role: 'user', content: 'please do the things' },
    }),
  ];
  files.set(`${spec.project}/${spec.sessionId}.jsonl`, main);
  for (const call of spec.calls) {
    main.push(callLine(spec.sessionId, call));
    if ((call.outcome ?? 'completed') !== 'missing') main.push(resultLine(spec.sessionId, call));
    if (spec.subagentFiles !== false && call.transcript) {
      files.set(
        `${spec.project}/${spec.sessionId}/subagents/agent-${call.agentId}.jsonl`,
        subagentLines(spec.sessionId, call),
      );
    }
  }
  main.push(...(spec.extraLines ?? []));
  return files;
}

/** Writes sessions under `root` (a `projects/` directory), with a `.meta.json` beside each subagent file. */
export function writeTree(root: string, specs: readonly SessionSpec[]): void {
  for (const spec of specs) {
    for (const [relative, lines] of sessionFiles(spec)) {
      const file = path.join(root, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${lines.join('\n')}\n`);
      if (relative.includes('/subagents/')) {
        writeFileSync(
          file.replace(/\.jsonl$/, '.meta.json'),
          JSON.stringify({ agentType: 'general-purpose' }),
        );
      }
    }
  }
}

const OPTIONS: AnalysisOptions = { alpha: 0.05, minSamples: 10, requireAcceptance: false };

/** Feeds files through the adapter as the CLI would (file by file, in the given order). */
export function runClaudeCode(
  files: ReadonlyMap<string, readonly string[]> | Iterable<[string, readonly string[]]>,
  options: Partial<AnalysisOptions> = {},
  notice?: (message: string) => void,
): { result: SourceResult<ClaudeCodeDataset>; findings: FindingDraft[]; skipped: string[] } {
  const skipped: string[] = [];
  const session = claudeCodeAdapter.open({
    skipped: (location, reason) => skipped.push(`${location.input}:${location.line}: ${reason}`),
    ...(notice ? { notice } : {}),
  });
  for (const [name, lines] of files) {
    session.beginInput?.(undefined);
    for (const [index, text] of lines.entries()) {
      session.acceptLine(text, { input: `projects/${name}`, line: index + 1 });
    }
  }
  const result = session.finish();
  const context = { source: 'claude-code', inputs: ['projects'], options: { ...OPTIONS, ...options } };
  const findings = claudeCodeAdapter.analyzers.flatMap((analyzer) =>
    analyzer.analyze(result.dataset, context),
  );
  return { result, findings, skipped };
}

/** Every line is accounted for, and the join counts add up (docs/sources/claude-code.md). */
export function expectBalancedCounts(counts: Readonly<Record<string, unknown>>): void {
  const c = counts as Record<string, number>;
  const lineKinds = ['blank', 'skipped', 'tool_calls', 'results', 'messages', 'other', 'unknown_type'];
  if (c.lines !== lineKinds.reduce((sum, key) => sum + (c[key] ?? Number.NaN), 0)) {
    throw new Error(`lines do not add up: ${JSON.stringify(c)}`);
  }
  if (c.dispatch !== (c.joined ?? 0) + (c.unmatched_dispatch ?? 0))
    throw new Error(`dispatch: ${JSON.stringify(c)}`);
  if (c.finalize !== (c.joined ?? 0) + (c.unmatched_finalize ?? 0) + (c.duplicates ?? 0)) {
    throw new Error(`finalize: ${JSON.stringify(c)}`);
  }
  if (c.joined !== (c.usage_from_result ?? 0) + (c.usage_from_transcript ?? 0) + (c.no_usage ?? 0)) {
    throw new Error(`usage: ${JSON.stringify(c)}`);
  }
}

export const PROJECT = '-home-dev-app';

/** One subagent call with realistic defaults, the i-th day after T0. */
export function call(i: number, fields: Partial<SubagentCall> = {}): SubagentCall {
  return {
    toolUseId: `toolu_${i}`,
    agentId: `agent${i}`,
    subagentType: 'Explore',
    prompt: `find the callers of function number ${i}`,
    at: T0 + i * DAY,
    durationMs: 90_000 + i * 1000,
    resultUsage: { input: 5000, output: 800, cacheRead: 15_000, cacheCreation: 1000 },
    ...fields,
  };
}

/** Runs the source on one session of these calls. */
export function runCalls(calls: SubagentCall[], extraLines: string[] = [], sessionId = 'sess-1') {
  return runClaudeCode(sessionFiles({ project: PROJECT, sessionId, calls, extraLines }));
}
