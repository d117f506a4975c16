import { describeIssue } from '../../common/zod-issue.js';
import { corruptIncrementalState } from '../../findings/state-file.js';
import { parseJsonObject } from '../json-line.js';
import type { LineLocation, LineParser, SourceDiagnostics } from '../types.js';
import type { ResultBlock } from './correlate.js';
import { InputState, SavedInputState } from './input-state.js';
import { agentCalls, assistantUsage, resultBlocks } from './lines.js';
import { AGENT_TOOLS, LineEnvelope, OTHER_LINE_TYPES, parseTimestamp } from './schema.js';
import { Markers, type Skim, skim, valuesAfter } from './skim.js';
import { usageTuple } from './usage.js';

/** `<session>/subagents/agent-<agentId>.jsonl`: every line there belongs to that subagent. */
const SUBAGENT_FILE = /(?:^|[\\/])subagents[\\/]agent-([^\\/]+?)\.jsonl(?:\.gz)?$/;
/** `agent-acompact-*`: a context compaction's transcript, not a subagent's. */
const COMPACTION = /^acompact-/;

type FileKind =
  | { readonly kind: 'session' }
  | { readonly kind: 'subagent'; readonly agentId: string; readonly parentDir: string | null }
  | { readonly kind: 'compaction'; readonly agentId: string };

export function fileKind(input: string): FileKind {
  const match = SUBAGENT_FILE.exec(input);
  if (match === null) return { kind: 'session' };
  const agentId = match[1] as string;
  if (COMPACTION.test(agentId)) return { kind: 'compaction', agentId };
  const dir = input.slice(0, match.index).split(/[\\/]/).at(-1);
  return { kind: 'subagent', agentId, parentDir: dir === undefined || dir === '' ? null : dir };
}

/**
 * The strings without which a line cannot hold a call, a result or usage (see `mayContribute`),
 * found by the skim among the line's string tokens before anything is decoded: what the parse
 * path reads of a line (lines.ts: agentCalls, resultBlocks, assistantUsage) sits under these keys
 * and names (AGENT_TOOLS in schema.ts are the tool names).
 */
const MARKERS = new Markers([
  ...AGENT_TOOLS,
  'usage',
  'tool_result',
  'agentId',
  // In a tool_result line: what an agent's result or an error would carry.
  'totalDurationMs',
  'is_error',
  'status',
]);
const AGENT_NAMES = MARKERS.bits(AGENT_TOOLS);
const USAGE = MARKERS.bits(['usage']);
const TOOL_RESULT = MARKERS.bits(['tool_result']);
const AGENT_ID = MARKERS.bits(['agentId']);
const RESULT_MARKERS = MARKERS.bits(['totalDurationMs', 'is_error', 'status', 'usage']);
const TOOL_USE_ID = Buffer.from('"tool_use_id":"');
const TOOL_USE_BLOCK = Buffer.from('"type":"tool_use","id":"');
const OPEN_BRACE = 0x7b;
/** A UTF-16 code unit without its pair: such a string has no UTF-8 form for the skim to read. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The envelope fields every line is counted by, from a skim or a parse. */
interface Envelope {
  readonly sessionId?: string | undefined;
  readonly agentId?: string | undefined;
  readonly isSidechain?: boolean | undefined;
  readonly timestamp?: string | undefined;
}

/**
 * Reads transcript lines into one InputState per input. A line is parsed only when it may hold
 * an agent call, an agent's result, an error or a subagent's usage; every other line is counted
 * from its skim, exactly as a parse would count it (see skim.ts for the one difference).
 */
export class TranscriptReader {
  private readonly done: { restored: SavedInputState | null; fresh: InputState }[] = [];
  private current = new InputState();
  private restored: SavedInputState | null = null;
  private kindOf: { input: string; kind: FileKind } | null = null;
  /** Ids of ordinary (non-agent) tool calls seen in this input: their results are plain messages. */
  private ordinary = new Set<string>();

  /** `fastPath: false` parses every line (tests compare both ways). */
  constructor(
    private readonly diagnostics: SourceDiagnostics,
    private readonly fastPath = true,
  ) {}

  beginInput(saved: unknown): void {
    this.closeInput();
    if (saved !== undefined && saved !== null) this.restored = restoreInput(saved);
  }

  /** The current input's state: what earlier runs kept of it, and what this run read. */
  endInput(): SavedInputState {
    return this.whole(this.restored, this.current).save();
  }

