import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AfterburnError } from '../common/errors.js';
import type { InputFile } from './inputs.js';
import { type LineHandlers, LineSplitter } from './line-splitter.js';

/** Lines longer than this are skipped and counted without being held in memory. */
export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;

export interface ReadOptions {
  maxLineBytes?: number;
  /** Where to stdin comes from (injected so tests and the CLI decide). */
  stdin?: Readable;
  /** Called when opening a named pipe has waited a second for a writer (so a terminal can say so). */
  onWaiting?: () => void;
  /** Called with the number of raw bytes read so far, for progress display. */
  onBytes?: (bytesRead: number) => void;
  /** Byte offset to start at (plain files only): where an earlier incremental run stopped. */
  start?: number;
  /** Byte offset to stop before (plain files only); the default is the end of the file. */
  end?: number;
  /** Line number of the first line read (continues an earlier run's numbering). */
  firstLineNo?: number;
  /**
   * Whether an unterminated last line is read (default true). Incremental runs pass false: the
   * producer may be mid-write, so the bytes stay for the next run and are not counted.
   */
  emitPartial?: boolean;
}

export interface ReadResult {
  lines: number;
  bytesRead: number;
  /** Offset (from the start of the file) just past the last line consumed. */
  consumedOffset: number;
}

/**
 * The size of each read. The bin fixes glibc's mmap threshold at 128 KiB (bin/afterburn.js): a
 * buffer of that size or more is then a fresh mapping every time, whose pages fault in on every
 * read and go back to the system when freed (measured on the 506 MB Claude Code bench tree: 1-2 s
 * of system time with 256 KiB reads). Just under the threshold, malloc hands the freed chunks out
 * again, and reading costs about as much as with unfixed glibc.
 */
const READ_CHUNK_BYTES = 124 * 1024;

/** How long opening a named pipe may wait for a writer before onWaiting hears of it. */
const WAITING_NOTICE_MS = 1000;

/**
 * Opens a named pipe as `cat` does: the open blocks until a writer opens the other end (on a
 * libuv thread, so timers still run). The stream reads from the current position only: a start
 * offset would make node use pread, which a pipe refuses with ESPIPE.
 */
async function openPipe(input: InputFile, options: ReadOptions): Promise<Readable> {
  const timer = options.onWaiting ? setTimeout(options.onWaiting, WAITING_NOTICE_MS) : undefined;
  try {
    const handle = await open(input.path as string, 'r');
    return handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES });
  } catch (error) {
    throw describeStreamError(input, error as NodeJS.ErrnoException);
  } finally {
    clearTimeout(timer);
  }
}

async function openStream(
  input: InputFile,
  options: ReadOptions,
): Promise<{ raw: Readable; decoded: Readable }> {
  if (input.kind === 'stdin') {
    const raw = options.stdin ?? process.stdin;
    return { raw, decoded: raw };
  }
  if (input.pipe) {
    const raw = await openPipe(input, options);
    return { raw, decoded: input.kind === 'gzip' ? raw.pipe(createGunzip()) : raw };
  }
  const raw = createReadStream(input.path as string, {
    highWaterMark: READ_CHUNK_BYTES,
    start: input.kind === 'file' ? (options.start ?? 0) : 0,
    ...(input.kind === 'file' && options.end !== undefined ? { end: options.end - 1 } : {}),
  });
  if (input.kind === 'gzip') return { raw, decoded: raw.pipe(createGunzip()) };
  return { raw, decoded: raw };
}

function describeStreamError(input: InputFile, error: NodeJS.ErrnoException): AfterburnError {
  if (input.kind === 'gzip' && (error.code?.startsWith('Z_') || error.errno !== undefined)) {
    return new AfterburnError(
      'corrupt_input',
      `${input.name} is not a readable gzip file (${error.code ?? error.message})`,
      {
        hint: 'check the file is complete, or decompress it and pass the .jsonl',
        cause: error,
      },
    );
  }
  return new AfterburnError('unreadable', `cannot read ${input.name}: ${error.code ?? error.message}`, {
    hint: 'check the path and its permissions',
    cause: error,
  });
}

/**
 * Streams one input through the line splitter. Memory stays bounded by the chunk size plus one
 * line (at most `maxLineBytes`), whatever the size of the input.
 */
export async function readLines(
  input: InputFile,
  handlers: LineHandlers,
  options: ReadOptions = {},
): Promise<ReadResult> {
  const start = input.kind === 'file' && !input.pipe ? (options.start ?? 0) : 0;
  const splitter = new LineSplitter(handlers, {
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    firstLineNo: options.firstLineNo ?? 1,
    atStartOfInput: start === 0,
  });
  const { raw, decoded } = await openStream(input, options);
  let bytesRead = 0;
  const countRaw = (chunk: Buffer): void => {
    bytesRead += chunk.length;
    options.onBytes?.(bytesRead);
  };
  const compressed = decoded !== raw;
  // The gunzip stream does not forward errors of the file stream it reads from.
  let rawError: NodeJS.ErrnoException | undefined;
  if (compressed) {
    raw.on('data', countRaw);
    raw.on('error', (error: NodeJS.ErrnoException) => {
      rawError = error;
      decoded.destroy(error);
    });
  }
  try {
    for await (const chunk of decoded) {
      if (!compressed) countRaw(chunk as Buffer);
      splitter.push(chunk as Buffer);
    }
  } catch (error) {
    throw describeStreamError(input, rawError ?? (error as NodeJS.ErrnoException));
  }
  splitter.end(options.emitPartial ?? true);
  return { lines: splitter.linesSeen, bytesRead, consumedOffset: start + splitter.consumedBytes };
}
