import { constants, isUtf8 } from 'node:buffer';

/**
 * Splits a byte stream into lines without ever holding more than `maxLineBytes` of one line.
 *
 * split2 (the usual choice) decodes to strings before splitting, so it cannot report byte offsets
 * (which incremental runs store as cursors), silently replaces invalid UTF-8, and silently drops
 * over-long lines without telling anyone. Every one of those must be counted here, so the splitter
 * works on bytes: `Buffer.indexOf` finds newlines natively and only complete, valid lines are
 * decoded. Runs of whole lines that pass every check are validated and decoded together, which is
 * what keeps the per-line cost close to decoding the whole stream as one string.
 */
export type RejectedLineReason = 'too_long' | 'too_long_for_a_string' | 'invalid_utf8' | 'nul_bytes';

/**
 * The longest string V8 can make, in UTF-16 code units (about 512 MiB on 64-bit). UTF-8 never
 * decodes to more code units than it has bytes, so a line of at most this many bytes always fits;
 * a longer one cannot become a string at all and is over-long whatever --max-line-bytes says.
 */
export const MAX_STRING_LENGTH = constants.MAX_STRING_LENGTH;

export interface LineHandlers {
  /** A complete line, without its line terminator (LF or CRLF) and without a leading BOM. */
  line(text: string, lineNo: number): void;
  /**
   * When given, takes every line `line` would get, undecoded: `bytes[start, end)` is the line
   * (valid UTF-8 without NUL, terminator and BOM removed), and `bytes` is only valid during the
   * call. Sources with a fast path read their fields straight from the bytes.
   */
  lineBytes?(bytes: Buffer, start: number, end: number, lineNo: number): void;
  /** A line that is counted but never decoded. */
  rejected(reason: RejectedLineReason, lineNo: number, byteLength: number): void;
}

const LF = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/**
 * Longest run of lines decoded into one string. V8 puts strings over 128 KiB in large-object space,
 * where allocating is several times slower per byte than for small strings; 32 KiB of UTF-8 stays
 * under that limit even when every character decodes to two bytes.
 */
const MAX_RUN_BYTES = 32 * 1024;

export class LineSplitter {
  private readonly maxLineBytes: number;
  /** The reason an over-long line is rejected with: which of the two limits is the lower. */
  private readonly tooLong: RejectedLineReason;
  private readonly handlers: LineHandlers;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** True while skipping the rest of a line that already passed the limit. */
  private overflowing = false;
  private overflowBytes = 0;
  private lineNo: number;
  private atStartOfInput: boolean;
  /** Byte offset just past the last line terminator seen, relative to the start of the stream. */
  private consumed = 0;
  private offset = 0;

  constructor(
    handlers: LineHandlers,
    options: {
      maxLineBytes: number;
      firstLineNo?: number;
      atStartOfInput?: boolean;
      /** Injected by tests, which cannot afford half a gigabyte per line. */
      maxStringLength?: number;
    },
  ) {
    this.handlers = handlers;
    const maxString = options.maxStringLength ?? MAX_STRING_LENGTH;
    this.maxLineBytes = Math.min(options.maxLineBytes, maxString);
    this.tooLong = maxString < options.maxLineBytes ? 'too_long_for_a_string' : 'too_long';
    this.lineNo = (options.firstLineNo ?? 1) - 1;
    this.atStartOfInput = options.atStartOfInput ?? true;
  }

  /** Number of complete lines emitted (or rejected) so far. */
  get linesSeen(): number {
    return this.lineNo;
  }

  /**
   * Bytes up to and including the last complete line's terminator, as of the last `push` or `end`
   * (inside a line handler it may still lag behind the line being handled).
   */
  get consumedBytes(): number {
    return this.consumed;
  }

  /** Bytes of an unterminated last line held back (or being skipped). */
  get pendingBytes(): number {
    return this.overflowing ? this.overflowBytes : this.carryBytes;
  }

  push(chunk: Buffer): void {
    const chunkOffset = this.offset;
    this.offset += chunk.length;
    const lastNewline = chunk.lastIndexOf(LF);
    if (lastNewline === -1) {
      this.hold(chunk, 0, chunk.length);
      return;
    }
    let start = 0;
    // A line begun in an earlier chunk, and the first line of the input (which may carry a BOM),
    // take the per-line path, so the decoded runs below always start a fresh line mid-input.
    if (this.pendingBytes > 0 || this.atStartOfInput) start = this.splitLine(chunk, 0, chunkOffset);
    while (start <= lastNewline) start = this.splitRun(chunk, start, lastNewline, chunkOffset);
    this.hold(chunk, lastNewline + 1, chunk.length);
  }

  /**
   * Ends the stream. An unterminated last line is emitted when `emitPartial` is true (a full run
   * of a finished file); an incremental run passes false because the producer may be mid-write.
   */
  end(emitPartial: boolean): void {
    if (this.pendingBytes === 0) return;
    if (emitPartial) {
      this.consumed = this.offset;
      this.emit(false);
    }
  }

