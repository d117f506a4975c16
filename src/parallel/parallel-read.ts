import { type FileHandle, open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { InputFile } from '../input/inputs.js';
import type { ReadOptions, ReadResult } from '../input/read-lines.js';
import type { SealedSession, SourceDiagnostics } from '../sources/types.js';
import type { ParseOutcome } from './helper-protocol.js';
import { HelperThread } from './helper-thread.js';
import { type LineSink, readInto } from './read-input.js';

/** Smaller files are read on this thread alone: starting helpers would cost about what the split saves. */
export const DEFAULT_PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

/**
 * Beyond four threads a split saves little (the join and the analyzers after it run on one) and
 * each helper's heap adds to the peak.
 */
export const MAX_DEFAULT_THREADS = 4;

/** More threads than this would be a typo, not a machine: each one is a V8 heap of its own. */
export const MAX_THREADS = 64;

/** One thread per core, at most MAX_DEFAULT_THREADS. */
export function defaultThreads(cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, MAX_DEFAULT_THREADS));
}

export interface ParallelReadOptions extends ReadOptions {
  readonly maxLineBytes: number;
  /** Files with fewer bytes left to read than this are read on this thread alone. */
  readonly parallelMinBytes: number;
  readonly diagnostics: SourceDiagnostics;
  /** The threads that parse the ranges after the first; none: this thread reads everything. */
  readonly helpers: readonly HelperThread[];
  /**
   * No later input needs the helpers: each ends as soon as its reply is in, so its heap is gone
   * before its columns are copied into this thread's (20 to 40 MB less peak on a 256 MB log).
   */
  readonly lastHelperUse?: boolean;
  /** Export: the helpers also hand back the join keys as written (the session keeps them too). */
  readonly keepKeys?: boolean;
}

/** What a parallel read needs of a session: discover's sealed session, or export's collector. */
export type SplittableSink = LineSink & Pick<SealedSession, 'reserveBytes' | 'adoptSegment'>;

/**
 * Reads a large plain file on several cores: the file is cut into as many ranges as there are
 * threads, at line starts; this thread parses the first range while each helper thread parses one
 * of the others. The helpers' column buffers then move to this thread (transferred, not cloned)
 * and join the session's columns, in file order, which were sized for the whole file. Parsing
 * (JSON.parse and the zod schema) is most of the cost. Smaller inputs, gzip and stdin are read on
 * this thread alone.
 */
export async function readParallel(
  session: SplittableSink,
  input: InputFile,
  options: ParallelReadOptions,
): Promise<ReadResult> {
  const start = options.start ?? 0;
  const helpers = options.helpers;
  if (input.kind !== 'file' || input.path === null || input.pipe) return readInto(session, input, options);
  const size = (await stat(input.path)).size;
  // Sized once for everything left to read, the helpers' ranges included (they land here too).
  session.reserveBytes(size - start);
  const adoptSegment = session.adoptSegment;
  const cuts =
    helpers.length > 0 && adoptSegment !== undefined && size - start >= options.parallelMinBytes
      ? await rangeStarts(input.path, start, size, helpers.length + 1)
      : [];
  if (cuts.length === 0 || adoptSegment === undefined) return readInto(session, input, options);

  // Progress counts every range: what this thread read plus what each helper says it read.
  const bytesSoFar = new Array<number>(cuts.length + 1).fill(0);
  const onBytes = options.onBytes;
  const report = (range: number, bytes: number): void => {
    bytesSoFar[range] = bytes;
    onBytes?.(bytesSoFar.reduce((sum, value) => sum + value, 0));
  };
  const outcomes = cuts.map((from, i) => {
    const to = cuts[i + 1];
    const outcome = (helpers[i] as HelperThread).parse(
      {
        name: input.name,
        path: input.path as string,
        start: from,
        ...(to === undefined ? { emitPartial: options.emitPartial ?? true } : { end: to, emitPartial: true }),
        maxLineBytes: options.maxLineBytes,
        bytes: (to ?? size) - from,
        progress: onBytes !== undefined,
        keepKeys: options.keepKeys === true,
      },
      (bytes) => report(i + 1, bytes),
    );
    // Keeps an early failure elsewhere from leaving this rejection unhandled.
    outcome.catch(() => {});
    return outcome;
  });
  const first = await readInto(session, input, {
    ...options,
    end: cuts[0] as number,
    emitPartial: true,
    ...(onBytes ? { onBytes: (bytes: number) => report(0, bytes) } : {}),
  });
  let lines = first.lines;
  let bytesRead = first.bytesRead;
  let consumedOffset = first.consumedOffset;
  for (const [i, pending] of outcomes.entries()) {
    const range = await pending;
    if (options.lastHelperUse) await (helpers[i] as HelperThread).close();
    adoptSegment.call(session, range.payload, lines);
    replaySkips(options.diagnostics, input.name, lines, range);
    lines += range.lines;
    bytesRead += range.bytesRead;
    consumedOffset = range.consumedOffset;
  }
  onBytes?.(bytesRead);
  return { lines, bytesRead, consumedOffset };
}

