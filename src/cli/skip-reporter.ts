import type { Writable } from 'node:stream';
import { oneLine } from '../render/format.js';
import type { LineLocation, SourceDiagnostics } from '../sources/types.js';

/** Shows the first skipped lines on stderr, then only counts them, so a bad file cannot flood a terminal. */
export const SHOWN_SKIPS = 20;

export class SkipReporter implements SourceDiagnostics {
  private count = 0;
  private readonly stderr: Writable;

  constructor(stderr: Writable) {
    this.stderr = stderr;
  }

  skipped(location: LineLocation, reason: string): void {
    this.count += 1;
    if (this.count <= SHOWN_SKIPS) {
      this.warn(`${location.input}:${location.line}: skipped: ${reason}`);
    }
  }

  notice(message: string): void {
    this.warn(message);
  }

  /** The closing summary; call once after the run. */
  finish(): void {
    if (this.count > SHOWN_SKIPS) {
      this.warn(
        `${this.count - SHOWN_SKIPS} more skipped line(s) not shown (${this.count} in all; counts.skipped in the report)`,
      );
    }
  }

  /** Reasons and file names may carry text from the log: never let it move the cursor or colour the terminal. */
  private warn(text: string): void {
    this.stderr.write(`afterburn: warning: ${oneLine(text)}\n`);
  }
}
