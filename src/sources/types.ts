import type { Analyzer, AnalyzerContext } from '../analyzers/types.js';
import type { Counts, FindingDraft } from '../findings/schema.js';
import { FLAT_LOG_LAYOUT, type InputFile, type LogFileLayout } from '../input/inputs.js';
import { parseJsonObject } from './json-line.js';

/** Where a line came from, for warnings a user can act on. */
export interface LineLocation {
  /** The input's name as shown to users (the path as given, joined with the file's relative path). */
  readonly input: string;
  readonly line: number;
}

export interface SourceDiagnostics {
  /**
   * A line that was counted as skipped, with a short reason ("not valid JSON", …). `text` is the
   * line itself where the reader still holds it (lines read on this thread), so a caller can tell
   * which source the skipped lines were meant for.
   */
  skipped(location: LineLocation, reason: string, text?: string): void;
  /**
   * One line about the input as a whole (e.g. timestamps that look like seconds), shown once per
   * run. Optional so a caller that only counts skips need not implement it.
   */
  notice?(message: string): void;
}

/** In a history's `inputOf` and row inputs: no kept input (gone, read again, or stdin). */
export const NO_INPUT = 0xffffffff;

/** Reads the lines of one run; knows nothing about files, only text lines and their location. */
export interface SourceSession<D> {
  acceptLine(text: string, location: LineLocation): void;
  /**
   * The same as acceptLine(bytes.toString('utf8', start, end), location), for a source that reads
   * lines from their bytes (its fast path, src/fast-path). The bytes are valid UTF-8 without NUL,
   * without the line terminator and a leading BOM, and are only valid during the call.
   */
  acceptBytes?(bytes: Buffer, start: number, end: number, location: LineLocation): void;
  /** A line rejected before decoding (too long, invalid UTF-8): counted as skipped. */
  rejectLine(location: LineLocation, reason: string): void;
  /**
   * Incremental runs: lines from now on belong to a new input, continuing `saved` (what endInput
   * returned in an earlier run) when it is given. A source without these cannot run incrementally.
   */
  beginInput?(saved: unknown): void;
  /** The current input's compact state so far (saved + read since beginInput), JSON-serialisable. */
  endInput?(): unknown;
  /**
   * A source that keeps one history for all its inputs (SourceAdapter.keepsHistory): called once,
   * before any line, with what saveHistory() returned in an earlier run (undefined for none).
   * `inputOf` maps each input of that run (its place among the kept inputs) to its place in this
   * run, or to NO_INPUT for an input gone or read again from its start, whose records are
   * dropped; `inputs` is how many inputs this run keeps. Each kept input then ends with endInput()
   * in that order, and endInput() returns null: its records stay in the history.
   */
  restoreHistory?(saved: unknown, inputOf: Uint32Array, inputs: number): void;
  /** The history to keep: every kept input's records and counts (before finish()). */
  saveHistory?(): unknown;
  /**
   * About this many bytes of lines follow for the current input (including any other threads
   * parse and hand over): lets the session size its storage once instead of growing it.
   */
  reserveBytes?(bytes: number): void;
  /**
   * Adds what a helper thread read of a byte range of the current input (the LineParser's
   * handOffSegment(), parallel-sources.ts), as if this session had read those lines itself.
   * `lineOffset` is the number of lines of the input before that range. Present when the source
   * can parse on several threads.
   */
  adoptSegment?(payload: unknown, lineOffset: number): void;
  finish(): SourceResult<D>;
}

export interface SourceResult<D> {
  /** The contract's envelope; a source may add keys of its own. */
  readonly counts: Counts;
  /** The same counts over only the lines this run read (differs from counts in incremental runs). */
  readonly countsThisRun?: Counts;
  readonly dataset: D;
}

export interface SourceEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
}

/**
 * A telemetry source, typed by the dataset it builds (`D`) and the analyzers that read it. Adding
 * one is adding a folder under src/sources/ exporting `defineSource({...})`, and a line in the
 * registry.
 */
