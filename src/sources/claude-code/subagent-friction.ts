import { FRICTION, type FrictionWording, frictionFindings } from '../../analyzers/friction.js';
import type { Analyzer } from '../../analyzers/types.js';
import type { FailureRecord } from '../../records/records.js';

const WORDING: FrictionWording = {
  themePrefix: 'subagent_friction',
  label: { subagent_error: 'Subagent error' },
  unit: 'failed subagent call',
  units: 'failed subagent calls',
  totalName: 'failures',
};

export const subagentFriction: Analyzer<{ readonly failures: readonly FailureRecord[] }> = {
  meta: {
    id: 'subagent_friction',
    findingType: FRICTION,
    description: 'Groups failed subagent calls by the reason in their error, ranked, with remediation hints',
    question:
      'Why do subagent calls fail (unknown agent type, interrupted, tool error, …), and what fixes it?',
  },
  analyze(dataset, context) {
    const items = dataset.failures.map((failure) => ({
      kind: 'subagent_error' as const,
      value: failure.reason,
      arm: failure.arm,
      at: failure.at,
      sessionId: failure.sessionId,
    }));
    return frictionFindings(items, dataset.failures.length, WORDING, context);
  },
};
