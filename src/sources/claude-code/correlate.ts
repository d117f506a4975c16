import type { FailureRecord, TaskRecord } from '../../records/records.js';
import { errorReason } from './errors.js';
import type { AgentResult } from './schema.js';
import { fromUsage, type SubagentUsage, type TokenUsage } from './usage.js';

/** One Task/Agent tool_use: a dispatch. */
export interface AgentCall {
  readonly toolUseId: string;
  readonly arm: string;
  /** sha256 of the prompt text; the prompt itself is never kept. */
  readonly fingerprint: string;
  readonly at: number | null;
  readonly sessionId: string | null;
}

/** One tool_result block that may answer an agent call. */
export interface ResultBlock {
  readonly toolUseId: string;
  readonly at: number | null;
  readonly isError: boolean;
  /** The error text of a failed result (trimmed), else null. */
  readonly errorMessage: string | null;
  /** The line's `toolUseResult` when it is an object and belongs to this block. */
  readonly result: AgentResult | null;
}

export interface CorrelationCounts {
  dispatch: number;
  finalize: number;
  joined: number;
  unmatched_dispatch: number;
  unmatched_finalize: number;
  duplicates: number;
  /** Lines holding a result of an agent call. */
  results: number;
  /** Candidate result lines that answer no agent call (ordinary tool results). */
  other_results: number;
  duplicate_calls: number;
  async_launched: number;
  failed: number;
  usage_from_result: number;
  usage_from_transcript: number;
  no_usage: number;
  no_timestamp: number;
}

interface Candidate extends ResultBlock {
  readonly line: number;
}

const ASYNC_LAUNCHED = 'async_launched';

function isAsyncLaunch(block: ResultBlock): boolean {
  return block.result?.status === ASYNC_LAUNCHED;
}

/** A result that is recognisably a subagent's even without its call (its call line was lost). */
function looksLikeAgentResult(block: ResultBlock): boolean {
  const result = block.result;
  return result !== null && (result.agentId !== undefined || result.totalDurationMs !== undefined);
}

function compareNullableTimes(a: number | null, b: number | null): number {
  return (a ?? Number.POSITIVE_INFINITY) - (b ?? Number.POSITIVE_INFINITY) || 0;
}

function stableKey(value: unknown): string {
  return JSON.stringify(value) ?? '';
}

/** Of several copies of one call (a resumed session repeats its history), keep the earliest. */
function preferCall(a: AgentCall, b: AgentCall): AgentCall {
  const order = compareNullableTimes(a.at, b.at) || (stableKey(a) < stableKey(b) ? -1 : 1);
  return order <= 0 ? a : b;
}

/** Of several results for one call, keep the one that says most: usage, then earliest, then content. */
function compareResults(a: Candidate, b: Candidate): number {
  const usage = (block: Candidate): number => (block.result?.usage?.input_tokens !== undefined ? 0 : 1);
  const { line: _a, ...restA } = a;
  const { line: _b, ...restB } = b;
  const keyA = stableKey(restA);
  const keyB = stableKey(restB);
  return usage(a) - usage(b) || compareNullableTimes(a.at, b.at) || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0);
}

/**
 * Collects calls and results as lines stream past, and joins them in finish(): a result may be
 * read before its call (files are read in name order, sessions are resumed and forked), so no
 * decision depends on line order.
 */
export class TranscriptCorrelation {
  private readonly calls = new Map<string, AgentCall>();
  private callCount = 0;
  private readonly candidates: Candidate[] = [];
  private candidateLines = 0;

  constructor(private readonly usage: SubagentUsage) {}

  addCall(call: AgentCall): void {
    this.callCount += 1;
    const kept = this.calls.get(call.toolUseId);
    this.calls.set(call.toolUseId, kept === undefined ? call : preferCall(kept, call));
  }

  /** The tool_result blocks of one line. */
  addResultLine(blocks: readonly ResultBlock[]): void {
    const line = this.candidateLines++;
    for (const block of blocks) this.candidates.push({ ...block, line });
  }