export interface SourceAdapter<D> {
  readonly name: string;
  readonly description: string;
  /** Environment variable holding the default path, e.g. AFTERBURN_DISPATCH_OUTCOMES_PATH. */
  readonly pathEnvVar: string;
  /** Paths read when neither --path nor the variable is given; [] means a path is required. */
  defaultPaths(environment: SourceEnvironment): string[];
  /** Which files of a directory (given or default) belong to this source; default: flat rotated *.jsonl. */
  readonly logFiles?: LogFileLayout;
  /**
   * For a source whose logs are a directory layout rather than a set of log files: turns the paths
   * (as given) into the files to read, in reading order, replacing the generic --path expansion.
   * The run report then lists the paths as given, not every file read.
   */
  readonly expandInputs?: ExpandInputs;
  readonly analyzers: readonly Analyzer<D>[];
  /** True when its sessions implement beginInput/endInput, so --incremental can keep its state. */
  readonly incremental?: boolean;
  /**
   * True when its sessions also implement restoreHistory/saveHistory: the state then keeps one
   * history for all inputs, not one state per input, so its cost follows the records, not the
   * number of files. checkSaved then checks that history.
   */
  readonly keepsHistory?: boolean;
  /**
   * True when a helper thread can read a whole input and hand over its state (adoptSegment):
   * a run over many files then spreads them over the cores (core/file-pool.ts).
   */
  readonly wholeFileParallel?: boolean;
  /**
   * Throws the error restoring `saved` (an endInput() result of an earlier run) would throw, but
   * only checks it: nothing is added to a session and `saved` is not changed. Lets a run that
   * reuses the last analysis still refuse a damaged state.
   */
  readonly checkSaved?: (saved: unknown, inputs?: number) => void;
  /**
   * What the gate counts as analysed (`discover --fail-on`): joined tasks for a source that joins,
   * records for the rest. Default: every line that was neither blank nor skipped, as "records".
   */
  readonly analysed?: (counts: Counts) => number;
  /** The noun of `analysed`, plural ("joined tasks"); default "records". */
  readonly analysedNoun?: string;
  /**
   * Whether a parsed JSON line has this source's shape, for the wrong-source hint. Default: the
   * line is not skipped by a fresh session. A source whose sessions accept any object (or judge a
   * line by its file's place) gives its own test.
   */
  readonly recognises?: (record: Record<string, unknown>) => boolean;
  open(diagnostics: SourceDiagnostics): SourceSession<D>;
}

export type ExpandInputs = (paths: readonly string[], cwd: string) => Promise<InputFile[]>;

/** A source with its dataset type sealed in: lines go in, counts and findings come out. */
export interface Source {
  readonly name: string;
  readonly description: string;
  readonly pathEnvVar: string;
  defaultPaths(environment: SourceEnvironment): string[];
  readonly logFiles: LogFileLayout;
  readonly expandInputs?: ExpandInputs;
  readonly analyzers: readonly Analyzer<never>['meta'][];
  /** Whether the source can keep compact state per input for --incremental. */
  readonly incremental: boolean;
  /** See SourceAdapter.wholeFileParallel. */
  readonly wholeFileParallel: boolean;
  /** See SourceAdapter.keepsHistory. */
  readonly keepsHistory: boolean;
  /** See SourceAdapter.checkSaved: `inputs` is the number of cursors the state keeps. */
  readonly checkSaved?: (saved: unknown, inputs?: number) => void;
  /** See SourceAdapter.analysed: what a gated run must have analysed more than none of. */
  analysed(counts: Counts): { readonly count: number; readonly noun: string };
  /** How many of `lines` (sampled skipped lines of another source) have this source's shape. */
  recognisedCount(lines: readonly string[]): number;
  open(diagnostics: SourceDiagnostics): SealedSession;
}

export interface SealedSession {
  acceptLine(text: string, location: LineLocation): void;
  /** Present when the source reads lines from their bytes (see SourceSession). */
  readonly acceptBytes?: (bytes: Buffer, start: number, end: number, location: LineLocation) => void;
  rejectLine(location: LineLocation, reason: string): void;
  beginInput(saved: unknown): void;
  endInput(): unknown;
  /** Present when the source keeps one history (see SourceSession). */
  readonly restoreHistory?: (saved: unknown, inputOf: Uint32Array, inputs: number) => void;
  readonly saveHistory?: () => unknown;
  reserveBytes(bytes: number): void;
  /** Present when the source can parse on several threads (see SourceSession). */
  readonly adoptSegment?: (payload: unknown, lineOffset: number) => void;
  /** Ends the input and runs the source's analyzers over what was read. */
  finish(context: AnalyzerContext): { counts: Counts; countsThisRun: Counts; findings: FindingDraft[] };
}

