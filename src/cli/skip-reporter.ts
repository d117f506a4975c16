import type { Writable } from 'node:stream';
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
      this.stderr.write(`afterburn: warning: ${location.input}:${location.line}: skipped: ${reason}\n`);
    }
  }

  /** The closing summary; call once after the run. */
  finish(): void {
    if (this.count > SHOWN_SKIPS) {
      this.stderr.write(
        `afterburn: warning: ${this.count - SHOWN_SKIPS} more skipped line(s) not shown (${this.count} in all; counts.skipped in the report)\n`,
      );
    }
  }
}
