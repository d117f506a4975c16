import { describe, expect, it } from 'vitest';
import { remediationHint } from '../../src/analyzers/remediation.js';
import { errorReason, TOOL_ERROR } from '../../src/sources/claude-code/errors.js';

describe('claude-code error reasons', () => {
  it.each([
    [
      "Agent type 'code-reviewer' not found. Available agents: general-purpose, Explore",
      'agent type not found',
    ],
    ['[Request interrupted by user for tool use]', 'interrupted'],
    ['Prompt is too long', 'context limit'],
    ['API Error: 529 {"type":"overloaded_error"}', 'rate limited or overloaded'],
    ['Permission to use Bash has been denied by a PreToolUse hook', 'permission denied'],
    ['Agent timed out after 600000ms', 'timed out'],
    [
      'InputValidationError: Agent failed due to the following issue:\nThe required parameter `prompt` is missing',
      'invalid call',
    ],
    ['ENOENT: no such file or directory', TOOL_ERROR],
    ['', TOOL_ERROR],
  ])('%j → %s', (message, reason) => {
    expect(errorReason(message)).toBe(reason);
  });

  it('every reason has its own remediation hint; unknown errors get the generic one', () => {
    const reasons = [
      'invalid call',
      'agent type not found',
      'interrupted',
      'context limit',
      'rate limited or overloaded',
      'permission denied',
      'timed out',
    ];
    const hints = reasons.map((reason) => remediationHint('subagent_error', reason));
    const generic = remediationHint('subagent_error', TOOL_ERROR);
    expect(new Set([...hints, generic]).size).toBe(reasons.length + 1);
  });
});
