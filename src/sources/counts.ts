import type { Counts } from '../findings/schema.js';

/**
 * The run report's counts for a source without a dispatch/finalize join (task completions,
 * WorkRail, …): the contract's envelope with the join keys at 0, then the source's own keys.
 */
export function eventSourceCounts(
  lines: { lines: number; blank: number; skipped: number; duplicates: number },
  own: Record<string, number>,
): Counts {
  return {
    lines: lines.lines,
    blank: lines.blank,
    skipped: lines.skipped,
    dispatch: 0,
    finalize: 0,
    joined: 0,
    denied: 0,
    unmatched_dispatch: 0,
    unmatched_finalize: 0,
    duplicates: lines.duplicates,
    ...own,
  };
}
