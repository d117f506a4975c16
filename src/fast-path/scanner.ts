/**
 * A single-pass validator of one JSONL line holding a JSON object, over the line's bytes. It checks
 * the whole line against the JSON grammar (skipped values included) and, for the top-level keys
 * it was built for, records where each value is and what kind of token it is, so a caller can read
 * the few fields it needs without a string of the line or an object per record.
 *
 * It only ever answers "this is a valid JSON object and here are its tokens" or "not proven": a
 * line it cannot vouch for (a key with an escape, a duplicate wanted key, nesting deeper than
 * MAX_SCAN_DEPTH, anything outside the grammar) goes to JSON.parse, which then decides. Bytes must
 * be valid UTF-8 without NUL (the line splitter rejects other lines before they get here); strings
 * are checked for the JSON rules on top (no raw control characters, well-formed escapes).
 */
export const TOKEN_ABSENT = 0;
export const TOKEN_STRING = 1;
export const TOKEN_NUMBER = 2;
export const TOKEN_TRUE = 3;
export const TOKEN_FALSE = 4;
export const TOKEN_NULL = 5;
export const TOKEN_ARRAY = 6;
export const TOKEN_OBJECT = 7;

/** String flags: it holds a backslash escape / a byte outside ASCII. */
export const STRING_ESCAPED = 1;
export const STRING_NON_ASCII = 2;
/** Array flag: some element is not a string (its elements are then not recorded). */
export const ARRAY_NOT_ALL_STRINGS = 4;

/** Nesting deeper than this (objects and arrays inside a value) is left to JSON.parse. */
export const MAX_SCAN_DEPTH = 64;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;

const isWhitespace = (byte: number): boolean =>
  byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a;
const isDigit = (byte: number): boolean => byte >= ZERO && byte <= NINE;
const isHex = (byte: number): boolean =>
  (byte >= ZERO && byte <= NINE) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);

/** Bytes a string scan must stop at: 1 quote, 2 backslash, 3 control (invalid), 4 non-ASCII. */
const STRING_STOP = new Uint8Array(256);
for (let byte = 0; byte < 0x20; byte += 1) STRING_STOP[byte] = 3;
for (let byte = 0x80; byte < 0x100; byte += 1) STRING_STOP[byte] = 4;
STRING_STOP[0x22] = 1;
STRING_STOP[0x5c] = 2;

/** Bytes allowed after a backslash, apart from `u`: " \ / b f n r t. */
const SIMPLE_ESCAPE = new Uint8Array(128);
for (const char of '"\\/bfnrt') SIMPLE_ESCAPE[char.charCodeAt(0)] = 1;

const FAIL = -1;
/** Most string elements one line's wanted arrays may hold before the line falls back. */
const MAX_ELEMENTS = 256;

export class LineScanner {
  /** Per wanted key (in the order given): its token type, TOKEN_ABSENT when the line lacks it. */
  readonly token: Uint8Array;
  /** Strings: the content (inside the quotes). Others: the whole value. End is exclusive. */
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly flags: Uint8Array;
  /** Numbers that are plain safe integers (no fraction, exponent or -0): their value; else NaN. */
  readonly integer: Float64Array;
  /** Arrays of strings: their elements are elementStart/End[first .. first + count). */
  readonly firstElement: Int32Array;
  readonly elementCount: Int32Array;
  readonly elementStart = new Int32Array(MAX_ELEMENTS);
  readonly elementEnd = new Int32Array(MAX_ELEMENTS);
  readonly elementFlags = new Uint8Array(MAX_ELEMENTS);

  private readonly keyBytes: Uint8Array[];
  /** Wanted key indexes by key length, to compare a key only with names as long as it. */
  private readonly byLength: number[][] = [];
  private readonly stack = new Uint8Array(MAX_SCAN_DEPTH);
  /** nextKey[k + 1]: the wanted key that followed key k (-1: the line start) last time; -1 none. */
  private readonly nextKey: Int32Array;
  private lastKey = -1;
  private elements = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  private limit = 0;
  /** Set by scanString: the flags of the string just scanned. */
  private stringFlags = 0;

