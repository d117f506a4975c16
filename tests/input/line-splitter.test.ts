import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LineSplitter, MAX_STRING_LENGTH, type RejectedLineReason } from '../../src/input/line-splitter.js';

/**
 * The splitter checks and decodes runs of lines at once when it can, and falls back to one line at
 * a time when it cannot. Whichever path a line takes, and wherever the chunks happen to be cut, the
 * result must equal that of splitting the whole input at once, one line at a time.
 */

type Event =
  | { kind: 'line'; text: string; lineNo: number }
  | { kind: 'rejected'; reason: RejectedLineReason; lineNo: number; byteLength: number };

interface Split {
  events: Event[];
  consumedBytes: number;
  linesSeen: number;
}

interface SplitOptions {
  maxLineBytes: number;
  firstLineNo?: number;
  atStartOfInput?: boolean;
  emitPartial?: boolean;
}

const LF = 0x0a;
const CR = 0x0d;

/** The definition: cut the whole input at every LF, then judge each line on its own. */
function referenceSplit(input: Buffer, options: SplitOptions): Split {
  const events: Event[] = [];
  let lineNo = (options.firstLineNo ?? 1) - 1;
  let atStart = options.atStartOfInput ?? true;
  const judge = (raw: Buffer, terminated: boolean): void => {
    lineNo += 1;
    const first = atStart;
    atStart = false;
    // Past the limit plus a possible CR the splitter stops holding the line, so it reports the raw length.
    if (raw.length > options.maxLineBytes + 1) {
      events.push({ kind: 'rejected', reason: 'too_long', lineNo, byteLength: raw.length });
      return;
    }
    let bytes = raw;
    if (terminated && bytes.at(-1) === CR) bytes = bytes.subarray(0, -1);
    if (first && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    const reason: RejectedLineReason | undefined =
      bytes.length > options.maxLineBytes
        ? 'too_long'
        : !isUtf8(bytes)
          ? 'invalid_utf8'
          : bytes.includes(0)
            ? 'nul_bytes'
            : undefined;
    if (reason) events.push({ kind: 'rejected', reason, lineNo, byteLength: bytes.length });
    else events.push({ kind: 'line', text: bytes.toString('utf8'), lineNo });
  };
  let start = 0;
  for (let newline = input.indexOf(LF); newline !== -1; newline = input.indexOf(LF, start)) {
    judge(input.subarray(start, newline), true);
    start = newline + 1;
  }
  let consumedBytes = start;
  if (start < input.length && (options.emitPartial ?? true)) {
    judge(input.subarray(start), false);
    consumedBytes = input.length;
  }
  return { events, consumedBytes, linesSeen: lineNo };
}

/** Feeds `input` to a LineSplitter cut at `cuts`, checking the counters between pushes. */
/** `asBytes`: lines go to the lineBytes handler (and are decoded here), never to `line`. */
function splitterSplit(
  input: Buffer,
  cuts: readonly number[],
  options: SplitOptions,
  asBytes = false,
): Split {
  const events: Event[] = [];
  const line = (text: string, lineNo: number): void => {
    events.push({ kind: 'line', text, lineNo });
  };
  const splitter = new LineSplitter(
    {
      line: asBytes
        ? () => events.push({ kind: 'line', text: 'line() while lineBytes is given', lineNo: -1 })
        : line,
      ...(asBytes
        ? {
            lineBytes: (bytes: Buffer, start: number, end: number, lineNo: number) =>
              line(bytes.toString('utf8', start, end), lineNo),
          }
        : {}),
      rejected: (reason, lineNo, byteLength) => events.push({ kind: 'rejected', reason, lineNo, byteLength }),
    },
    options,
  );
  const firstLineNo = options.firstLineNo ?? 1;
  const bounds = [...new Set([0, ...cuts, input.length])].sort((a, b) => a - b);
  for (let i = 1; i < bounds.length; i += 1) {
    const end = bounds[i] as number;
    splitter.push(input.subarray(bounds[i - 1], end));
    const pushed = input.subarray(0, end);
    const consumed = pushed.lastIndexOf(LF) + 1;
    expect(splitter.consumedBytes).toBe(consumed);
    expect(splitter.pendingBytes).toBe(end - consumed);
    expect(splitter.linesSeen).toBe(firstLineNo - 1 + pushed.filter((byte) => byte === LF).length);
  }
  splitter.end(options.emitPartial ?? true);
  return { events, consumedBytes: splitter.consumedBytes, linesSeen: splitter.linesSeen };
}

const bytesOf = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

/** Pieces lines are built from: each one a case the splitter must tell apart. */
const PIECES: Buffer[] = [
  bytesOf('{"a":1}'),
  bytesOf('x'),
  bytesOf('é'),
  bytesOf('€'),
  bytesOf('😀'),
  bytesOf('\r'),
  bytesOf('\r\n'),
  bytesOf('\n'),
  bytesOf('\n\n'),
  bytesOf([0xef, 0xbb, 0xbf]),
  bytesOf([0x00]),
  bytesOf([0xff]),
  bytesOf([0xc3]),
  bytesOf([0x80]),
  bytesOf([0xed, 0xa0, 0x80]),
  bytesOf('x'.repeat(40)),
  bytesOf('é'.repeat(20)),
];

const inputArbitrary = fc
  .array(fc.constantFrom(...PIECES), { maxLength: 60 })
  .map((pieces) => Buffer.concat(pieces));

const caseArbitrary = inputArbitrary.chain((input) =>
  fc.record({
    input: fc.constant(input),
    cuts: fc.array(fc.integer({ min: 0, max: input.length }), { maxLength: 8 }),
    maxLineBytes: fc.oneof(fc.integer({ min: 1, max: 48 }), fc.constant(1 << 20)),
    firstLineNo: fc.integer({ min: 1, max: 1000 }),
    atStartOfInput: fc.boolean(),
    emitPartial: fc.boolean(),
  }),
);

describe('LineSplitter', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('matches splitting the whole input at once, for any input cut into any chunks', () => {
    fc.assert(
      fc.property(caseArbitrary, ({ input, cuts, ...options }) => {
        expect(splitterSplit(input, cuts, options)).toEqual(referenceSplit(input, options));
      }),
      { seed: 4242, numRuns: 1500 },
    );
  });

  it('hands lineBytes the same lines as byte ranges, for any input cut into any chunks', () => {
    fc.assert(
      fc.property(caseArbitrary, ({ input, cuts, ...options }) => {
        expect(splitterSplit(input, cuts, options, true)).toEqual(referenceSplit(input, options));
      }),
      { seed: 4243, numRuns: 1500 },
    );
  });

  it('gives the same lines wherever a two-chunk input is cut', () => {
    const input = bytesOf(
      [0xef, 0xbb, 0xbf],
      '{"first":"é"}\r\n\r\nplain\n€😀\r\n',
      [0xff, 0x41],
      '\nnul',
      [0x00],
      '\r\n',
      'x'.repeat(30),
      '\r\nunterminated 😀\r',
    );
    for (const maxLineBytes of [8, 29, 30, 31, 1 << 20]) {
      const options = { maxLineBytes };
      const expected = referenceSplit(input, options);
      for (let cut = 0; cut <= input.length; cut += 1) {
        expect(splitterSplit(input, [cut], options), `cut at ${cut}, max ${maxLineBytes}`).toEqual(expected);
      }
      for (let first = 0; first <= input.length; first += 3) {
        for (let second = first; second <= input.length; second += 1) {
          expect(splitterSplit(input, [first, second], options)).toEqual(expected);
        }
      }
    }
  });

  it('strips a CR whose LF arrives in the next chunk, and keeps a CR that ends the input', () => {
    const input = bytesOf('a\r', '\nb\r');
    expect(splitterSplit(input, [2], { maxLineBytes: 100 }).events).toEqual([
      { kind: 'line', text: 'a', lineNo: 1 },
      { kind: 'line', text: 'b\r', lineNo: 2 },
    ]);
  });

  it('strips a BOM only from the first line of the input', () => {
    const bom = [0xef, 0xbb, 0xbf];
    const input = bytesOf(bom, 'a\n', bom, 'b\n');
    const texts = (atStartOfInput: boolean) =>
      splitterSplit(input, [], { maxLineBytes: 100, atStartOfInput }).events.map((event) =>
        event.kind === 'line' ? event.text : event.reason,
      );
    expect(texts(true)).toEqual(['a', '\ufeffb']);
    expect(texts(false)).toEqual(['\ufeffa', '\ufeffb']);
  });

  it('rejects the bad lines of a chunk by line number and keeps its good ones', () => {
    const input = bytesOf('ok 1\n', [0xc3, 0x28], '\nok 3\n', 'n', [0x00], 'l\n', 'y'.repeat(20), '\nok 6\n');
    expect(splitterSplit(input, [], { maxLineBytes: 10 }).events).toEqual([
      { kind: 'line', text: 'ok 1', lineNo: 1 },
      { kind: 'rejected', reason: 'invalid_utf8', lineNo: 2, byteLength: 2 },
      { kind: 'line', text: 'ok 3', lineNo: 3 },
      { kind: 'rejected', reason: 'nul_bytes', lineNo: 4, byteLength: 3 },
      { kind: 'rejected', reason: 'too_long', lineNo: 5, byteLength: 20 },
      { kind: 'line', text: 'ok 6', lineNo: 6 },
    ]);
  });

  it('counts consumed bytes, not characters, across multi-byte lines', () => {
    const input = bytesOf('😀é\n€\r\npartial é');
    const split = splitterSplit(input, [3, 9], { maxLineBytes: 100, emitPartial: false });
    expect(split.events.map((event) => event.kind === 'line' && event.text)).toEqual(['😀é', '€']);
    expect(split.consumedBytes).toBe(Buffer.byteLength('😀é\n€\r\n'));
  });

  it('matches the reference when runs of lines outgrow what is decoded at once', () => {
    const lines = Array.from({ length: 400 }, (_, i) =>
      i === 150 ? 'y'.repeat(40_000) : `{"n":${i},"pad":"${'é€x'.repeat((i * 37) % 300)}"}`,
    );
    const input = Buffer.from(`${lines.join('\r\n')}\nlast`);
    const options = { maxLineBytes: 1 << 20 };
    const expected = referenceSplit(input, options);
    expect(expected.events).toHaveLength(401);
    expect(splitterSplit(input, [], options)).toEqual(expected);
    expect(splitterSplit(input, [65_536, 131_072, 196_608], options)).toEqual(expected);
    expect(splitterSplit(input, [1, 32_769, 100_001, 100_002], options)).toEqual(expected);
  });

  it('decodes a chunk of valid lines once instead of once per line', () => {
    const decode = vi.spyOn(Buffer.prototype, 'toString');
    const lines = Array.from({ length: 50 }, (_, i) => `{"line":${i},"text":"é€"}`);
    const split = splitterSplit(Buffer.from(`${lines.join('\r\n')}\n`), [], { maxLineBytes: 1 << 20 });
    expect(split.events.map((event) => event.kind === 'line' && event.text)).toEqual(lines);
    // One call for the first line of the input (it may carry a BOM), one for the rest.
    expect(decode).toHaveBeenCalledTimes(2);
  });
});

