import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../common/canonical-json.js';
import { describeIssue } from '../../common/zod-issue.js';
import { fastPathEnabled, lineText } from '../../fast-path/fallback.js';
import type { DispatchDataset } from '../../records/records.js';
import { parseJsonObject } from '../json-line.js';
import { type SecondsSnapshot, SecondsTimestamps } from '../timestamp-units.js';
import {
  type LineLocation,
  type LineParser,
  NO_INPUT,
  type SourceDiagnostics,
  type SourceSession,
} from '../types.js';
import { createFastLines, type FastLines } from './fast-lines.js';
import { type History, historyOf, loadHistory, renumberHistory, storeHistory } from './history.js';
import { RECORD_SCHEMAS } from './schema.js';
import { concatSegments, type Segment, SegmentBuilder, type SegmentMark, segmentBuffers } from './segment.js';
import { loadSegment, storeSegment } from './segment-state.js';

/**
 * The line-handling half of the dispatch-outcomes source: lines in, validated records in columns
 * out, per input. It imports no analyzer, so a helper thread loads only this.
 */
export const DISPATCH_OUTCOMES = 'dispatch-outcomes';

/**
 * A short description of an unexpected `kind`. Only strings are quoted: stringifying a value
 * from the log could recurse through thousands of nested arrays and overflow the stack.
 */
function describeKind(kind: unknown): string {
  if (typeof kind === 'string') return JSON.stringify(kind.slice(0, 40));
  if (Array.isArray(kind)) return '(an array)';
  if (typeof kind === 'number' || typeof kind === 'boolean' || kind === null) return String(kind);
  return '(an object)';
}

/** One input's rows in the session's builder: what was restored, then what this run read. */
interface InputPart {
  readonly start: SegmentMark;
  readonly freshStart: SegmentMark;
  end: SegmentMark | null;
  readonly restored: boolean;
  /** With a history: the input's index among those kept (endInput), NO_INPUT for one not kept. */
  kept: number;
}

/** The history restored at the start of a run (restoreHistory), and where its rows end. */
interface Restored {
  readonly base: History | null;
  readonly mark: SegmentMark;
  readonly inputs: number;
  kept: number;
  /** Rows of inputs gone were left out: their strings may linger in the dictionaries. */
  readonly dropped: boolean;
}

/** What a helper thread hands back: its segment (the buffers move) and its seconds-like timestamps. */
interface HandOff {
  readonly segment: Segment;
  readonly seconds: SecondsSnapshot;
}

/** A session's line handling and per-input state, without the join (export joins its own way). */
export interface SegmentCollector
  extends Required<Omit<SourceSession<DispatchDataset>, 'finish'>>,
    Pick<LineParser, 'handOffSegment'> {
  /** Everything read or restored so far, as one segment. */
  segment(): Segment;
  /** Only what this run read, when some input continued a restored state; null otherwise. */
  freshSegment(): Segment | null;
  /** The one notice about timestamps that look like epoch seconds, if any were read. */
  secondsNotice(): string | null;
  /** Lets go of everything read (after the last segment() or freshSegment() call). */
  release(): void;
  /** Whether the saved history holds the builder's columns as they are (a join must not consume them). */
  columnsKept(): boolean;
}