  constructor(readonly keys: readonly string[]) {
    const n = keys.length;
    this.token = new Uint8Array(n);
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.flags = new Uint8Array(n);
    this.integer = new Float64Array(n);
    this.firstElement = new Int32Array(n);
    this.elementCount = new Int32Array(n);
    this.nextKey = new Int32Array(n + 1).fill(-1);
    this.keyBytes = keys.map((key) => Buffer.from(key, 'utf8'));
    this.keyBytes.forEach((name, index) => {
      const list = this.byLength[name.length] ?? [];
      list.push(index);
      this.byLength[name.length] = list;
    });
  }

  /** The index of `key` among the wanted keys, or -1. */
  indexOf(key: string): number {
    return this.keys.indexOf(key);
  }

  /**
   * Validates `bytes[start, end)` as one JSON object (with JSON whitespace around it) and records
   * the wanted keys' tokens. True when the line is proven valid; false when it must fall back.
   */
  scan(bytes: Uint8Array, start: number, end: number): boolean {
    this.bytes = bytes;
    this.limit = end;
    this.token.fill(TOKEN_ABSENT);
    this.elements = 0;
    this.lastKey = -1;
    let p = this.skipWhitespace(start);
    if (p >= end || bytes[p] !== OPEN_BRACE) return false;
    p = this.skipWhitespace(p + 1);
    if (p < end && bytes[p] === CLOSE_BRACE) return this.skipWhitespace(p + 1) === end;
    for (;;) {
      if (p >= end || bytes[p] !== QUOTE) return false;
      const keyStart = p + 1;
      let wanted = this.predictedKey(keyStart);
      if (wanted >= 0) {
        p = keyStart + (this.keyBytes[wanted] as Uint8Array).length + 1;
      } else {
        p = this.scanString(keyStart);
        if (p === FAIL || (this.stringFlags & STRING_ESCAPED) !== 0) return false;
        wanted = this.wantedKey(keyStart, p - 1);
      }
      p = this.skipWhitespace(p);
      if (p >= end || bytes[p] !== COLON) return false;
      p = this.skipWhitespace(p + 1);
      if (wanted === -1) p = this.skipValue(p);
      else if (this.token[wanted] !== TOKEN_ABSENT) return false;
      else p = this.captureValue(wanted, p);
      if (p === FAIL) return false;
      p = this.skipWhitespace(p);
      if (p >= end) return false;
      const next = bytes[p];
      if (next === CLOSE_BRACE) return this.skipWhitespace(p + 1) === end;
      if (next !== COMMA) return false;
      p = this.skipWhitespace(p + 1);
    }
  }

  private skipWhitespace(from: number): number {
    let p = from;
    while (p < this.limit && isWhitespace(this.bytes[p] as number)) p += 1;
    return p;
  }

  /**
   * The key that followed the last matched one in the line before (lines of one producer repeat
   * one key order), when the key starting at `from` is it: its name, then the closing quote. The
   * name is plain ASCII, so that is the whole key string. -1 otherwise.
   */
  private predictedKey(from: number): number {
    const predicted = this.nextKey[this.lastKey + 1] as number;
    if (predicted < 0) return -1;
    const name = this.keyBytes[predicted] as Uint8Array;
    const length = name.length;
    if (from + length >= this.limit || this.bytes[from + length] !== QUOTE) return -1;
    const bytes = this.bytes;
    for (let i = 0; i < length; i += 1) if (name[i] !== bytes[from + i]) return -1;
    this.lastKey = predicted;
    return predicted;
  }

  /** The wanted key `bytes[from, to)` names, or -1. */
  private wantedKey(from: number, to: number): number {
    const candidates = this.byLength[to - from];
    if (candidates === undefined) return -1;
    for (let c = 0; c < candidates.length; c += 1) {
      const index = candidates[c] as number;
      if (this.isKey(index, from, to)) {
        this.nextKey[this.lastKey + 1] = index;
        this.lastKey = index;
        return index;
      }
    }
    return -1;
  }

  private isKey(index: number, from: number, to: number): boolean {
    const name = this.keyBytes[index] as Uint8Array;
    if (name.length !== to - from) return false;
    const bytes = this.bytes;
    for (let i = 0; i < name.length; i += 1) if (name[i] !== bytes[from + i]) return false;
    return true;
  }

