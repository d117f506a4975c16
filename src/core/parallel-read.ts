import { open, stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { InputFile } from '../input/inputs.js';
import type { ReadOptions, ReadResult } from '../input/read-lines.js';
import { PARALLEL_SOURCES } from '../sources/parallel-sources.js';
import type { SealedSession, SourceDiagnostics } from '../sources/types.js';
import { AfterburnError } from './errors.js';
import type { ParseFailure, ParseJob, ParseOutcome } from './parse-worker.js';
import { readInto } from './read-input.js';

/**
 * Reads a large plain file on both cores: a worker thread parses the second half (from the first
 * line start past the middle) while this thread parses the first; the worker's compact segment is
 * then adopted by the session. Parsing (JSON.parse and the zod schema) is most of the cost, and
 * handing back compact tuples costs a fraction of parsing them. Smaller inputs, gzip and stdin are
 * read on this thread alone.
 */
export const DEFAULT_PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

export interface ParallelReadOptions extends ReadOptions {
  readonly maxLineBytes: number;
  /** Files with fewer bytes left to read than this are read on this thread alone. */
  readonly parallelMinBytes: number;
  readonly sourceName: string;
  readonly diagnostics: SourceDiagnostics;
}

export async function readParallel(
  session: SealedSession,
  input: InputFile,
  options: ParallelReadOptions,
): Promise<ReadResult> {
  const start = options.start ?? 0;
  if (
    input.kind !== 'file' ||
    input.path === null ||
    session.adoptSegment === undefined ||
    PARALLEL_SOURCES[options.sourceName] === undefined
  ) {
    return readInto(session, input, options);
  }
  const size = (await stat(input.path)).size;
  const middle =
    size - start >= options.parallelMinBytes
      ? await lineStartAfter(input.path, start + (size - start) / 2)
      : null;
  if (middle === null) return readInto(session, input, options);

  const job: ParseJob = {
    source: options.sourceName,
    name: input.name,
    path: input.path,
    start: middle,
    maxLineBytes: options.maxLineBytes,
    emitPartial: options.emitPartial ?? true,
  };
  const worker = new Worker(new URL('./parse-worker.js', import.meta.url), { workerData: job });
  const outcome = new Promise<ParseOutcome>((resolve, reject) => {
    worker.once('message', (message: ParseOutcome | ParseFailure) => {
      if ('failure' in message) {
        const { code, message: text, hint } = message.failure;
        reject(new AfterburnError(code, text, hint === undefined ? {} : { hint }));
      } else {
        resolve(message);
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`parse worker exited with code ${code}`)));
  });
  // Keeps an early failure of this thread from leaving the worker's rejection unhandled.
  outcome.catch(() => {});
  let first: ReadResult;
  try {
    first = await readInto(session, input, { ...options, end: middle, emitPartial: true });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  const second = await outcome;
  const linesBefore = first.lines;
  session.adoptSegment(second.payload, linesBefore);
  for (const [line, reason] of second.skips) {
    options.diagnostics.skipped({ input: input.name, line: linesBefore + line }, reason);
  }
  // Beyond the detailed ones only the count matters (the reporter shows the first few only).
  for (let i = 0; i < second.moreSkips; i += 1) {
    options.diagnostics.skipped({ input: input.name, line: 0 }, 'skipped');
  }
  options.onBytes?.(first.bytesRead + second.bytesRead);
  return {
    lines: linesBefore + second.lines,
    bytesRead: first.bytesRead + second.bytesRead,
    consumedOffset: second.consumedOffset,
  };
}

/** Offset of the first line that starts at or after `from`, or null when no newline follows. */
async function lineStartAfter(file: string, from: number): Promise<number | null> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    let position = Math.floor(from);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return null;
      const newline = buffer.subarray(0, bytesRead).indexOf(0x0a);
      if (newline !== -1) return position + newline + 1;
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}