  finish(): { counts: CorrelationCounts; tasks: TaskRecord[]; failures: FailureRecord[] } {
    const counts: CorrelationCounts = {
      dispatch: this.calls.size,
      finalize: 0,
      joined: 0,
      unmatched_dispatch: 0,
      unmatched_finalize: 0,
      duplicates: 0,
      results: 0,
      other_results: 0,
      duplicate_calls: this.callCount - this.calls.size,
      async_launched: 0,
      failed: 0,
      usage_from_result: 0,
      usage_from_transcript: 0,
      no_usage: 0,
      no_timestamp: 0,
    };
    const byCall = new Map<string, Candidate[]>();
    const resultLines = new Set<number>();
    for (const candidate of this.candidates) {
      if (this.calls.has(candidate.toolUseId)) {
        resultLines.add(candidate.line);
        const list = byCall.get(candidate.toolUseId);
        if (list === undefined) byCall.set(candidate.toolUseId, [candidate]);
        else list.push(candidate);
      } else if (looksLikeAgentResult(candidate)) {
        resultLines.add(candidate.line);
        if (isAsyncLaunch(candidate)) counts.async_launched += 1;
        else {
          counts.finalize += 1;
          counts.unmatched_finalize += 1;
        }
      }
    }
    counts.results = resultLines.size;
    counts.other_results = this.candidateLines - resultLines.size;

    const tasks: TaskRecord[] = [];
    const failures: FailureRecord[] = [];
    const attemptNumbers = this.attemptNumbers();
    for (const call of this.calls.values()) {
      const results = byCall.get(call.toolUseId) ?? [];
      const completions = results.filter((block) => !isAsyncLaunch(block)).sort(compareResults);
      counts.async_launched += results.length - completions.length;
      const chosen = completions[0];
      if (chosen === undefined) {
        counts.unmatched_dispatch += 1;
        continue;
      }
      counts.finalize += completions.length;
      counts.joined += 1;
      counts.duplicates += completions.length - 1;
      const failed = chosen.isError || chosen.errorMessage !== null;
      const status = failed ? 'failed' : (chosen.result?.status ?? 'completed');
      const duration =
        chosen.result?.totalDurationMs ??
        (chosen.at !== null && call.at !== null && chosen.at >= call.at ? chosen.at - call.at : null);
      const completedAt = chosen.at ?? (call.at !== null && duration !== null ? call.at + duration : null);
      if (failed) {
        counts.failed += 1;
        failures.push({
          arm: call.arm,
          at: completedAt,
          reason: errorReason(chosen.errorMessage ?? ''),
          sessionId: call.sessionId,
        });
      }
      const tokens = this.tokensOf(chosen, counts);
      if (completedAt === null) {
        counts.no_timestamp += 1;
        continue;
      }
      tasks.push({
        arm: call.arm,
        taskKey: call.fingerprint,
        attemptNumber: attemptNumbers.get(call.toolUseId) ?? 1,
        completedAt,
        status,
        inputTokens: tokens?.inputTokens ?? null,
        cacheReadTokens: tokens?.cacheReadTokens ?? null,
        cacheCreationTokens: tokens?.cacheCreationTokens ?? null,
        acceptancePassed: null,
        msElapsed: duration,
        sessionId: call.sessionId,
      });
    }
    return { counts, tasks, failures };
  }

  /** Usage from the result itself, else summed from the subagent's own transcript. */
  private tokensOf(block: Candidate, counts: CorrelationCounts): TokenUsage | null {
    const fromResult = block.result?.usage === undefined ? null : fromUsage(block.result.usage);
    if (fromResult !== null) {
      counts.usage_from_result += 1;
      return fromResult;
    }
    const agentId = block.result?.agentId;
    const fromTranscript = agentId === undefined ? null : this.usage.total(agentId);
    if (fromTranscript !== null) {
      counts.usage_from_transcript += 1;
      return fromTranscript;
    }
    counts.no_usage += 1;
    return null;
  }

  /** A prompt dispatched again is a retry: number the calls of one fingerprint in time order. */
  private attemptNumbers(): Map<string, number> {
    const byFingerprint = new Map<string, AgentCall[]>();
    for (const call of this.calls.values()) {
      const list = byFingerprint.get(call.fingerprint);
      if (list === undefined) byFingerprint.set(call.fingerprint, [call]);
      else list.push(call);
    }
    const numbers = new Map<string, number>();
    for (const list of byFingerprint.values()) {
      list.sort((a, b) => compareNullableTimes(a.at, b.at) || (a.toolUseId < b.toolUseId ? -1 : 1));
      for (const [index, call] of list.entries()) numbers.set(call.toolUseId, index + 1);
    }
    return numbers;
  }
}
