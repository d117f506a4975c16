/**
 * The fast path for the lines of a transcript that cannot contribute a call, a result or usage:
 * most of a transcript's bytes are ordinary tool results and tool calls (file contents, command
 * output), and parsing them into objects only to count them costs most of the run. A skim walks a
 * line's top level once, jumping over nested values and strings with native searches, and keeps
 * the few envelope fields counting needs (type, sessionId, agentId, isSidechain, timestamp) with
 * the same "a field of the wrong type reads as missing" rule as the schema.
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
  /** How many top-level keys are named agentId (a nested one is a subagent's result). */
  readonly agentIdKeys: number;
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

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string whose opening quote is at `open`; -1 when it never closes. */
function stringEnd(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return -1;
    let slashes = 0;
    for (let k = quote - 1; text.charCodeAt(k) === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Index just past the object or array opening at `open`; -1 when unbalanced. */
function nestedEnd(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const end = stringEnd(text, i);
      if (end === -1) return -1;
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
function scalarEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === COMMA || code === CLOSE_BRACE || isSpace(code)) break;
    i++;
  }
  return i;
}

function stringValue(text: string, open: number, end: number): string {
  const raw = text.slice(open + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(open, end)) as string) : raw;
}

/** The top-level envelope of a line; null when it is not one complete JSON object. */
export function skim(text: string): Skim | null {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return null;
  const fields: {
    type?: string;
    sessionId?: string;
    agentId?: string;
    isSidechain?: boolean;
    timestamp?: string;
    toolUseResult?: 'string' | 'other';
    agentIdKeys: number;
  } = { agentIdKeys: 0 };
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return finish(text, i + 1, fields);
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return null;
    const keyEnd = stringEnd(text, i);
    if (keyEnd === -1) return null;
    const key = text.slice(i + 1, keyEnd - 1);
    if (key === 'agentId') fields.agentIdKeys++;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) return null;
    i = skipSpace(text, i + 1);
    const code = text.charCodeAt(i);
    let end: number;
    if (code === QUOTE) {
      end = stringEnd(text, i);
      if (end === -1) return null;
      if (key === 'toolUseResult') fields.toolUseResult = 'string';
      else if (key === 'type' || key === 'sessionId' || key === 'agentId' || key === 'timestamp') {
        fields[key] = stringValue(text, i, end);
      } else if (key === 'isSidechain') fields.isSidechain = undefined;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      end = nestedEnd(text, i);
      if (end === -1) return null;
      if (key === 'toolUseResult') fields.toolUseResult = 'other';
      else if (key in SKIMMED) clear(fields, key);
    } else {
      end = scalarEnd(text, i);
      if (end === i) return null;
      const literal = text.slice(i, end);
      if (key === 'toolUseResult') fields.toolUseResult = literal === 'null' ? undefined : 'other';
      else if (key === 'isSidechain')
        fields.isSidechain = literal === 'true' ? true : literal === 'false' ? false : undefined;
      else if (key in SKIMMED) clear(fields, key);
    }
    i = skipSpace(text, end);
    const next = text.charCodeAt(i);
    if (next === CLOSE_BRACE) return finish(text, i + 1, fields);
    if (next !== COMMA) return null;
    i = skipSpace(text, i + 1);
  }
}

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

function finish(text: string, end: number, fields: Partial<Skim> & { agentIdKeys: number }): Skim | null {
  if (skipSpace(text, end) !== text.length) return null;
  return {
    type: fields.type,
    sessionId: fields.sessionId,
    agentId: fields.agentId,
    isSidechain: fields.isSidechain,
    timestamp: fields.timestamp,
    toolUseResult: fields.toolUseResult,
    agentIdKeys: fields.agentIdKeys,
  };
}
