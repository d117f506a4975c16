import type { Counts } from '../findings/schema.js';
import type { LineLocation, SourceDiagnostics } from './types.js';

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

/**
 * The line bookkeeping every event source repeats: each line is counted, a blank one is counted
 * as blank, a skipped or rejected one as skipped with a warning, so `lines == blank + skipped +
 * <records>` holds by construction.
 */
export class LineTally {
  private lines = 0;
  private blank = 0;
  private skipped = 0;

  constructor(private readonly diagnostics: SourceDiagnostics) {}

  /** Counts the line; false when it is blank (already counted as such), true when it has content. */
  hasContent(text: string): boolean {
    this.lines += 1;
    if (text.trim() !== '') return true;
    this.blank += 1;
    return false;
  }

  readonly skip = (location: LineLocation, reason: string): void => {
    this.skipped += 1;
    this.diagnostics.skipped(location, reason);
  };

  /** A line rejected before decoding: counted, and skipped. */
  reject(location: LineLocation, reason: string): void {
    this.lines += 1;
    this.skip(location, reason);
  }

  /** The line counts of the contract's envelope, for a source that fills in the rest itself. */
  lineCounts(): { lines: number; blank: number; skipped: number } {
    return { lines: this.lines, blank: this.blank, skipped: this.skipped };
  }

  counts(duplicates: number, own: Record<string, number>): Counts {
    return eventSourceCounts({ ...this.lineCounts(), duplicates }, own);
  }
}