  /** Emits the line starting at `from`, which must end at an LF in `chunk`; returns the next start. */
  private splitLine(chunk: Buffer, from: number, chunkOffset: number): number {
    const newline = chunk.indexOf(LF, from);
    this.hold(chunk, from, newline);
    this.consumed = chunkOffset + newline + 1;
    this.emit(true);
    return newline + 1;
  }

  /**
   * Emits whole lines from `from` up to at most the LF at `lastNewline`; returns the next start.
   *
   * Checking and decoding a run of lines at once costs a few native calls per chunk instead of
   * several per line. The run is at most `maxLineBytes` long, so none of its lines can be too long;
   * when it is valid UTF-8 without NUL, every line in it is too, and decoding the run then splitting
   * the string gives the same strings as decoding each line. Otherwise the per-line path finds which
   * lines to reject.
   */
  private splitRun(chunk: Buffer, from: number, lastNewline: number, chunkOffset: number): number {
    const runLimit = Math.min(this.maxLineBytes, MAX_RUN_BYTES);
    let end = lastNewline;
    if (end - from > runLimit) {
      const window = chunk.subarray(from, from + runLimit + 1).lastIndexOf(LF);
      if (window === -1) return this.splitLine(chunk, from, chunkOffset);
      end = from + window;
    }
    const run = chunk.subarray(from, end);
    if (!isUtf8(run) || run.includes(0)) {
      let start = from;
      while (start <= end) start = this.splitLine(chunk, start, chunkOffset);
      return start;
    }
    if (this.handlers.lineBytes !== undefined) return this.splitRunBytes(chunk, from, end, chunkOffset);
    const text = run.toString('utf8');
    let lineStart = 0;
    for (;;) {
      const newline = text.indexOf('\n', lineStart);
      const terminator = newline === -1 ? text.length : newline;
      const lineEnd =
        terminator > lineStart && text.charCodeAt(terminator - 1) === CR ? terminator - 1 : terminator;
      this.lineNo += 1;
      this.handlers.line(text.slice(lineStart, lineEnd), this.lineNo);
      if (newline === -1) break;
      lineStart = newline + 1;
    }
    this.consumed = chunkOffset + end + 1;
    return end + 1;
  }

  /** splitRun's loop for lineBytes: the same lines (LF ends, CR stripped), as byte ranges. */
  private splitRunBytes(chunk: Buffer, from: number, end: number, chunkOffset: number): number {
    const lineBytes = this.handlers.lineBytes as NonNullable<LineHandlers['lineBytes']>;
    let lineStart = from;
    for (;;) {
      const newline = lineStart > end ? -1 : chunk.indexOf(LF, lineStart);
      const terminator = newline === -1 || newline > end ? end : newline;
      const lineEnd = terminator > lineStart && chunk[terminator - 1] === CR ? terminator - 1 : terminator;
      this.lineNo += 1;
      lineBytes.call(this.handlers, chunk, lineStart, lineEnd, this.lineNo);
      if (terminator === end) break;
      lineStart = terminator + 1;
    }
    this.consumed = chunkOffset + end + 1;
    return end + 1;
  }

  private hold(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    if (this.overflowing) {
      this.overflowBytes += to - from;
      return;
    }
    const length = to - from;
    if (this.carryBytes + length > this.maxLineBytes + 1) {
      // +1 leaves room for a CR that belongs to the terminator, not the content.
      this.overflowing = true;
      this.overflowBytes = this.carryBytes + length;
      this.carry = [];
      this.carryBytes = 0;
      return;
    }
    this.carry.push(chunk.subarray(from, to));
    this.carryBytes += length;
  }

  private emit(terminated: boolean): void {
    this.lineNo += 1;
    if (this.overflowing) {
      const length = this.overflowBytes;
      this.overflowing = false;
      this.overflowBytes = 0;
      this.atStartOfInput = false;
      this.handlers.rejected(this.tooLong, this.lineNo, length);
      return;
    }
    let bytes =
      this.carry.length === 1 ? (this.carry[0] as Buffer) : Buffer.concat(this.carry, this.carryBytes);
    this.carry = [];
    this.carryBytes = 0;
    if (terminated && bytes.length > 0 && bytes[bytes.length - 1] === CR)
      bytes = bytes.subarray(0, bytes.length - 1);
    if (this.atStartOfInput) {
      this.atStartOfInput = false;
      if (bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2])
        bytes = bytes.subarray(3);
    }
    if (bytes.length > this.maxLineBytes) {
      this.handlers.rejected(this.tooLong, this.lineNo, bytes.length);
      return;
    }
    // Decoding would silently turn invalid bytes into U+FFFD and let a mangled record through.
    if (!isUtf8(bytes)) {
      this.handlers.rejected('invalid_utf8', this.lineNo, bytes.length);
      return;
    }
    // NUL is valid UTF-8 but never part of a JSON line: it marks binary data or a file padded
    // with zeros after a crash, which deserves a clearer reason than "not valid JSON".
    if (bytes.includes(0)) {
      this.handlers.rejected('nul_bytes', this.lineNo, bytes.length);
      return;
    }
    if (this.handlers.lineBytes !== undefined) this.handlers.lineBytes(bytes, 0, bytes.length, this.lineNo);
    else this.handlers.line(bytes.toString('utf8'), this.lineNo);
  }
}