  adopt(payload: unknown): void {
    this.current.merge(payload as SavedInputState);
  }

  /** Every input read so far, the current one included, with what earlier runs kept of each. */
  inputs(): InputState[] {
    return [...this.done, { restored: this.restored, fresh: this.current }].map(({ restored, fresh }) =>
      this.whole(restored, fresh),
    );
  }

  /** Only what this run read of each input (the run report's counts_this_run). */
  inputsThisRun(): InputState[] {
    return [...this.done.map(({ fresh }) => fresh), this.current];
  }

  private whole(restored: SavedInputState | null, fresh: InputState): InputState {
    if (restored === null) return fresh;
    const state = new InputState();
    state.merge(restored);
    state.merge(fresh.save());
    return state;
  }

  rejectLine(location: LineLocation, reason: string): void {
    this.current.lines += 1;
    this.skip(location, reason);
  }

  acceptLine(text: string, location: LineLocation): void {
    // The skim reads bytes; a string that has no UTF-8 form goes straight to the parse.
    const line = this.fastPath && !LONE_SURROGATE.test(text) ? Buffer.from(text, 'utf8') : null;
    this.accept(line, text, location);
  }

  /** acceptLine for a line's bytes (valid UTF-8): decoded only when it has to be parsed. */
  acceptBytes(bytes: Buffer, start: number, end: number, location: LineLocation): void {
    this.accept(bytes.subarray(start, end), undefined, location);
  }

  /** One line, as bytes (null: parse only) and, where the caller had it, as text. */
  private accept(line: Buffer | null, given: string | undefined, location: LineLocation): void {
    const state = this.current;
    state.lines += 1;
    let text = given;
    // A line that starts with `{` is not blank; anything else is decoded to be sure.
    if (line === null || line[0] !== OPEN_BRACE) {
      text ??= line?.toString('utf8') ?? '';
      if (text.trim() === '') {
        state.blank += 1;
        return;
      }
    }
    const kind = this.kind(location.input);
    if (line !== null && this.fastPath) {
      const fast = skim(line, MARKERS);
      if (fast !== null && !this.mayContribute(fast, kind) && this.countLight(line, fast, kind)) return;
    }
    this.parseLine(text ?? (line as Buffer).toString('utf8'), location, kind);
  }

  private closeInput(): void {
    const fresh = this.current;
    if (this.restored !== null || fresh.lines > 0 || fresh.transcripts.size > 0) {
      this.done.push({ restored: this.restored, fresh });
    }
    this.current = new InputState();
    this.restored = null;
    this.ordinary = new Set();
  }

  private skip(location: LineLocation, reason: string): void {
    this.current.skipped += 1;
    this.diagnostics.skipped(location, reason);
  }

  private kind(input: string): FileKind {
    if (this.kindOf?.input !== input) this.kindOf = { input, kind: fileKind(input) };
    return this.kindOf.kind;
  }

  /** The subagent a line belongs to: its file's, else an inline sidechain's own agentId. */
  private agentOf(
    kind: FileKind,
    isSidechain: boolean | undefined,
    agentId: string | undefined,
  ): string | null {
    if (kind.kind === 'subagent') return kind.agentId;
    if (kind.kind === 'compaction') return null;
    return isSidechain === true ? (agentId ?? null) : null;
  }

  private mayContribute(fast: Skim, kind: FileKind): boolean {
    if (kind.kind === 'compaction') return false;
    if (fast.type === 'assistant') {
      if ((fast.seen & AGENT_NAMES) !== 0) return true;
      return this.agentOf(kind, fast.isSidechain, fast.agentId) !== null && (fast.seen & USAGE) !== 0;
    }
    if (fast.type !== 'user' || (fast.seen & TOOL_RESULT) === 0) return false;
    if (fast.toolUseResult === 'string' || (fast.seen & RESULT_MARKERS) !== 0) return true;
    // A nested agentId is a subagent's result; a top-level one only names the line's own agent.
    return (fast.nested & AGENT_ID) !== 0;
  }

  /** The envelope bookkeeping every line gets: its session or subagent, and its time. */
  private register(kind: FileKind, fields: Envelope): void {
    const state = this.current;
    if (kind.kind === 'compaction') {
      state.compactions.add(kind.agentId);
      return;
    }
    const agentId = this.agentOf(kind, fields.isSidechain, fields.agentId);
    if (agentId !== null) {
      state.subagents.add(agentId);
      const parent = fields.sessionId ?? (kind.kind === 'subagent' ? kind.parentDir : null) ?? null;
      state.transcript(agentId).seen(parseTimestamp(fields.timestamp), parent);
    } else if (fields.sessionId !== undefined) state.sessions.add(fields.sessionId);
  }