export function collectSegments(
  diagnostics: SourceDiagnostics,
  options: { keepKeys?: boolean; fastPath?: boolean } = {},
): SegmentCollector {
  let builder = new SegmentBuilder(options);
  const fast = (options.fastPath ?? fastPathEnabled()) ? sharedFastLines() : null;
  const parts: InputPart[] = [];
  const secondsTimestamps = new SecondsTimestamps();
  const currentPart = (): InputPart | undefined => parts[parts.length - 1];
  let restored: Restored | null = null;
  // The saved history holds the builder's own columns: the join must not rewrite them.
  let columnsKept = false;

  const reservation = new Reservation(builder);

  const skip = (location: Parameters<SourceDiagnostics['skipped']>[0], reason: string): void => {
    builder.skipped += 1;
    diagnostics.skipped(location, reason);
  };

  /** The slow path: JSON.parse and the zod schemas decide, and give the skip reasons. */
  const handleText = (text: string, location: LineLocation) => {
    if (text.trim() === '') {
      builder.blank += 1;
      return;
    }
    const line = parseJsonObject(text);
    if ('problem' in line) return skip(location, line.problem);
    const parsed = line.value;
    const kind = parsed.kind;
    if (kind !== 'dispatch' && kind !== 'finalize') {
      skip(location, kind === undefined ? 'no "kind" field' : `unknown kind ${describeKind(kind)}`);
      return;
    }
    if (kind === 'dispatch') {
      const result = RECORD_SCHEMAS.dispatch.safeParse(parsed);
      if (!result.success) return skip(location, `dispatch ${describeIssue(result.error)}`);
      secondsTimestamps.check('ts_dispatched', result.data.ts_dispatched, location);
      builder.addDispatch(result.data);
      return;
    }
    const result = RECORD_SCHEMAS.finalize.safeParse(parsed);
    if (!result.success) return skip(location, `finalize ${describeIssue(result.error)}`);
    const suggestion = result.data.suggested_registry_edit;
    if (suggestion != null && jsonDepthExceeds(suggestion)) {
      return skip(
        location,
        `finalize suggested_registry_edit is nested deeper than ${MAX_JSON_DEPTH} levels`,
      );
    }
    secondsTimestamps.check('ts_completed', result.data.ts_completed, location);
    builder.addFinalize(result.data);
  };

  return {
    acceptLine(text, location) {
      reservation.sample(text.length + 1);
      builder.lines += 1;
      handleText(text, location);
    },

    acceptBytes(bytes, start, end, location) {
      reservation.sample(end - start + 1);
      builder.lines += 1;
      if (fast?.accept(builder, secondsTimestamps, bytes, start, end, location)) return;
      handleText(lineText(bytes, start, end), location);
    },

    rejectLine(location, reason) {
      builder.lines += 1;
      skip(location, reason);
    },

    beginInput(saved) {
      const part = currentPart();
      if (part !== undefined && part.end === null) part.end = builder.mark();
      const start = builder.mark();
      if (saved !== undefined) builder.append(loadSegment(saved, DISPATCH_OUTCOMES), true);
      parts.push({
        start,
        freshStart: builder.mark(),
        end: null,
        restored: saved !== undefined,
        kept: NO_INPUT,
      });
    },

    endInput() {
      const part = currentPart();
      if (restored !== null) {
        // The input's rows stay in the one history; saveHistory() writes which rows are its.
        if (part === undefined || restored.kept >= restored.inputs)
          throw new Error('endInput of no kept input');
        part.end ??= builder.mark();
        part.kept = restored.kept;
        restored.kept += 1;
        return null;
      }
      // Lines read before any beginInput belong to no earlier input: all of them.
      if (part === undefined) return storeSegment(builder.build());
      part.end ??= builder.mark();
      return storeSegment(builder.build(part.start, part.end));
    },

    reserveBytes(bytes) {
      reservation.start(bytes);
    },

    handOffSegment() {
      builder.compact();
      const segment = builder.build();
      const handOff: HandOff = { segment, seconds: secondsTimestamps.snapshot() };
      return { payload: handOff, transfer: segmentBuffers(segment) };
    },

    adoptSegment(payload, lineOffset) {
      // Only ever what this same code handed off in a worker thread, so it is not re-validated.
      const handOff = payload as HandOff;
      builder.append(handOff.segment, true);
      secondsTimestamps.absorb(handOff.seconds, lineOffset);
    },

    segment() {
      builder.compact();
      return builder.build();
    },

    restoreHistory(saved, inputOf, inputs) {
      if (builder.lines !== 0 || parts.length !== 0) throw new Error('restoreHistory after lines were read');
      const loaded = saved === undefined ? null : loadHistory(saved, inputOf.length, DISPATCH_OUTCOMES);
      const base = loaded === null ? null : renumberHistory(loaded, inputOf, inputs);
      if (base !== null) builder.append(base.segment, true);
      const dropped =
        loaded !== null &&
        base !== null &&
        (base.dispatchInput.length !== loaded.dispatchInput.length ||
          base.finalizeInput.length !== loaded.finalizeInput.length);
      restored = { base, mark: builder.mark(), inputs, kept: 0, dropped };
    },

    saveHistory() {
      if (restored === null) throw new Error('saveHistory without restoreHistory');
      const { history, dropped } = historyOf(restored.base, restored.inputs, parts, builder);
      // Written as they are when every string is still used: the columns are then the builder's.
      const asIs = !dropped && !restored.dropped;
      if (asIs) columnsKept = true;
      return storeHistory(history, asIs);
    },

    columnsKept: () => columnsKept,

    freshSegment() {
      if (restored !== null) {
        if (restored.base === null) return null;
        builder.compact();
        return builder.build(restored.mark, builder.mark());
      }
      if (!parts.some((part) => part.restored)) return null;
      builder.compact();
      const end = builder.mark();
      return concatSegments(parts.map((part) => builder.build(part.freshStart, part.end ?? end)));
    },

    secondsNotice: () => secondsTimestamps.notice(),

    release() {
      builder = new SegmentBuilder(options);
      reservation.builder = builder;
    },
  };
}

let fastLines: FastLines | null | undefined;

/** One fast path per thread: its scanner is scratch space, and lines are handled one at a time. */
function sharedFastLines(): FastLines | null {
  if (fastLines === undefined) fastLines = createFastLines();
  return fastLines;
}

/** Lines sampled before the storage for an input is sized from their average length and mix. */
const SAMPLE_LINES = 2048;
/** Room beyond the estimate, so a sample of shorter lines than the rest rarely spills. */
const MARGIN = 1.05;

/**
 * Sizes a builder's columns for an input of known byte size once its first lines show how long a
 * line is and how many are dispatches and finalizes: a 256 MB log's columns are then allocated
 * once instead of grown chunk by chunk and copied together at the end.
 */
class Reservation {
  private bytes = 0;
  private chars = 0;
  private lines = 0;
  private startDispatches = 0;
  private startFinalizes = 0;

  constructor(public builder: SegmentBuilder) {}

  start(bytes: number): void {
    this.bytes = bytes;
    this.chars = 0;
    this.lines = 0;
    this.startDispatches = this.builder.dispatchCount;
    this.startFinalizes = this.builder.finalizeCount;
  }

  /** `size` is the line's length with its terminator: bytes, or characters for a decoded line. */
  sample(size: number): void {
    if (this.bytes === 0) return;
    // Characters stand in for bytes: exact for ASCII, an overestimate of lines otherwise.
    this.chars += size;
    this.lines += 1;
    if (this.lines < SAMPLE_LINES) return;
    const expectedLines = (this.bytes / this.chars) * this.lines * MARGIN;
    const dispatches = this.builder.dispatchCount - this.startDispatches;
    const finalizes = this.builder.finalizeCount - this.startFinalizes;
    this.builder.reserve(
      Math.ceil((expectedLines * dispatches) / this.lines) - dispatches,
      Math.ceil((expectedLines * finalizes) / this.lines) - finalizes,
    );
    this.bytes = 0;
  }
}