export function defineSource<D>(adapter: SourceAdapter<D>): Source {
  return {
    name: adapter.name,
    description: adapter.description,
    pathEnvVar: adapter.pathEnvVar,
    defaultPaths: (environment) => adapter.defaultPaths(environment),
    logFiles: adapter.logFiles ?? FLAT_LOG_LAYOUT,
    ...(adapter.expandInputs ? { expandInputs: adapter.expandInputs } : {}),
    analyzers: adapter.analyzers.map((analyzer) => analyzer.meta),
    incremental: adapter.incremental === true,
    wholeFileParallel: adapter.wholeFileParallel === true,
    keepsHistory: adapter.keepsHistory === true,
    ...(adapter.checkSaved ? { checkSaved: adapter.checkSaved } : {}),
    analysed: (counts) => ({
      count: adapter.analysed?.(counts) ?? Math.max(0, counts.lines - counts.blank - counts.skipped),
      noun: adapter.analysedNoun ?? 'records',
    }),
    recognisedCount: (lines) => recognisedCount(adapter, lines),
    open(diagnostics) {
      const session = adapter.open(diagnostics);
      const { adoptSegment, acceptBytes, restoreHistory, saveHistory } = session;
      return {
        acceptLine: (text, location) => session.acceptLine(text, location),
        ...(acceptBytes
          ? {
              acceptBytes: (bytes: Buffer, start: number, end: number, location: LineLocation) =>
                acceptBytes.call(session, bytes, start, end, location),
            }
          : {}),
        rejectLine: (location, reason) => session.rejectLine(location, reason),
        // A source without incremental support reads every input as one stream.
        beginInput: (saved) => session.beginInput?.(saved),
        endInput: () => session.endInput?.(),
        reserveBytes: (bytes) => session.reserveBytes?.(bytes),
        ...(restoreHistory && saveHistory
          ? {
              restoreHistory: (saved: unknown, inputOf: Uint32Array, inputs: number) =>
                restoreHistory.call(session, saved, inputOf, inputs),
              saveHistory: () => saveHistory.call(session),
            }
          : {}),
        ...(adoptSegment
          ? {
              adoptSegment: (payload: unknown, lineOffset: number) =>
                adoptSegment.call(session, payload, lineOffset),
            }
          : {}),
        finish(context) {
          const { counts, countsThisRun, dataset } = session.finish();
          return {
            counts,
            countsThisRun: countsThisRun ?? counts,
            findings: adapter.analyzers.flatMap((analyzer) => analyzer.analyze(dataset, context)),
          };
        },
      };
    },
  };
}

export function pathEnvVarFor(sourceName: string): string {
  return `AFTERBURN_${sourceName.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_PATH`;
}

/** What a helper thread needs of a source: its line handling and the hand-off of what it read. */
export type LineParser = Pick<
  Required<SourceSession<unknown>>,
  'acceptLine' | 'acceptBytes' | 'rejectLine' | 'beginInput' | 'reserveBytes'
> & {
  /**
   * What this session read, to post to the main thread (whose session's adoptSegment takes it),
   * with the buffers to move rather than copy.
   */
  handOffSegment(): { payload: unknown; transfer: ArrayBuffer[] };
};

/** `keepKeys`: also keep the join keys as written (export prints them). */
export type OpenLineParser = (diagnostics: SourceDiagnostics, options?: { keepKeys?: boolean }) => LineParser;

/** See Source.recognisedCount. Lines are handed in one by one, so a sample stays cheap. */
function recognisedCount<D>(adapter: SourceAdapter<D>, lines: readonly string[]): number {
  const recognises = adapter.recognises;
  if (recognises !== undefined) {
    return lines.filter((line) => {
      const parsed = parseJsonObject(line);
      return 'value' in parsed && recognises(parsed.value);
    }).length;
  }
  let skipped = 0;
  const session = adapter.open({ skipped: () => (skipped += 1) });
  let content = 0;
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    content += 1;
    session.acceptLine(line, { input: 'sample.jsonl', line: index + 1 });
  });
  return content - skipped;
}
