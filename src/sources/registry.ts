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

/** At least this share of the sampled lines must fit a source before it is named. */
const FIT_SHARE = 0.5;

export interface SourceFit {
  readonly source: string;
  readonly fits: number;
  readonly of: number;
}

/**
 * The other source whose shape most sampled lines have (lines a run under `current` skipped);
 * null when none fits half of them. The CLI turns it into the wrong-source hint.
 */
export function bestFittingSource(
  sample: readonly string[],
  current: string,
  sources: readonly Source[] = SOURCES,
): SourceFit | null {
  if (sample.length === 0) return null;
  let best: SourceFit | null = null;
  for (const source of sources) {
    if (source.name === current) continue;
    const fits = source.recognisedCount(sample);
    if (fits >= sample.length * FIT_SHARE && (best === null || fits > best.fits)) {
      best = { source: source.name, fits, of: sample.length };
    }
  }
  return best;
}
