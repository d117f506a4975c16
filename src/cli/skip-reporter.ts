import type { Writable } from 'node:stream';
import { integer, oneLine, plural } from '../render/format.js';
import type { LineLocation, SourceDiagnostics } from '../sources/types.js';

/** Shows the first skipped lines on stderr, then only counts them, so a bad file cannot flood a terminal. */
export const SHOWN_SKIPS = 20;
/** Skipped lines kept to guess which source they were meant for: enough to judge, cheap to test. */
export const SAMPLED_SKIPS = 50;
/** A longer sampled line is left out of the sample rather than held. */
const MAX_SAMPLED_LINE = 64 * 1024;
/** Distinct skip reasons counted; beyond that the counts stay approximate but memory bounded. */
const MAX_REASONS = 1000;

export class SkipReporter implements SourceDiagnostics {
  private count = 0;
  private readonly stderr: Writable;
  private readonly reasons = new Map<string, number>();
  private readonly sampled: string[] = [];

  constructor(stderr: Writable) {
    this.stderr = stderr;
  }

  skipped(location: LineLocation, reason: string, text?: string): void {
    this.count += 1;
    if (this.count <= SHOWN_SKIPS) {
      this.warn(`${location.input}:${location.line}: skipped: ${reason}`);
    }
    // Line 0 is a helper thread's skip past its detailed ones: it carries no reason of its own.
    if (location.line > 0 && (this.reasons.has(reason) || this.reasons.size < MAX_REASONS)) {
      this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    }
    if (text !== undefined && this.sampled.length < SAMPLED_SKIPS && text.length <= MAX_SAMPLED_LINE) {
      this.sampled.push(text);
    }
  }

  notice(message: string): void {
    this.warn(message);
  }

  /** The closing summary; call once after the run. */
  finish(): void {
    if (this.count > SHOWN_SKIPS) {
      this.warn(
        `${plural(this.count - SHOWN_SKIPS, 'more skipped line')} not shown (${integer(this.count)} in all; counts.skipped in the report)`,
      );
    }
  }

  /** The reason given most often (first seen wins a tie); null when no skip had one. */
  mostCommonReason(): { readonly reason: string; readonly count: number } | null {
    let best: { reason: string; count: number } | null = null;
    for (const [reason, count] of this.reasons)
      if (best === null || count > best.count) best = { reason, count };
    return best;
  }

  /** The first skipped lines read on this thread (at most SAMPLED_SKIPS). */
  sample(): readonly string[] {
    return this.sampled;
  }

  /** Reasons and file names may carry text from the log: never let it move the cursor or colour the terminal. */
  warn(text: string): void {
    this.stderr.write(`afterburn: warning: ${oneLine(text)}\n`);
  }
}
