/**
 * Remediation hints for gate friction: what to change in the prompt so the gate lets it through.
 * Producers word their reasons differently, so hints match on meaning-bearing words rather than
 * exact strings; the first rule that matches wins, and anything unknown gets the generic hint.
 */
export type FrictionKind = 'block_reason' | 'rationalization' | 'subagent_error';

interface HintRule {
  readonly kinds: readonly FrictionKind[];
  readonly pattern: RegExp;
  readonly hint: string;
}

const RULES: readonly HintRule[] = [
  {
    kinds: ['block_reason'],
    pattern: /files?|paths?/i,
    hint: 'split the prompt: give each dispatch at most 3 files, one dispatch per file group',
  },
  {
    kinds: ['block_reason'],
    pattern: /design|architect|explore|investigat|non[-_ ]?atomic/i,
    hint: 'replace the open-ended design verb with one concrete change; do the design first and dispatch its steps',
  },
  {
    kinds: ['block_reason'],
    pattern: /accept|verif|test[-_ ]?command|done[-_ ]?criteri/i,
    hint: 'add a closed-form acceptance command the agent must pass (e.g. `npm test -- path/to/spec`)',
  },
  {
    kinds: ['block_reason'],
    pattern: /tokens?|budget|too[-_ ]?long|length|chars|size/i,
    hint: 'shrink the prompt: reference files by path instead of pasting them and drop context the agent can read itself',
  },
  {
    kinds: ['block_reason'],
    pattern: /multiple|several|compound|and[-_ ]?then|tasks/i,
    hint: 'split the prompt into one dispatch per task, each with its own acceptance command',
  },
  {
    kinds: ['rationalization'],
    pattern: /while\b.*\b(at[-_ ]?it|here|there|in[-_ ]?there)\b|\balso\b|drive[-_ ]?by|in[-_ ]?passing/i,
    hint: 'drop the add-on and dispatch it as its own task; the gate denies bundled extras',
  },
  {
    kinds: ['rationalization'],
    pattern: /quick|small|simple|trivial|just|minor|tiny/i,
    hint: 'state the exact change and its acceptance command instead of calling it small; size does not exempt a task',
  },
  {
    kinds: ['rationalization'],
    pattern: /related|same[-_ ]?(area|file|change)|together|tightly/i,
    hint: 'related changes are still separate tasks: dispatch them in sequence, one acceptance command each',
  },
  {
    kinds: ['rationalization'],
    pattern: /refactor|clean[-_ ]?up|tidy/i,
    hint: 'scope the refactor to named files with a test that proves behaviour is unchanged',
  },
  {
    kinds: ['rationalization'],
    pattern: /urgent|asap|hotfix|blocker|deadline/i,
    hint: 'urgency does not make a task atomic: dispatch the smallest fix with its acceptance command first',
  },
  {
    kinds: ['subagent_error'],
    pattern: /invalid call/i,
    hint: 'the Agent tool rejected the call before it ran: the prompt or skill that dispatches it must pass a prompt and a known subagent_type',
  },
  {
    kinds: ['subagent_error'],
    pattern: /agent type not found/i,
    hint: 'use a subagent_type that exists: define it in .claude/agents/ or fix the spelling in the prompt or skill that dispatches it',
  },
  {
    kinds: ['subagent_error'],
    pattern: /interrupted/i,
    hint: 'the subagent was stopped before it finished: give it a smaller task with a clear end, or let long runs go to the background',
  },
  {
    kinds: ['subagent_error'],
    pattern: /context limit/i,
    hint: 'the subagent ran out of context: pass file paths instead of contents and split the task',
  },
  {
    kinds: ['subagent_error'],
    pattern: /rate limited|overloaded/i,
    hint: 'the API refused the call: run fewer subagents in parallel or retry later',
  },
  {
    kinds: ['subagent_error'],
    pattern: /permission denied/i,
    hint: 'a permission rule or hook blocked the subagent: allow the tools it needs in settings or change the task',
  },
  {
    kinds: ['subagent_error'],
    pattern: /timed out/i,
    hint: 'the subagent timed out: split the task or raise the timeout',
  },
];

const GENERIC: Record<FrictionKind, string> = {
  block_reason:
    'read the denied prompts with this reason and rewrite each as one atomic task with a closed-form acceptance command',
  rationalization:
    'rewrite the prompt without the justification: one atomic task, its files, and its acceptance command',
  subagent_error:
    'read the failed results with this error and fix the cause in the dispatching prompt, agent definition or tool permissions',
};

export function remediationHint(kind: FrictionKind, value: string): string {
  const rule = RULES.find((candidate) => candidate.kinds.includes(kind) && candidate.pattern.test(value));
  return rule?.hint ?? GENERIC[kind];
}
