import { parentPort, workerData } from 'node:worker_threads';
import { PARALLEL_SOURCES } from '../sources/parallel-sources.js';
import { type ErrorCode, isAfterburnError } from './errors.js';
import { readInto } from './read-input.js';

/**
 * A worker thread that parses one byte range of a log (from `start` to the end of the file) with
 * the same source code, schemas and limits as the main thread, and hands back the compact segment
 * it built plus its skipped lines (line numbers relative to the range).
 */
export interface ParseJob {
  readonly source: string;
  readonly name: string;
  readonly path: string;
  readonly start: number;
  readonly maxLineBytes: number;
  readonly emitPartial: boolean;
}

/** A user-facing error in the worker, rebuilt as an AfterburnError on the main thread. */
export interface ParseFailure {
  readonly failure: { readonly code: ErrorCode; readonly message: string; readonly hint: string | undefined };
}

export interface ParseOutcome {
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

/** Enough to show every warning the main thread would show, and then some. */
export const DETAILED_SKIPS = 1000;

const job = workerData as ParseJob;
const skips: [number, string][] = [];
let moreSkips = 0;
const load = PARALLEL_SOURCES[job.source];
if (load === undefined) throw new Error(`source ${job.source} cannot parse on a worker thread`);
const session = (await load()).open({
  skipped: (location, reason) => {
    if (skips.length < DETAILED_SKIPS) skips.push([location.line, reason]);
    else moreSkips += 1;
  },
});
session.beginInput?.(undefined);
try {
  const read = await readInto(
    session,
    { name: job.name, kind: 'file', path: job.path },
    { maxLineBytes: job.maxLineBytes, start: job.start, emitPartial: job.emitPartial },
  );
  const handOff = session.handOffSegment?.() ?? { payload: null, transfer: [] };
  const outcome: ParseOutcome = {
    payload: handOff.payload,
    lines: read.lines,
    bytesRead: read.bytesRead,
    consumedOffset: read.consumedOffset,
    skips,
    moreSkips,
  };
  parentPort?.postMessage(outcome, handOff.transfer);
} catch (error) {
  // An error crosses threads as a plain Error; keep what the user must see (message, hint, exit 2).
  if (!isAfterburnError(error)) throw error;
  const failure: ParseFailure = { failure: { code: error.code, message: error.message, hint: error.hint } };
  parentPort?.postMessage(failure);
}
