import { z } from 'zod';

/**
 * The parts of a Claude Code transcript line afterburn reads (../shared/docs/sources.md §2). The
 * format is undocumented and changes between versions, so every field is optional and a field of
 * the wrong type reads as missing instead of failing the line.
 */
const Count = z.number().int().nonnegative().optional().catch(undefined);
const Text = z.string().optional().catch(undefined);

export const Usage = z.object({
  input_tokens: Count,
  output_tokens: Count,
  cache_read_input_tokens: Count,
  cache_creation_input_tokens: Count,
});
export type Usage = z.infer<typeof Usage>;

/** `toolUseResult` of a Task/Agent call when it is an object. */
export const AgentResult = z.object({
  status: Text,
  agentId: Text,
  agentType: Text,
  resolvedModel: Text,
  totalDurationMs: Count,
  totalTokens: Count,
  totalToolUseCount: Count,
  usage: Usage.optional().catch(undefined),
});
export type AgentResult = z.infer<typeof AgentResult>;

/**
 * The `input` of a Task/Agent tool_use. The prompt is the task's identity; a call without one is
 * still a dispatch (the tool rejects it, InputValidationError) and is identified by its type and
 * description instead.
 */
export const AgentCallInput = z.object({
  prompt: Text,
  subagent_type: Text,
  description: Text,
});

/** The envelope fields shared by user and assistant lines. */
export const LineEnvelope = z.object({
  type: Text,
  timestamp: Text,
  sessionId: Text,
  agentId: Text,
  requestId: Text,
  isSidechain: z.boolean().optional().catch(undefined),
  isApiErrorMessage: z.boolean().optional().catch(undefined),
});
export type LineEnvelope = z.infer<typeof LineEnvelope>;

export const AssistantMessage = z.object({
  id: Text,
  model: Text,
  usage: Usage.optional().catch(undefined),
});

/** Tool names whose calls start a subagent: `Task` (older versions) and `Agent` (newer). */
export const AGENT_TOOLS: ReadonlySet<string> = new Set(['Task', 'Agent']);

/** The default subagent type when a call names none (Claude Code's own default). */
export const DEFAULT_SUBAGENT_TYPE = 'general-purpose';

/** Line types Claude Code writes that hold no subagent calls; anything else counts as unknown. */
export const OTHER_LINE_TYPES: ReadonlySet<string> = new Set([
  'system',
  'summary',
  'file-history-snapshot',
  'queue-operation',
  'progress',
  'attachment',
  'custom-title',
]);

/** Epoch ms of an ISO timestamp; null when missing or unparseable. */
export function parseTimestamp(value: string | undefined): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}