describe('a line too long to become a string', () => {
  function split(chunks: Buffer[], options: { maxLineBytes: number; maxStringLength?: number }): Event[] {
    const events: Event[] = [];
    const splitter = new LineSplitter(
      {
        line: (text, lineNo) => events.push({ kind: 'line', text, lineNo }),
        rejected: (reason, lineNo, byteLength) =>
          events.push({ kind: 'rejected', reason, lineNo, byteLength }),
      },
      options,
    );
    for (const chunk of chunks) splitter.push(chunk);
    splitter.end(true);
    return events;
  }

  it('is skipped and counted like any over-long line, whatever --max-line-bytes allows', () => {
    // The limit injected: 16 "code units" stand for V8's ~512 MiB.
    const long = Buffer.from(`${'x'.repeat(17)}\n`);
    const fits = Buffer.from(`${'é'.repeat(8)}\n`); // 16 bytes, 8 code units
    const events = split([Buffer.from('{"a":1}\n'), long.subarray(0, 9), long.subarray(9), fits], {
      maxLineBytes: 1_000_000,
      maxStringLength: 16,
    });
    expect(events).toEqual([
      { kind: 'line', text: '{"a":1}', lineNo: 1 },
      { kind: 'rejected', reason: 'too_long_for_a_string', lineNo: 2, byteLength: 17 },
      { kind: 'line', text: 'é'.repeat(8), lineNo: 3 },
    ]);
  });

  it('keeps the --max-line-bytes reason when that limit is the lower one', () => {
    const events = split([Buffer.from(`${'x'.repeat(17)}\n`)], { maxLineBytes: 10, maxStringLength: 16 });
    expect(events).toEqual([{ kind: 'rejected', reason: 'too_long', lineNo: 1, byteLength: 17 }]);
  });

  it('uses the real limit: V8 refuses a string one code unit longer, before allocating it', () => {
    expect(() => 'x'.repeat(MAX_STRING_LENGTH + 1)).toThrow(RangeError);
    expect(MAX_STRING_LENGTH).toBeGreaterThan(2 ** 28);
  });
});
