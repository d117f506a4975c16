/**
 * The fast path for the lines of a transcript that cannot contribute a call, a result or usage:
 * most of a transcript's bytes are ordinary tool results and tool calls (file contents, command
 * output), and decoding and parsing them into objects only to count them costs most of the run. A
 * skim walks a line's top level once, on its undecoded UTF-8 bytes, jumping over nested values and
 * strings with native searches (no byte of a multi-byte character is a quote, a backslash or a
 * bracket, so the bytes frame the same tokens as the decoded text), and keeps the few envelope
 * fields counting needs (type, sessionId, agentId, isSidechain, timestamp) with the same "a field
 * of the wrong type reads as missing" rule as the schema. A key with an escape in it (which
 * JSON.parse would read as, say, `type`) makes the skim give up: the parse reads that line.
 *
 * A skim checks that the line is one complete JSON object (strings closed, brackets balanced),
 * so a torn line still fails and is parsed (and skipped) as before; it does not check every
 * token, so a line that is framed like an object but holds, say, a bad number is counted by its
 * type instead of skipped. Claude Code writes its lines with JSON.stringify, which never does that.
 */
export interface Skim {
  readonly type: string | undefined;
  readonly sessionId: string | undefined;
  readonly agentId: string | undefined;
  readonly isSidechain: boolean | undefined;
  readonly timestamp: string | undefined;
  /** The kind of the top-level `toolUseResult`: a plain string is an error message. */
  readonly toolUseResult: 'string' | 'other' | undefined;
  /** One bit per marker (Markers) that some string token of the line, key or value, equals. */
  readonly seen: number;
  /** The same for the tokens inside a top-level object or array only. */
  readonly nested: number;
}

/**
 * The strings a reader needs to know whether a line holds (a tool's name, a key such as
 * `usage`): the skim compares each short string token it jumps over with them, decoded as
 * JSON.parse would decode it, so finding them costs no search of the line's bytes of its own.
 */
export class Markers {
  private readonly bytes: Buffer[];
  private readonly longest: number;

  constructor(private readonly texts: readonly string[]) {
    if (texts.length > 30) throw new Error('at most 30 markers fit a bit mask');
    this.bytes = texts.map((text) => Buffer.from(text));
    this.longest = Math.max(0, ...this.bytes.map((bytes) => bytes.length));
  }

  /** The bits of these markers, to test a skim's `seen` or `nested` with. */
  bits(texts: Iterable<string>): number {
    let bits = 0;
    for (const text of texts) {
      const index = this.texts.indexOf(text);
      if (index === -1) throw new Error(`${text} is not a marker`);
      bits |= 1 << index;
    }
    return bits;
  }

  /**
   * The bit of the marker the string token `[open, end)` equals, 0 for none; -1 when its escapes
   * are not valid JSON. An escape takes at most 6 bytes per UTF-16 unit (\uXXXX), so a longer
   * token cannot decode to a marker.
   */
  of(line: Buffer, open: number, end: number): number {
    const length = end - open - 2;
    if (length <= this.longest) {
      for (let m = 0; m < this.bytes.length; m++) {
        const marker = this.bytes[m] as Buffer;
        if (marker.length !== length) continue;
        let k = 0;
        while (k < length && line[open + 1 + k] === marker[k]) k++;
        if (k === length) return 1 << m;
      }
    }
    if (length > 6 * this.longest || !escaped(line, open, end)) return 0;
    let decoded: unknown;
    try {
      decoded = JSON.parse(line.toString('utf8', open, end));
    } catch {
      return -1;
    }
    const index = this.texts.indexOf(decoded as string);
    return index === -1 ? 0 : 1 << index;
  }
}

