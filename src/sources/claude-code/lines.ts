import { createHash } from 'node:crypto';
import type { AgentCall, ResultBlock } from './correlate.js';
import {
  AGENT_TOOLS,
  AgentCallInput,
  AgentResult,
  AssistantMessage,
  DEFAULT_SUBAGENT_TYPE,
  type LineEnvelope,
  parseTimestamp,
} from './schema.js';

/** Error texts are grouped into reasons; a few hundred characters are plenty for that. */
const MAX_ERROR_CHARS = 500;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function contentBlocks(message: unknown): JsonObject[] {
  if (!isObject(message) || !Array.isArray(message.content)) return [];
  return message.content.filter(isObject);
}

export function promptFingerprint(prompt: string): string {
  return createHash('sha256').update(prompt).digest('hex');
}

/**
 * What identifies a call apart from its prompt: its type and description, hashed. A call the tool
 * rejects (no prompt, InputValidationError) is known by this; its text is never kept.
 */
export function identityFingerprint(subagentType: string, description: string | undefined): string {
  return createHash('sha256')
    .update(`agent-call\u0000${subagentType}\u0000${description ?? ''}`)
    .digest('hex');
}

/** The Task/Agent calls of an assistant line; `invalid` counts calls without an id. */
export function agentCalls(
  line: JsonObject,
  envelope: LineEnvelope,
): { calls: AgentCall[]; invalid: number } {
  const calls: AgentCall[] = [];
  let invalid = 0;
  for (const block of contentBlocks(line.message)) {
    if (block.type !== 'tool_use' || typeof block.name !== 'string' || !AGENT_TOOLS.has(block.name)) continue;
    if (typeof block.id !== 'string' || block.id === '') {
      invalid += 1;
      continue;
    }
    const parsed = AgentCallInput.safeParse(isObject(block.input) ? block.input : {});
    const input = parsed.success ? parsed.data : {};
    const arm = input.subagent_type?.trim() || DEFAULT_SUBAGENT_TYPE;
    calls.push({
      toolUseId: block.id,
      arm,
      promptFingerprint: input.prompt === undefined ? null : promptFingerprint(input.prompt),
      identityFingerprint: identityFingerprint(arm, input.description),
      at: parseTimestamp(envelope.timestamp),
      sessionId: envelope.sessionId ?? null,
    });
  }
  return { calls, invalid };
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isObject)
    .map((part) => (typeof part.text === 'string' ? part.text : ''))
    .join('\n');
}

function errorText(text: string): string {
  return text
    .replace(/<\/?tool_use_error>/g, '')
    .trim()
    .slice(0, MAX_ERROR_CHARS);
}

/**
 * The tool_result blocks of a user line. The line's `toolUseResult` describes its result only
 * when the line holds exactly one; a plain-string `toolUseResult` is an error message.
 */
export function resultBlocks(line: JsonObject, envelope: LineEnvelope): ResultBlock[] {
  const blocks = contentBlocks(line.message).filter(
    (block) => block.type === 'tool_result' && typeof block.tool_use_id === 'string',
  );
  const at = parseTimestamp(envelope.timestamp);
  const raw = blocks.length === 1 ? line.toolUseResult : undefined;
  const parsed = isObject(raw) ? AgentResult.safeParse(raw) : null;
  const result = parsed?.success ? parsed.data : null;
  return blocks.map((block) => {
    const stringError = typeof raw === 'string';
    const isError = block.is_error === true || stringError;
    const message = stringError ? (raw as string) : resultText(block.content);
    return {
      toolUseId: block.tool_use_id as string,
      at,
      isError,
      errorMessage: isError ? errorText(message) : null,
      result,
    };
  });
}

/** Usage of an assistant line, with the ids that identify its API response. */
export function assistantUsage(line: JsonObject) {
  const message = AssistantMessage.safeParse(line.message);
  return message.success ? message.data : null;
}
