/**
 * Groups a failed subagent result's message into a short reason, so one finding collects every
 * "Agent type 'x' not found" whatever x is. The first rule that matches wins; the remediation
 * hints for these reasons live with the other hints in src/analyzers/remediation.ts.
 */
const RULES: readonly { readonly pattern: RegExp; readonly reason: string }[] = [
  // The tool refused the call before anything ran: a parameter missing or of the wrong type.
  { pattern: /InputValidationError|required parameter .* is missing/i, reason: 'invalid call' },
  {
    pattern: /agent type .*(not found|does not exist)|unknown (agent|subagent) type|no such agent/i,
    reason: 'agent type not found',
  },
  { pattern: /interrupt|aborted|cancell?ed by the user|request was cancelled/i, reason: 'interrupted' },
  {
    pattern: /prompt is too long|context (window|length|limit)|too many tokens|max_tokens/i,
    reason: 'context limit',
  },
  { pattern: /rate.?limit|\b429\b|overloaded|\b529\b/i, reason: 'rate limited or overloaded' },
  { pattern: /permission|not allowed|denied by|blocked by (a )?hook/i, reason: 'permission denied' },
  { pattern: /timed? ?out|timeout/i, reason: 'timed out' },
];

export const TOOL_ERROR = 'tool error';

export function errorReason(message: string): string {
  return RULES.find((rule) => rule.pattern.test(message))?.reason ?? TOOL_ERROR;
}