/** Shows a helper's skipped lines as this thread would have, numbered after `lineOffset` lines. */
export function replaySkips(
  diagnostics: SourceDiagnostics,
  name: string,
  lineOffset: number,
  range: Pick<ParseOutcome, 'skips' | 'moreSkips'>,
): void {
  for (const [line, reason] of range.skips) {
    diagnostics.skipped({ input: name, line: lineOffset + line }, reason);
  }
  // Beyond the detailed ones only the count matters (the reporter shows the first few only).
  for (let k = 0; k < range.moreSkips; k += 1) diagnostics.skipped({ input: name, line: 0 }, 'skipped');
}

/**
 * Where the ranges after the first start when [start, size) is cut into `parts` about equal
 * ranges at line starts: fewer when lines are too long for that many cuts, none when no newline
 * follows the first cut point.
 */
export async function rangeStarts(
  file: string,
  start: number,
  size: number,
  parts: number,
): Promise<number[]> {
  const cuts: number[] = [];
  const handle = await open(file, 'r');
  try {
    for (let i = 1; i < parts; i += 1) {
      const cut = await lineStartAfter(handle, start + ((size - start) * i) / parts);
      if (cut === null || cut >= size) break;
      // A line longer than a range ends past the next cut point too: that range is dropped.
      if (cut > (cuts.at(-1) ?? start)) cuts.push(cut);
    }
  } finally {
    await handle.close();
  }
  return cuts;
}

/**
 * The helper threads a run's reading needs, with the index of the last input they are needed for
 * (-1: none): none on one thread, for a source that cannot parse on a helper, or when no plain
 * file has `parallelMinBytes` to read from `startOf(index)` (null: the input is not read).
 */
export async function helpersFor(
  source: string,
  inputs: readonly InputFile[],
  options: {
    readonly parallelMinBytes: number;
    readonly threads?: number;
    readonly startOf?: (index: number) => number | null;
    /** The source reads many files on many threads (FilePool): helpers serve every input. */
    readonly wholeFiles?: boolean;
  },
): Promise<{ helpers: HelperThread[]; lastLarge: number }> {
  const threads = options.threads ?? defaultThreads();
  if (threads <= 1 || !HelperThread.supports(source)) return { helpers: [], lastLarge: -1 };
  if (options.wholeFiles === true) {
    const startOf = options.startOf ?? (() => 0);
    const toRead = inputs.filter(
      (input, index) => input.kind === 'file' && input.path !== null && startOf(index) !== null,
    ).length;
    // One file gains nothing from a pool; it is cut into ranges when it is large enough.
    if (toRead >= 2) return { helpers: HelperThread.start(source, threads - 1), lastLarge: -1 };
  }
  const lastLarge = await lastLargeFile(inputs, options.parallelMinBytes, options.startOf);
  return { helpers: lastLarge === -1 ? [] : HelperThread.start(source, threads - 1), lastLarge };
}

/**
 * The index of the last plain file with at least `parallelMinBytes` to read from `startOf(index)`
 * (null: the input is not read), or -1. A helper thread is worth starting when there is one, and
 * can end once that input is read.
 */
async function lastLargeFile(
  inputs: readonly InputFile[],
  parallelMinBytes: number,
  startOf: (index: number) => number | null = () => 0,
): Promise<number> {
  let last = -1;
  for (const [index, input] of inputs.entries()) {
    const start = startOf(index);
    if (input.kind !== 'file' || input.path === null || input.pipe || start === null) continue;
    // A file that cannot be read fails later, where its error is reported.
    const size = (await stat(input.path).catch(() => null))?.size ?? 0;
    if (size - start >= parallelMinBytes) last = index;
  }
  return last;
}

/** Offset of the line after the one holding byte `from`, or null when no newline follows it. */
async function lineStartAfter(handle: FileHandle, from: number): Promise<number | null> {
  const buffer = Buffer.alloc(64 * 1024);
  let position = Math.floor(from);
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return null;
    const newline = buffer.subarray(0, bytesRead).indexOf(0x0a);
    if (newline !== -1) return position + newline + 1;
    position += bytesRead;
  }
}
