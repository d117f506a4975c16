import type { ErrorCode } from '../common/errors.js';

/**
 * The messages between the main thread and a helper thread (helper-thread.ts, helper-worker.ts):
 * one job at a time, each answered by one message.
 */

/** Parse a byte range of a log as the main thread would. */
export interface ParseJob {
  readonly name: string;
  readonly path: string;
  readonly start: number;
  /** Where the range stops: a line start (another thread reads on from it); none: the end of the file. */
  readonly end?: number;
  readonly maxLineBytes: number;
  readonly emitPartial: boolean;
  /** Bytes in the range when the job was made, to size the columns once. */
  readonly bytes: number;
  /** Whether to post progress messages while parsing (a terminal shows them). */
  readonly progress: boolean;
  /** Export: also hand back each dispatch's attempt id and fingerprint as written. */
  readonly keepKeys?: boolean;
}

/** Bytes read so far, posted during a parse about every PROGRESS_STEP_BYTES. */
export interface ParseProgress {
  readonly kind: 'progress';
  readonly bytesRead: number;
}

export const PROGRESS_STEP_BYTES = 4 * 1024 * 1024;

export interface ParseOutcome {
  readonly kind: 'parsed';
  /** The source session's handOffSegment() payload. */
  readonly payload: unknown;
  readonly lines: number;
  readonly bytesRead: number;
  readonly consumedOffset: number;
  /** The first skipped lines, [line within the range, reason]. */
  readonly skips: [number, string][];
  /** Skipped lines beyond those. */
  readonly moreSkips: number;
}

/** A user-facing error in the helper, rebuilt as an AfterburnError on the main thread. */
export interface ParseFailure {
  readonly kind: 'failed';
  readonly code: ErrorCode;
  readonly message: string;
  readonly hint: string | undefined;
}

export type ParseReply = ParseOutcome | ParseFailure;
export type HelperMessage = ParseReply | ParseProgress;

/** Enough to show every warning the main thread would show, and then some. */
export const DETAILED_SKIPS = 1000;
