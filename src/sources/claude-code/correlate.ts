import type { FailureRecord, TaskRecord } from '../../records/records.js';
import { errorReason } from './errors.js';
import type { AgentResult } from './schema.js';
import { fromUsage, type TokenUsage, type Transcript, type UsageBasis } from './usage.js';

/** One Task/Agent tool_use: a dispatch. */
export interface AgentCall {
  readonly toolUseId: string;
  readonly arm: string;
  /** sha256 of the prompt text (the prompt itself is never kept); null when the call had none. */
  readonly promptFingerprint: string | null;
  /** sha256 of the call's type and description: the identity of a call the tool rejected. */
  readonly identityFingerprint: string;
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

/** A subagent dispatch that finished, with where its tokens come from. */
export interface SubagentTask extends TaskRecord {
  readonly usageBasis: UsageBasis | null;
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
  /** Tokens from the result's usage: the subagent's last API call only (usage_basis last_call). */
  usage_from_result: number;
  /** Tokens summed over the subagent's own transcript (usage_basis transcript). */
  usage_from_transcript: number;
  no_usage: number;
  no_timestamp: number;
  /** Background subagents joined through their own transcript. */
  async_completed: number;
  /** Calls the tool rejected before running them (no prompt, InputValidationError). */
  rejected: number;
}

interface Candidate extends ResultBlock {
  readonly line: number;
}

const ASYNC_LAUNCHED = 'async_launched';
const INPUT_VALIDATION = /InputValidationError/;

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

  /** `transcripts`: every subagent's own transcript read, by agent id. */
  constructor(private readonly transcripts: ReadonlyMap<string, Transcript>) {}

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

  finish(): { counts: CorrelationCounts; tasks: SubagentTask[]; failures: FailureRecord[] } {
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
      async_completed: 0,
      rejected: 0,
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

    const ends: CallEnd[] = [];
    const keyed: { call: AgentCall; taskKey: string }[] = [];
    for (const call of this.calls.values()) {
      const end = this.endOf(call, byCall.get(call.toolUseId) ?? [], counts);
      if (end !== null) ends.push(end);
      keyed.push(end ?? { call, taskKey: call.promptFingerprint ?? call.identityFingerprint });
    }
    // Unmatched calls count too: a retry after a lost attempt is still the second attempt.
    const attemptNumbers = attemptNumbersOf(keyed);
    const tasks: SubagentTask[] = [];
    const failures: FailureRecord[] = [];
    for (const end of ends) {
      const { call } = end;
      if (end.failed) {
        failures.push({
          arm: call.arm,
          at: end.completedAt,
          reason: errorReason(end.errorMessage ?? ''),
          sessionId: call.sessionId,
        });
      }
      const tokens = this.tokensOf(end, counts);
      if (end.completedAt === null) {
        counts.no_timestamp += 1;
        continue;
      }
      tasks.push({
        arm: call.arm,
        taskKey: end.taskKey,
        attemptNumber: attemptNumbers.get(call.toolUseId) ?? 1,
        completedAt: end.completedAt,
        status: end.status,
        inputTokens: tokens?.usage.inputTokens ?? null,
        cacheReadTokens: tokens?.usage.cacheReadTokens ?? null,
        cacheCreationTokens: tokens?.usage.cacheCreationTokens ?? null,
        acceptancePassed: null,
        msElapsed: end.duration,
        sessionId: call.sessionId,
        usageBasis: tokens?.basis ?? null,
      });
    }
    return { counts, tasks, failures };
  }

