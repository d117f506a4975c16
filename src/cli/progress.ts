import type { Writable } from 'node:stream';
import { oneLine } from '../render/format.js';

/**
 * A one-line progress display on stderr for long runs: bytes read of the total, rate, elapsed.
 * Only on a terminal (a log file or CI capture would fill with carriage returns), and only once a
 * run has lasted long enough to need it.
 */
const FIRST_DRAW_MS = 500;
const REDRAW_MS = 200;
const MB = 1024 * 1024;

export interface ProgressTarget {
  readonly stderr: Writable & { isTTY?: boolean };
}

/**
 * Progress goes wherever stderr is a terminal: that is where the person waiting looks, also when
 * stdout goes to a file or another program (the line is on stderr, so it never mixes with the output).
 */
export function showsProgress(io: ProgressTarget): boolean {
  return io.stderr.isTTY === true;
}

export class Progress {
  private readonly started: number;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private doneBytes = 0;
  private currentBytes = 0;

  constructor(
    private readonly stderr: Writable,
    /** Total bytes to read, or null when unknown (stdin). */
    private readonly totalBytes: number | null,
    private readonly now: () => number,
  ) {
    this.started = now();
  }

  /** Bytes read so far of the current input. */
  update(bytesOfCurrentInput: number): void {
    this.currentBytes = bytesOfCurrentInput;
    const at = this.now();
    if (at - this.started < FIRST_DRAW_MS || at - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = at;
    this.drawn = true;
    this.stderr.write(`\r\x1b[K${this.line(at)}`);
  }

  /** The current input is finished; the next update starts a new one. */
  nextInput(): void {
    this.doneBytes += this.currentBytes;
    this.currentBytes = 0;
  }

  /** Removes the line, so warnings and the report start on a clean line. */
  finish(): void {
    if (this.drawn) this.stderr.write('\r\x1b[K');
    this.drawn = false;
  }

  line(at: number): string {
    const read = this.doneBytes + this.currentBytes;
    const seconds = Math.max((at - this.started) / 1000, 0.001);
    const of = this.totalBytes === null ? '' : ` of ${(this.totalBytes / MB).toFixed(1)} MB`;
    const percent =
      this.totalBytes === null || this.totalBytes === 0
        ? ''
        : ` (${Math.min(100, Math.floor((read / this.totalBytes) * 100))}%)`;
    return `afterburn: ${(read / MB).toFixed(1)} MB${of}${percent}, ${(read / MB / seconds).toFixed(1)} MB/s, ${seconds.toFixed(1)} s`;
  }
}

/**
 * On a terminal, says that a run is waiting for a named pipe's writer rather than hung; elsewhere
 * (cron, CI) a run just waits, as `cat` would, and says nothing.
 */
export function waitingNotice(io: ProgressTarget): { onWaiting?: (input: { name: string }) => void } {
  if (io.stderr.isTTY !== true) return {};
  return {
    onWaiting: (input) => {
      io.stderr.write(`afterburn: waiting for a writer to open ${oneLine(input.name)} (a named pipe)\n`);
    },
  };
}
