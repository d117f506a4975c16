import { isUtf8 } from 'node:buffer';

/**
 * Splits a byte stream into lines without ever holding more than `maxLineBytes` of one line.
 *
 * split2 (the usual choice) decodes to strings before splitting, so it cannot report byte offsets
 * (which incremental runs store as cursors), silently replaces invalid UTF-8, and silently drops
 * over-long lines without telling anyone. Every one of those must be counted here, so the splitter
 * works on bytes: `Buffer.indexOf` finds newlines natively and only complete, valid lines are
 * decoded.
 */
export type RejectedLineReason = 'too_long' | 'invalid_utf8' | 'nul_bytes';

export interface LineHandlers {
  /** A complete line, without its line terminator (LF or CRLF) and without a leading BOM. */
  line(text: string, lineNo: number): void;
  /** A line that is counted but never decoded. */
  rejected(reason: RejectedLineReason, lineNo: number, byteLength: number): void;
}

const LF = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export class LineSplitter {
  private readonly maxLineBytes: number;
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
    options: { maxLineBytes: number; firstLineNo?: number; atStartOfInput?: boolean },
  ) {
    this.handlers = handlers;
    this.maxLineBytes = options.maxLineBytes;
    this.lineNo = (options.firstLineNo ?? 1) - 1;
    this.atStartOfInput = options.atStartOfInput ?? true;
  }

  /** Number of complete lines emitted (or rejected) so far. */
  get linesSeen(): number {
    return this.lineNo;
  }

  /** Bytes up to and including the last complete line's terminator. */
  get consumedBytes(): number {
    return this.consumed;
  }

  /** Bytes of an unterminated last line held back (or being skipped). */
  get pendingBytes(): number {
    return this.overflowing ? this.overflowBytes : this.carryBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    const chunkOffset = this.offset;
    this.offset += chunk.length;
    while (start < chunk.length) {
      const newline = chunk.indexOf(LF, start);
      if (newline === -1) {
        this.hold(chunk, start, chunk.length);
        return;
      }
      this.hold(chunk, start, newline);
      this.consumed = chunkOffset + newline + 1;
      this.emit(true);
      start = newline + 1;
    }
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
      this.handlers.rejected('too_long', this.lineNo, length);
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
      this.handlers.rejected('too_long', this.lineNo, bytes.length);
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
    this.handlers.line(bytes.toString('utf8'), this.lineNo);
  }
}