  /**
   * How a call ended: its best completion, else (a background subagent) its own transcript's
   * last line, else nothing (still running, or lost: unmatched).
   */
  private endOf(call: AgentCall, results: readonly Candidate[], counts: CorrelationCounts): CallEnd | null {
    const completions = results.filter((block) => !isAsyncLaunch(block)).sort(compareResults);
    const launches = results.filter(isAsyncLaunch);
    counts.async_launched += launches.length;
    const chosen = completions[0];
    if (chosen === undefined) {
      const launch = launches
        .map((block) => ({ block, transcript: this.transcriptOf(block.result?.agentId) }))
        .find(({ transcript }) => transcript?.last !== null && transcript !== undefined);
      if (launch === undefined) {
        counts.unmatched_dispatch += 1;
        return null;
      }
      const transcript = launch.transcript as Transcript;
      counts.finalize += 1;
      counts.joined += 1;
      counts.async_completed += 1;
      return {
        call,
        taskKey: call.promptFingerprint ?? call.identityFingerprint,
        failed: false,
        errorMessage: null,
        status: 'completed',
        completedAt: transcript.last,
        duration:
          transcript.first !== null && transcript.last !== null ? transcript.last - transcript.first : null,
        agentId: launch.block.result?.agentId,
        resultUsage: null,
      };
    }
    counts.finalize += completions.length;
    counts.joined += 1;
    counts.duplicates += completions.length - 1;
    const failed = chosen.isError || chosen.errorMessage !== null;
    const rejected =
      call.promptFingerprint === null || (failed && INPUT_VALIDATION.test(chosen.errorMessage ?? ''));
    if (failed) counts.failed += 1;
    if (rejected) counts.rejected += 1;
    const duration =
      chosen.result?.totalDurationMs ??
      (chosen.at !== null && call.at !== null && chosen.at >= call.at ? chosen.at - call.at : null);
    return {
      call,
      // A rejected call is known by its type and description: its text is never hashed.
      taskKey: rejected ? call.identityFingerprint : (call.promptFingerprint as string),
      failed,
      errorMessage: chosen.errorMessage,
      status: failed ? 'failed' : (chosen.result?.status ?? 'completed'),
      completedAt: chosen.at ?? (call.at !== null && duration !== null ? call.at + duration : null),
      duration,
      agentId: chosen.result?.agentId,
      resultUsage: chosen.result?.usage === undefined ? null : fromUsage(chosen.result.usage),
    };
  }

  private transcriptOf(agentId: string | undefined): Transcript | undefined {
    return agentId === undefined ? undefined : this.transcripts.get(agentId);
  }

  /**
   * The subagent's tokens: summed over its own transcript, else (no transcript was read) the
   * result's usage, which is its last API call only; the basis says which.
   */
  private tokensOf(end: CallEnd, counts: CorrelationCounts): { usage: TokenUsage; basis: UsageBasis } | null {
    const fromTranscript = this.transcriptOf(end.agentId)?.total() ?? null;
    if (fromTranscript !== null) {
      counts.usage_from_transcript += 1;
      return { usage: fromTranscript, basis: 'transcript' };
    }
    if (end.resultUsage !== null) {
      counts.usage_from_result += 1;
      return { usage: end.resultUsage, basis: 'last_call' };
    }
    counts.no_usage += 1;
    return null;
  }
}

interface CallEnd {
  readonly call: AgentCall;
  readonly taskKey: string;
  readonly failed: boolean;
  readonly errorMessage: string | null;
  readonly status: string;
  readonly completedAt: number | null;
  readonly duration: number | null;
  readonly agentId: string | undefined;
  readonly resultUsage: TokenUsage | null;
}

/** A task dispatched again is a retry: number the calls of one task key in time order. */
function attemptNumbersOf(ends: readonly { call: AgentCall; taskKey: string }[]): Map<string, number> {
  const byKey = new Map<string, AgentCall[]>();
  for (const { call, taskKey } of ends) {
    const list = byKey.get(taskKey);
    if (list === undefined) byKey.set(taskKey, [call]);
    else list.push(call);
  }
  const numbers = new Map<string, number>();
  for (const list of byKey.values()) {
    list.sort((a, b) => compareNullableTimes(a.at, b.at) || (a.toolUseId < b.toolUseId ? -1 : 1));
    for (const [index, call] of list.entries()) numbers.set(call.toolUseId, index + 1);
  }
  return numbers;
}