  /** Counts a line that cannot contribute from its skim; false when only a parse can read it. */
  private countLight(line: Buffer, fast: Skim, kind: FileKind): boolean {
    const state = this.current;
    const results = fast.type === 'user' && kind.kind !== 'compaction' && (fast.seen & TOOL_RESULT) !== 0;
    const ids = results ? valuesAfter(line, TOOL_USE_ID) : [];
    // An id with an escape in it, or written otherwise than Claude Code writes it: the parse reads it.
    if (ids === null || (results && ids.length === 0)) return false;
    this.register(kind, fast);
    if (fast.type === 'assistant') {
      state.messages += 1;
      for (const id of valuesAfter(line, TOOL_USE_BLOCK) ?? []) this.ordinary.add(id);
    } else if (fast.type === 'user') {
      if (ids.every((id) => this.ordinary.has(id))) state.messages += 1;
      else {
        const at = parseTimestamp(fast.timestamp);
        state.results.push(
          ids.map(
            (toolUseId): ResultBlock => ({ toolUseId, at, isError: false, errorMessage: null, result: null }),
          ),
        );
      }
    } else if (fast.type !== undefined && OTHER_LINE_TYPES.has(fast.type)) state.other += 1;
    else state.unknownType += 1;
    return true;
  }

  private parseLine(text: string, location: LineLocation, kind: FileKind): void {
    const state = this.current;
    const parsed = parseJsonObject(text);
    if ('problem' in parsed) {
      this.skip(location, parsed.problem);
      return;
    }
    const record = parsed.value;
    const envelope = LineEnvelope.parse(record);
    this.register(kind, envelope);
    if (kind.kind === 'compaction') {
      if (envelope.type === 'assistant' || envelope.type === 'user') state.messages += 1;
      else if (envelope.type !== undefined && OTHER_LINE_TYPES.has(envelope.type)) state.other += 1;
      else state.unknownType += 1;
      return;
    }
    if (envelope.type === 'assistant') {
      const { calls, invalid } = agentCalls(record, envelope);
      if (invalid > 0 && calls.length === 0) {
        this.skip(location, 'Task/Agent tool_use without an id');
        return;
      }
      state.calls.push(...calls);
      const agentId = this.agentOf(kind, envelope.isSidechain, envelope.agentId);
      const message = assistantUsage(record);
      if (agentId !== null && message?.usage !== undefined && envelope.isApiErrorMessage !== true) {
        state.transcript(agentId).add(message.id, envelope.requestId, usageTuple(message.usage));
      }
      if (calls.length > 0) state.toolCalls += 1;
      else state.messages += 1;
      return;
    }
    if (envelope.type === 'user') {
      this.parseUser(record, envelope, kind);
      return;
    }
    if (envelope.type !== undefined && OTHER_LINE_TYPES.has(envelope.type)) state.other += 1;
    else state.unknownType += 1;
  }

  private parseUser(record: Record<string, unknown>, envelope: LineEnvelope, kind: FileKind): void {
    const state = this.current;
    const blocks = kind.kind === 'compaction' ? [] : resultBlocks(record, envelope);
    if (blocks.length === 0) state.messages += 1;
    else state.results.push(blocks);
  }
}

/** A saved input state as an earlier run wrote it, or a `corrupt_store` error naming what is wrong. */
export function restoreInput(saved: unknown): SavedInputState {
  const parsed = SavedInputState.safeParse(saved);
  if (parsed.success) return parsed.data;
  throw corruptIncrementalState('claude-code', describeIssue(parsed.error));
}

/** The line handling alone: what a helper thread runs (parallel-sources.ts) to read a whole file. */
export function openTranscriptParser(diagnostics: SourceDiagnostics): LineParser {
  const reader = new TranscriptReader(diagnostics);
  return {
    acceptLine: (text, location) => reader.acceptLine(text, location),
    acceptBytes: (bytes, start, end, location) => reader.acceptBytes(bytes, start, end, location),
    rejectLine: (location, reason) => reader.rejectLine(location, reason),
    beginInput: (saved) => reader.beginInput(saved),
    reserveBytes: () => {},
    handOffSegment: () => ({ payload: reader.endInput(), transfer: [] }),
  };
}
