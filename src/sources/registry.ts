import { AfterburnError } from '../common/errors.js';
import { claudeCode } from './claude-code/index.js';
import { dispatchOutcomes } from './dispatch-outcomes/index.js';
import { flynnAudit } from './flynn-audit/index.js';
import { mergeQueue } from './merge-queue/index.js';
import { taskCompletions } from './task-completions/index.js';
import type { Source } from './types.js';
import { workrail } from './workrail/index.js';

/** Every source afterburn can read. Adding one is adding its folder and a line here. */
export const SOURCES: readonly Source[] = [
  dispatchOutcomes,
  taskCompletions,
  workrail,
  claudeCode,
  mergeQueue,
  flynnAudit,
];

export function findSource(name: string): Source {
  const source = SOURCES.find((candidate) => candidate.name === name);
  if (source === undefined) {
    throw new AfterburnError('unknown_source', `unknown source "${name}"`, {
      hint: `use one of: ${SOURCES.map((s) => s.name).join(', ')}`,
    });
  }
  return source;
}
