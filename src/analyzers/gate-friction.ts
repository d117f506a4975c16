import type { DenialRecord } from '../records/records.js';
import { FRICTION, type FrictionItem, type FrictionWording, frictionFindings } from './friction.js';
import type { Analyzer } from './types.js';

export { FRICTION } from './friction.js';

const WORDING: FrictionWording = {
  themePrefix: 'gate_friction',
  label: { block_reason: 'Block reason', rationalization: 'Rationalization' },
  unit: 'denied dispatch',
  units: 'denied dispatches',
  totalName: 'denials',
};

/**
 * A record's reasons trimmed, blank ones dropped and each once: a reason listed twice on one record
 * is still one denied dispatch. Sources share one list among records with the same reasons, so the
 * work is done once per distinct list.
 */
function distinctReasons(reasons: readonly string[], cache: WeakMap<readonly string[], string[]>): string[] {
  let distinct = cache.get(reasons);
  if (distinct === undefined) {
    distinct = [...new Set(reasons.map((r) => r.trim()))].filter((reason) => reason !== '');
    cache.set(reasons, distinct);
  }
  return distinct;
}

function frictionItems(denials: readonly DenialRecord[]): FrictionItem[] {
  const cache = new WeakMap<readonly string[], string[]>();
  const items: FrictionItem[] = [];
  for (const denial of denials) {
    const { arm, at, sessionId } = denial;
    const rationalization = denial.rationalization?.trim() ?? '';
    if (rationalization !== '')
      items.push({ arm, at, sessionId, kind: 'rationalization', value: rationalization });
    for (const value of distinctReasons(denial.blockReasons, cache)) {
      items.push({ arm, at, sessionId, kind: 'block_reason', value });
    }
  }
  return items;
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