  /** Scans a string whose content starts at `from`; returns the index after its closing quote. */
  private scanString(from: number): number {
    const bytes = this.bytes;
    const limit = this.limit;
    let flags = 0;
    let p = from;
    while (p < limit) {
      const stop = STRING_STOP[bytes[p] as number] as number;
      if (stop === 0) {
        p += 1;
        continue;
      }
      if (stop === 1) {
        this.stringFlags = flags;
        return p + 1;
      }
      if (stop === 4) {
        flags |= STRING_NON_ASCII;
        p += 1;
        continue;
      }
      if (stop === 3) return FAIL;
      flags |= STRING_ESCAPED;
      const escaped = p + 1 < limit ? (bytes[p + 1] as number) : -1;
      if (escaped === 0x75) {
        if (p + 5 >= limit) return FAIL;
        for (let k = 2; k <= 5; k += 1) if (!isHex(bytes[p + k] as number)) return FAIL;
        p += 6;
        continue;
      }
      if (escaped < 0 || escaped >= 128 || SIMPLE_ESCAPE[escaped] !== 1) return FAIL;
      p += 2;
    }
    return FAIL;
  }

  /**
   * Scans a number at `from` by the JSON grammar; returns the index after it. `integer` gets its
   * value when it is a plain safe integer (no fraction, no exponent, not -0), NaN otherwise.
   */
  private scanNumber(from: number, slot: number): number {
    const bytes = this.bytes;
    const limit = this.limit;
    let p = from;
    const negative = bytes[p] === MINUS;
    if (negative) p += 1;
    if (p >= limit || !isDigit(bytes[p] as number)) return FAIL;
    const digitsStart = p;
    let value = 0;
    if (bytes[p] === ZERO) {
      p += 1;
    } else {
      while (p < limit && isDigit(bytes[p] as number)) {
        value = value * 10 + ((bytes[p] as number) - ZERO);
        p += 1;
      }
    }
    // More than 16 digits is past every safe integer; with 16 or fewer the value is exact when it
    // is safe, and a rounded unsafe value never rounds down to a safe one.
    let plain = p - digitsStart <= 16 && value <= Number.MAX_SAFE_INTEGER && !(negative && value === 0);
    if (p < limit && bytes[p] === DOT) {
      plain = false;
      p += 1;
      if (p >= limit || !isDigit(bytes[p] as number)) return FAIL;
      while (p < limit && isDigit(bytes[p] as number)) p += 1;
    }
    if (p < limit && (bytes[p] === 0x65 || bytes[p] === 0x45)) {
      plain = false;
      p += 1;
      if (p < limit && (bytes[p] === 0x2b || bytes[p] === MINUS)) p += 1;
      if (p >= limit || !isDigit(bytes[p] as number)) return FAIL;
      while (p < limit && isDigit(bytes[p] as number)) p += 1;
    }
    if (slot >= 0) this.integer[slot] = plain ? (negative ? -value : value) : Number.NaN;
    return p;
  }

  /** Matches the literal `word` (true, false, null) at `from`; returns the index after it. */
  private scanWord(from: number, word: Uint8Array): number {
    if (from + word.length > this.limit) return FAIL;
    for (let i = 0; i < word.length; i += 1) if (this.bytes[from + i] !== word[i]) return FAIL;
    return from + word.length;
  }

  /** A scalar at `from` (string, number, true, false, null); -1 for a container or bad byte. */
  private scanScalar(from: number, slot: number): number {
    const byte = this.bytes[from] as number;
    if (byte === QUOTE) return this.scanString(from + 1);
    if (byte === MINUS || isDigit(byte)) return this.scanNumber(from, slot);
    if (byte === 0x74) return this.scanWord(from, TRUE);
    if (byte === 0x66) return this.scanWord(from, FALSE);
    if (byte === 0x6e) return this.scanWord(from, NULL);
    return FAIL;
  }

