import { open, stat } from 'node:fs/promises';
import type { InputFile } from '../input/inputs.js';
import type { ReadOptions, ReadResult } from '../input/read-lines.js';
import type { SealedSession, SourceDiagnostics } from '../sources/types.js';
import type { HelperThread } from './helper-thread.js';
import { type LineSink, readInto } from './read-input.js';

/**
 * Reads a large plain file on both cores: the helper thread parses the second half (from the first
 * line start past the middle) while this thread parses the first; the helper's column buffers then
 * move to this thread (transferred, not cloned) and join the session's columns, which were sized
 * for the whole file. Parsing (JSON.parse and the zod schema) is most of the cost.
 * Smaller inputs, gzip and stdin are read on this thread alone.
 */
export const DEFAULT_PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

export interface ParallelReadOptions extends ReadOptions {
  readonly maxLineBytes: number;
  /** Files with fewer bytes left to read than this are read on this thread alone. */
  readonly parallelMinBytes: number;
  readonly diagnostics: SourceDiagnostics;
  /** The thread that parses the second half; null: this thread reads everything. */
  readonly helper: HelperThread | null;
  /**
   * No later input needs the helper: it ends as soon as its reply is in, so its heap is gone
   * before its columns are copied into this thread's (20 to 40 MB less peak on a 256 MB log).
   */
  readonly lastHelperUse?: boolean;
  /** Export: the helper also hands back the join keys as written (the session keeps them too). */
  readonly keepKeys?: boolean;
}

/** What a parallel read needs of a session: discover's sealed session, or export's collector. */
export type SplittableSink = LineSink & Pick<SealedSession, 'reserveBytes' | 'adoptSegment'>;

export async function readParallel(
  session: SplittableSink,
  input: InputFile,
  options: ParallelReadOptions,
): Promise<ReadResult> {
  const start = options.start ?? 0;
  const helper = options.helper;
  if (input.kind !== 'file' || input.path === null || session.adoptSegment === undefined || helper === null) {
    return readInto(session, input, options);
  }
  const size = (await stat(input.path)).size;
  // The helper's half lands in this session's columns too: size them for the whole file.
  session.reserveBytes(size - start);
  const middle =
    size - start >= options.parallelMinBytes
      ? await lineStartAfter(input.path, start + (size - start) / 2)
      : null;
  if (middle === null) return readInto(session, input, options);

  // Progress counts both halves: what this thread read plus what the helper says it read.
  let ownBytes = 0;
  let helperBytes = 0;
  const onBytes = options.onBytes;
  const outcome = helper.parse(
    {
      name: input.name,
      path: input.path,
      start: middle,
      maxLineBytes: options.maxLineBytes,
      emitPartial: options.emitPartial ?? true,
      bytes: size - middle,
      progress: onBytes !== undefined,
      keepKeys: options.keepKeys === true,
    },
    (bytes) => {
      helperBytes = bytes;
      onBytes?.(ownBytes + helperBytes);
    },
  );
  // Keeps an early failure of this thread from leaving the helper's rejection unhandled.
  outcome.catch(() => {});
  const first = await readInto(session, input, {
    ...options,
    end: middle,
    emitPartial: true,
    ...(onBytes
      ? {
          onBytes: (bytes: number) => {
            ownBytes = bytes;
            onBytes(ownBytes + helperBytes);
          },
        }
      : {}),
  });
  const second = await outcome;
  if (options.lastHelperUse) await helper.close();
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

/**
 * The index of the last plain file with at least `parallelMinBytes` to read from `startOf(index)`
 * (null: the input is not read), or -1. A helper thread is worth starting when there is one, and
 * can end once that input is read.
 */
export async function lastLargeFile(
  inputs: readonly InputFile[],
  parallelMinBytes: number,
  startOf: (index: number) => number | null = () => 0,
): Promise<number> {
  let last = -1;
  for (const [index, input] of inputs.entries()) {
    const start = startOf(index);
    if (input.kind !== 'file' || input.path === null || start === null) continue;
    // A file that cannot be read fails later, where its error is reported.
    const size = (await stat(input.path).catch(() => null))?.size ?? 0;
    if (size - start >= parallelMinBytes) last = index;
  }
  return last;
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
