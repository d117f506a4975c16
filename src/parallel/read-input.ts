import type { InputFile } from '../input/inputs.js';
import { MAX_STRING_LENGTH, type RejectedLineReason } from '../input/line-splitter.js';
import { type ReadOptions, type ReadResult, readLines } from '../input/read-lines.js';
import type { LineLocation } from '../sources/types.js';

/** Whatever takes a source's lines: a source session, or export's collector. */
export interface LineSink {
  acceptLine(text: string, location: LineLocation): void;
  /** When present, lines arrive as bytes instead (see SourceSession.acceptBytes). */
  readonly acceptBytes?: (bytes: Buffer, start: number, end: number, location: LineLocation) => void;
  rejectLine(location: LineLocation, reason: string): void;
}

const REJECTED_REASON: Record<RejectedLineReason, (maxLineBytes: number) => string> = {
  too_long: (max) => `line longer than ${max} bytes (--max-line-bytes)`,
  too_long_for_a_string: () =>
    `line longer than ${MAX_STRING_LENGTH} bytes (the longest string JavaScript can hold)`,
  invalid_utf8: () => 'not valid UTF-8 (binary data?)',
  nul_bytes: () => 'contains NUL bytes (binary data, or a file padded with zeros after a crash?)',
};

/** Streams one input's lines into `sink`, with lines located by input name and line number. */
export function readInto(
  sink: LineSink,
  input: InputFile,
  options: ReadOptions & { maxLineBytes: number },
): Promise<ReadResult> {
  const acceptBytes = sink.acceptBytes;
  return readLines(
    input,
    {
      line: (text, line) => sink.acceptLine(text, { input: input.name, line }),
      ...(acceptBytes
        ? {
            lineBytes: (bytes: Buffer, start: number, end: number, line: number) =>
              acceptBytes.call(sink, bytes, start, end, { input: input.name, line }),
          }
        : {}),
      rejected: (reason, line) =>
        sink.rejectLine({ input: input.name, line }, REJECTED_REASON[reason](options.maxLineBytes)),
    },
    options,
  );
}