  private captureValue(slot: number, from: number): number {
    if (from >= this.limit) return FAIL;
    const byte = this.bytes[from] as number;
    this.start[slot] = from;
    let p: number;
    if (byte === QUOTE) {
      p = this.scanString(from + 1);
      if (p === FAIL) return FAIL;
      this.token[slot] = TOKEN_STRING;
      this.start[slot] = from + 1;
      this.end[slot] = p - 1;
      this.flags[slot] = this.stringFlags;
      return p;
    }
    if (byte === OPEN_BRACKET) {
      p = this.captureArray(slot, from);
      this.token[slot] = TOKEN_ARRAY;
    } else if (byte === OPEN_BRACE) {
      p = this.skipValue(from);
      this.token[slot] = TOKEN_OBJECT;
    } else {
      p = this.scanScalar(from, slot);
      this.token[slot] =
        byte === 0x74 ? TOKEN_TRUE : byte === 0x66 ? TOKEN_FALSE : byte === 0x6e ? TOKEN_NULL : TOKEN_NUMBER;
    }
    this.end[slot] = p;
    return p;
  }

  /** An array of a wanted key: its string elements are recorded while they are all strings. */
  private captureArray(slot: number, from: number): number {
    const bytes = this.bytes;
    let flags = 0;
    this.firstElement[slot] = this.elements;
    this.elementCount[slot] = 0;
    let p = this.skipWhitespace(from + 1);
    if (p < this.limit && bytes[p] === CLOSE_BRACKET) {
      this.flags[slot] = 0;
      return p + 1;
    }
    for (;;) {
      if (p >= this.limit) return FAIL;
      if (bytes[p] === QUOTE && (flags & ARRAY_NOT_ALL_STRINGS) === 0) {
        const contentStart = p + 1;
        p = this.scanString(contentStart);
        if (p === FAIL) return FAIL;
        if (this.elements === MAX_ELEMENTS) return FAIL;
        this.elementStart[this.elements] = contentStart;
        this.elementEnd[this.elements] = p - 1;
        this.elementFlags[this.elements] = this.stringFlags;
        this.elements += 1;
        this.elementCount[slot] += 1;
      } else {
        flags |= ARRAY_NOT_ALL_STRINGS;
        p = this.skipValue(p);
        if (p === FAIL) return FAIL;
      }
      p = this.skipWhitespace(p);
      if (p >= this.limit) return FAIL;
      if (bytes[p] === CLOSE_BRACKET) {
        this.flags[slot] = flags;
        return p + 1;
      }
      if (bytes[p] !== COMMA) return FAIL;
      p = this.skipWhitespace(p + 1);
    }
  }

  /**
   * Validates any JSON value at `from` without recursion (nesting up to MAX_SCAN_DEPTH); returns
   * the index after it.
   */
  private skipValue(from: number): number {
    const bytes = this.bytes;
    const limit = this.limit;
    const stack = this.stack;
    let depth = 0;
    let p = from;
    for (;;) {
      // A value is expected at p.
      if (p >= limit) return FAIL;
      const byte = bytes[p] as number;
      if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        const close = byte === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
        p = this.skipWhitespace(p + 1);
        if (p < limit && bytes[p] === close) {
          p += 1;
        } else {
          if (depth === MAX_SCAN_DEPTH) return FAIL;
          stack[depth] = byte;
          depth += 1;
          if (byte === OPEN_BRACE) {
            p = this.skipKey(p);
            if (p === FAIL) return FAIL;
          }
          continue;
        }
      } else {
        p = this.scanScalar(p, -1);
        if (p === FAIL) return FAIL;
      }
      // After a value: close containers, or move on to the next element.
      for (;;) {
        if (depth === 0) return p;
        p = this.skipWhitespace(p);
        if (p >= limit) return FAIL;
        const inObject = stack[depth - 1] === OPEN_BRACE;
        const next = bytes[p];
        if (next === (inObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
          depth -= 1;
          p += 1;
          continue;
        }
        if (next !== COMMA) return FAIL;
        p = this.skipWhitespace(p + 1);
        if (inObject) {
          p = this.skipKey(p);
          if (p === FAIL) return FAIL;
        }
        break;
      }
    }
  }

  /** `"key" :` and the whitespace after it, inside a skipped object. */
  private skipKey(from: number): number {
    if (from >= this.limit || this.bytes[from] !== QUOTE) return FAIL;
    let p = this.scanString(from + 1);
    if (p === FAIL) return FAIL;
    p = this.skipWhitespace(p);
    if (p >= this.limit || this.bytes[p] !== COLON) return FAIL;
    return this.skipWhitespace(p + 1);
  }
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');