/** What the walk over a line's tokens has found so far. */
interface Found {
  seen: number;
  nested: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function skipSpace(line: Buffer, from: number): number {
  let i = from;
  while (i < line.length && isSpace(line[i] as number)) i++;
  return i;
}

/** Index just past the string whose opening quote is at `open`; -1 when it never closes. */
export function stringEnd(line: Buffer, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = line.indexOf(QUOTE, from);
    if (quote === -1) return -1;
    let slashes = 0;
    for (let k = quote - 1; line[k] === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Index just past the object or array opening at `open`; -1 when unbalanced. */
function nestedEnd(line: Buffer, open: number, markers: Markers, found: Found): number {
  let depth = 0;
  for (let i = open; i < line.length; i++) {
    const code = line[i] as number;
    if (code === QUOTE) {
      const end = stringEnd(line, i);
      if (end === -1) return -1;
      const bit = markers.of(line, i, end);
      if (bit === -1) return -1;
      found.nested |= bit;
      i = end - 1;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
    else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Index just past a literal or number starting at `from`. */
function scalarEnd(line: Buffer, from: number): number {
  let i = from;
  while (i < line.length) {
    const code = line[i] as number;
    if (code === COMMA || code === CLOSE_BRACE || isSpace(code)) break;
    i++;
  }
  return i;
}

/**
 * Whether the string token `[open, end)` holds an escape. A loop, not indexOf: the tokens asked
 * about are short keys and ids, and a search would run on to the end of a long line.
 */
function escaped(line: Buffer, open: number, end: number): boolean {
  for (let k = open + 1; k < end; k++) if (line[k] === BACKSLASH) return true;
  return false;
}

function stringValue(line: Buffer, open: number, end: number): string {
  const text = line.toString('utf8', open, end);
  return escaped(line, open, end) ? (JSON.parse(text) as string) : text.slice(1, -1);
}

/**
 * The top-level envelope of a line (its bytes, valid UTF-8); null when it is not one complete
 * JSON object, or when only a parse can read its keys.
 */
export function skim(line: Buffer, markers: Markers): Skim | null {
  let i = skipSpace(line, 0);
  if (line[i] !== OPEN_BRACE) return null;
  const fields: {
    type?: string;
    sessionId?: string;
    agentId?: string;
    isSidechain?: boolean;
    timestamp?: string;
    toolUseResult?: 'string' | 'other';
    seen: number;
    nested: number;
  } = { seen: 0, nested: 0 };
  i = skipSpace(line, i + 1);
  if (line[i] === CLOSE_BRACE) return finish(line, i + 1, fields);
  for (;;) {
    if (line[i] !== QUOTE) return null;
    const keyEnd = stringEnd(line, i);
    if (keyEnd === -1) return null;
    if (escaped(line, i, keyEnd)) return null;
    // Compared in place: a string per key of every line would be most of the skim's garbage.
    const key = KEY_OF_BIT.get(ENVELOPE.of(line, i, keyEnd)) ?? '';
    fields.seen |= markers.of(line, i, keyEnd);
    i = skipSpace(line, keyEnd);
    if (line[i] !== COLON) return null;
    i = skipSpace(line, i + 1);
    const code = line[i];
    let end: number;
    if (code === QUOTE) {
      end = stringEnd(line, i);
      if (end === -1) return null;
      const bit = markers.of(line, i, end);
      if (bit === -1) return null;
      fields.seen |= bit;
      if (key === 'toolUseResult') fields.toolUseResult = 'string';
      else if (key === 'type' || key === 'sessionId' || key === 'agentId' || key === 'timestamp') {
        fields[key] = stringValue(line, i, end);
      } else if (key === 'isSidechain') fields.isSidechain = undefined;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      end = nestedEnd(line, i, markers, fields);
      if (end === -1) return null;
      if (key === 'toolUseResult') fields.toolUseResult = 'other';
      else if (key in SKIMMED) clear(fields, key);
    } else {
      end = scalarEnd(line, i);
      if (end === i) return null;
      const literal = line.toString('latin1', i, end);
      if (key === 'toolUseResult') fields.toolUseResult = literal === 'null' ? undefined : 'other';
      else if (key === 'isSidechain')
        fields.isSidechain = literal === 'true' ? true : literal === 'false' ? false : undefined;
      else if (key in SKIMMED) clear(fields, key);
    }
    i = skipSpace(line, end);
    const next = line[i];
    if (next === CLOSE_BRACE) return finish(line, i + 1, fields);
    if (next !== COMMA) return null;
    i = skipSpace(line, i + 1);
  }
}

const ENVELOPE_KEYS = ['type', 'sessionId', 'agentId', 'isSidechain', 'timestamp', 'toolUseResult'];
const ENVELOPE = new Markers(ENVELOPE_KEYS);
const KEY_OF_BIT = new Map(ENVELOPE_KEYS.map((key) => [ENVELOPE.bits([key]), key]));

const SKIMMED: Readonly<Record<string, true>> = {
  type: true,
  sessionId: true,
  agentId: true,
  isSidechain: true,
  timestamp: true,
};

/** A later duplicate key of another type wins, as in JSON.parse, and reads as missing. */
function clear(fields: Record<string, unknown>, key: string): void {
  delete fields[key];
}

function finish(line: Buffer, end: number, fields: Partial<Skim> & Found): Skim | null {
  if (skipSpace(line, end) !== line.length) return null;
  return {
    type: fields.type,
    sessionId: fields.sessionId,
    agentId: fields.agentId,
    isSidechain: fields.isSidechain,
    timestamp: fields.timestamp,
    toolUseResult: fields.toolUseResult,
    seen: fields.seen | fields.nested,
    nested: fields.nested,
  };
}

/**
 * The string values that follow each occurrence of `prefix`; null when one holds an escape or a
 * control character (JSON.parse rejects a raw one: only the parse may decide about that line).
 */
export function valuesAfter(line: Buffer, prefix: Buffer): string[] | null {
  const values: string[] = [];
  for (let at = line.indexOf(prefix); at !== -1; at = line.indexOf(prefix, at + prefix.length)) {
    const start = at + prefix.length;
    const end = line.indexOf(QUOTE, start);
    if (end === -1) return null;
    for (let k = start; k < end; k++) if ((line[k] as number) < 0x20 || line[k] === BACKSLASH) return null;
    // Decoded on its own: the id owns its characters, not a slice of a longer string.
    values.push(line.toString('utf8', start, end));
  }
  return values;
}
