import type { Usage } from './schema.js';

/** Token usage of one subagent call, in the common records' terms. */
export interface TokenUsage {
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cacheReadTokens: number | null;
  readonly cacheCreationTokens: number | null;
}

/**
 * Where a dispatch's tokens come from (sources.md §2): the sum over the subagent's own transcript,
 * or, only where there is none, the result's usage, which is the subagent's last API call alone.
 */
export type UsageBasis = 'transcript' | 'last_call';

/** One API response's usage, compact: [input, output, cache read, cache creation], null = absent. */
export type UsageTuple = [number | null, number | null, number | null, number | null];

export function usageTuple(usage: Usage): UsageTuple {
  return [
    usage.input_tokens ?? null,
    usage.output_tokens ?? null,
    usage.cache_read_input_tokens ?? null,
    usage.cache_creation_input_tokens ?? null,
  ];
}

export function fromUsage(usage: Usage): TokenUsage | null {
  if (usage.input_tokens === undefined) return null;
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens ?? null,
    cacheReadTokens: usage.cache_read_input_tokens ?? null,
    cacheCreationTokens: usage.cache_creation_input_tokens ?? null,
  };
}

/** Whether `a` says more than `b`: more fields present, then the larger output (streamed copies grow). */
function moreComplete(a: UsageTuple, b: UsageTuple): boolean {
  const fieldsA = a.filter((value) => value !== null).length;
  const fieldsB = b.filter((value) => value !== null).length;
  return fieldsA !== fieldsB ? fieldsA > fieldsB : (a[1] ?? 0) > (b[1] ?? 0);
}

/** What one input (or part of one) read of one subagent's transcript, JSON-serialisable. */
export interface SavedTranscript {
  readonly agentId: string;
  readonly parent: string | null;
  readonly first: number | null;
  readonly last: number | null;
  /** [message id + request id, usage] per API response, in the order first seen. */
  readonly responses: [string, UsageTuple][];
  /** Responses without either id: each counts on its own. */
  readonly anonymous: UsageTuple[];
}

/**
 * One subagent's transcript: its first and last timestamps and its API responses. Claude Code
 * repeats one response's usage on several lines (one per content block), so responses are
 * deduplicated on message id + request id, keeping the most complete copy (the first of equals);
 * API error lines carry no real usage and never reach here.
 */
export class Transcript {
  parent: string | null = null;
  first: number | null = null;
  last: number | null = null;
  private readonly responses = new Map<string, UsageTuple>();
  private readonly anonymous: UsageTuple[] = [];

  constructor(readonly agentId: string) {}

  static restore(saved: SavedTranscript): Transcript {
    const transcript = new Transcript(saved.agentId);
    transcript.merge(saved);
    return transcript;
  }

  seen(at: number | null, session: string | null): void {
    if (this.parent === null && session !== null) this.parent = session;
    if (at === null) return;
    if (this.first === null || at < this.first) this.first = at;
    if (this.last === null || at > this.last) this.last = at;
  }

  add(messageId: string | undefined, requestId: string | undefined, usage: UsageTuple): void {
    if (messageId === undefined && requestId === undefined) {
      this.anonymous.push(usage);
      return;
    }
    this.keep(`${messageId ?? ''}\u0000${requestId ?? ''}`, usage);
  }

  /** Adds what a later part of the reading saw, as if this transcript had read it itself. */
  merge(other: SavedTranscript): void {
    this.seen(other.first, other.parent);
    this.seen(other.last, null);
    for (const [key, usage] of other.responses) this.keep(key, usage);
    this.anonymous.push(...other.anonymous);
  }

  save(): SavedTranscript {
    return {
      agentId: this.agentId,
      parent: this.parent,
      first: this.first,
      last: this.last,
      responses: [...this.responses],
      anonymous: [...this.anonymous],
    };
  }

  /** The summed usage; null when no response reported input tokens. */
  total(): TokenUsage | null {
    let input = 0;
    let output = 0;
    let cacheRead = 0;
    let cacheCreation = 0;
    let seen = false;
    for (const usage of [...this.responses.values(), ...this.anonymous]) {
      if (usage[0] === null) continue;
      seen = true;
      input += usage[0];
      output += usage[1] ?? 0;
      cacheRead += usage[2] ?? 0;
      cacheCreation += usage[3] ?? 0;
    }
    if (!seen) return null;
    return {
      inputTokens: input,
      outputTokens: output,
      cacheReadTokens: cacheRead,
      cacheCreationTokens: cacheCreation,
    };
  }

  private keep(key: string, usage: UsageTuple): void {
    const kept = this.responses.get(key);
    if (kept === undefined || moreComplete(usage, kept)) this.responses.set(key, usage);
  }
}
