import type { DenialRecord } from '../sources/records.js';
import { FRICTION, type FrictionItem, type FrictionWording, frictionFindings } from './friction.js';
import type { Analyzer } from './types.js';

export { FRICTION } from './friction.js';

const WORDING: FrictionWording = {
  themePrefix: 'gate_friction',
  label: { block_reason: 'Block reason', rationalization: 'Rationalization' },
  unit: 'denied dispatch(es)',
  units: 'denied dispatches',
  totalName: 'denials',
};

function frictionItems(denials: readonly DenialRecord[]): FrictionItem[] {
  return denials.flatMap((denial) => {
    const base = { arm: denial.arm, at: denial.at, sessionId: denial.sessionId };
    const items: FrictionItem[] = [];
    if (denial.rationalization !== null && denial.rationalization.trim() !== '') {
      items.push({ ...base, kind: 'rationalization', value: denial.rationalization.trim() });
    }
    // A reason listed twice on one record is still one denied dispatch.
    for (const reason of new Set(denial.blockReasons.map((r) => r.trim()))) {
      if (reason !== '') items.push({ ...base, kind: 'block_reason', value: reason });
    }
    return items;
  });
}

export const gateFriction: Analyzer<{ readonly denials: readonly DenialRecord[] }> = {
  meta: {
    id: 'gate_friction',
    findingType: FRICTION,
    description:
      'Ranks the block reasons and rationalizations behind denied dispatches, with remediation hints',
    question: 'Which gate block reasons and rationalizations cause the most friction, and what fixes them?',
  },
  analyze(dataset, context) {
    return frictionFindings(frictionItems(dataset.denials), dataset.denials.length, WORDING, context);
  },
};
