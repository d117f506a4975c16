import type { Usage } from './schema.js';

/** Token usage of one subagent call, in the common records' terms. */
export interface TokenUsage {
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cacheReadTokens: number | null;
  readonly cacheCreationTokens: number | null;
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

/** How complete a usage is: fields present first, then the larger output (streamed lines grow). */
function completeness(usage: Usage): [number, number] {
  const fields = [
    usage.input_tokens,
    usage.output_tokens,
    usage.cache_read_input_tokens,
    usage.cache_creation_input_tokens,
  ];
  return [fields.filter((value) => value !== undefined).length, usage.output_tokens ?? 0];
}

function moreComplete(a: Usage, b: Usage): boolean {
  const [fieldsA, outputA] = completeness(a);
  const [fieldsB, outputB] = completeness(b);
  return fieldsA !== fieldsB ? fieldsA > fieldsB : outputA > outputB;
}

/**
 * The usage of each subagent, from its own transcript. Claude Code repeats one API response's
 * usage on several lines (one per content block), so responses are deduplicated on message id +
 * request id, keeping the most complete copy; API error lines carry no real usage and are dropped.
 */
export class SubagentUsage {
  private readonly responses = new Map<string, Map<string, Usage>>();
  private anonymous = 0;

  add(agentId: string, messageId: string | undefined, requestId: string | undefined, usage: Usage): void {
    let responses = this.responses.get(agentId);
    if (responses === undefined) {
      responses = new Map();
      this.responses.set(agentId, responses);
    }
    // Without either id a line cannot be matched to its copies: it counts on its own.
    const key =
      messageId === undefined && requestId === undefined
        ? `\u0001${this.anonymous++}`
        : `${messageId ?? ''}\u0000${requestId ?? ''}`;
    const kept = responses.get(key);
    if (kept === undefined || moreComplete(usage, kept)) responses.set(key, usage);
  }

  has(agentId: string): boolean {
    return this.responses.has(agentId);
  }

  /** Summed usage of one subagent; null when its transcript was not read or had no usage. */
  total(agentId: string): TokenUsage | null {
    const responses = this.responses.get(agentId);
    if (responses === undefined) return null;
    let input = 0;
    let output = 0;
    let cacheRead = 0;
    let cacheCreation = 0;
    let seen = false;
    for (const usage of responses.values()) {
      if (usage.input_tokens === undefined) continue;
      seen = true;
      input += usage.input_tokens;
      output += usage.output_tokens ?? 0;
      cacheRead += usage.cache_read_input_tokens ?? 0;
      cacheCreation += usage.cache_creation_input_tokens ?? 0;
    }
    if (!seen) return null;
    return {
      inputTokens: input,
      outputTokens: output,
      cacheReadTokens: cacheRead,
      cacheCreationTokens: cacheCreation,
    };
  }
}
