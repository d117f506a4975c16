import type { Readable } from 'node:stream';
import { EFFICIENCY_TREND } from '../analyzers/efficiency-trend.js';
import type { AnalysisOptions } from '../analyzers/types.js';
import {
  type Counts,
  type Finding,
  type FindingDraft,
  type RunReport,
  SCHEMA_VERSION,
  type Verdict,
} from '../findings/schema.js';
import type { FindingStore } from '../findings/store.js';
import type { InputFile } from '../input/inputs.js';
import type { ReadResult } from '../input/read-lines.js';
import { FilePool, wholeFileJobs } from '../parallel/file-pool.js';
import type { ParseOutcome } from '../parallel/helper-protocol.js';
import {
  DEFAULT_PARALLEL_MIN_BYTES,
  helpersFor,
  readParallel,
  replaySkips,
} from '../parallel/parallel-read.js';
import type { LineLocation, SealedSession, Source, SourceDiagnostics } from '../sources/types.js';
import { historyPlan, keptInput } from './history-plan.js';
import {
  analysisKey,
  CursorBook,
  damagedStateWarning,
  INCREMENTAL_STATE_VERSION,
  type IncrementalReporter,
  type IncrementalState,
  type InputPlan,
  identify,
  isDamagedState,
  readIncrementalState,
  type SavedAnalysis,
  type SavedInput,
  storedState,
} from './incremental.js';

export interface DiscoverRequest {
  readonly source: Source;
  readonly inputs: readonly InputFile[];
  /** What the report and verification commands name as inputs, when not the files read (a data directory). */
  readonly inputNames?: readonly string[];
  /**
   * The paths as given (directories not expanded), for verification commands: a transcript tree
   * of a thousand files is re-checked with one `--path`, not a thousand. Defaults to the inputs.
   */
  readonly givenPaths?: readonly string[];
  readonly analysis: AnalysisOptions;
  readonly maxLineBytes: number;
  readonly diagnostics: SourceDiagnostics;
  readonly stdin?: Readable;
  readonly onBytes?: (input: InputFile, bytesRead: number) => void;
  /** A named pipe has no writer yet, a second after it was opened (readLines' onWaiting). */
  readonly onWaiting?: (input: InputFile) => void;
  /** Plain files with at least this many bytes to read are parsed on several threads. */
  readonly parallelMinBytes?: number;
  /** How many threads parse such a file (this one included); default: defaultThreads(). */
  readonly threads?: number;
  /** --incremental: read only what was appended since the state the store keeps. */
  readonly incremental?: IncrementalReporter;
  /**
   * The build of the program (dist/build-id): an incremental run with nothing new reuses an
   * analysis only of the same build. Absent (run from the sources), it never does.
   */
  readonly build?: string;
}

export interface Analysis {
  readonly counts: Counts;
  readonly countsThisRun: Counts;
  readonly drafts: FindingDraft[];
  /** The state to keep for the next incremental run (undefined without --incremental). */
  readonly state?: IncrementalState;
  /** The state is the one the store holds already: it need not be written again. */
  readonly stateUnchanged?: boolean;
}

/**
 * Streams every input through the source, then runs the analyzers over the common records. With
 * `previous` (an incremental run), each file continues from its saved cursor and its saved state.
 */
export async function analyze(
  request: DiscoverRequest,
  previous: IncrementalState | null = null,
): Promise<Analysis> {
  const incremental = request.incremental !== undefined;
  const cursors = new CursorBook(previous);
  const plans: (InputPlan | null)[] = [];
  for (const input of request.inputs) plans.push(incremental ? await cursors.plan(input) : null);
  const context = {
    source: request.source.name,
    inputs: request.givenPaths ?? inputNamesOf(request),
    options: request.analysis,
  };
  const key = incremental && request.build !== undefined ? analysisKey(request.build, context) : null;
  const reused = key === null ? null : reuseAnalysis(request, previous, plans, cursors.allMatched(), key);
  if (reused !== null) return reused;
  const history =
    incremental && request.source.keepsHistory ? historyPlan(request.inputs, previous, plans) : null;
  // The notices the analysis prints, kept with it for a later run that reuses it.
  const notices: string[] = [];
  let analysing = false;
  // The line being parsed on this thread, so a skip can hand it on (the wrong-source hint). A line
  // that arrives as bytes is kept as its buffer and range, decoded only if it is skipped: nothing is
  // allocated per line.
  let lineText: string | undefined;
  let lineBytes: Buffer | undefined;
  let lineStart = 0;
  let lineEnd = 0;
  const currentLine = (): string | undefined => lineText ?? lineBytes?.toString('utf8', lineStart, lineEnd);
  const opened = request.source.open({
    skipped: (location, reason) => request.diagnostics.skipped(location, reason, currentLine()),
    notice: (message) => {
      if (analysing) notices.push(message);
      request.diagnostics.notice?.(message);
    },
  });
  const session: SealedSession = {
    ...opened,
    acceptLine: (text, location) => {
      lineText = text;
      opened.acceptLine(text, location);
      lineText = undefined;
    },
    ...(opened.acceptBytes
      ? {
          acceptBytes: (bytes: Buffer, start: number, end: number, location: LineLocation) => {
            lineBytes = bytes;
            lineStart = start;
            lineEnd = end;
            opened.acceptBytes?.(bytes, start, end, location);
            lineBytes = undefined;
          },
        }
      : {}),
  };
  const parallelMinBytes = request.parallelMinBytes ?? DEFAULT_PARALLEL_MIN_BYTES;
  // Started before any reading, so their modules are loaded by the time the first split is made.
  const startOf = (index: number): number | null =>
    plans[index]?.action === 'reuse' ? null : (plans[index]?.saved?.offset ?? 0);
  const wholeFiles = request.source.wholeFileParallel && session.adoptSegment !== undefined;
  const { helpers, lastLarge } = await helpersFor(request.source.name, request.inputs, {
    parallelMinBytes,
    ...(request.threads === undefined ? {} : { threads: request.threads }),
    startOf,
    wholeFiles,
  });
  const kept: SavedInput[] = [];
  // With one history, an input's records stay in it: endInput() only says the input is kept.
  const endInput = (): Pick<SavedInput, 'segment'> => {
    const segment = session.endInput();
    return history === null ? { segment } : {};
  };
  if (history !== null) {
    (session.restoreHistory as NonNullable<SealedSession['restoreHistory']>)(
      history.saved,
      history.inputOf,
      history.inputs,
    );
  }
  try {
    const pool =
      wholeFiles && helpers.length > 0
        ? await FilePool.start(
            request.source.name,
            await wholeFileJobs(request.inputs, {
              maxLineBytes: request.maxLineBytes,
              // A plain file may be mid-write: an incremental run leaves its unfinished last line.
              emitPartial: !incremental,
              startOf,
            }),
            helpers,
          )
        : null;
    for (const [index, input] of request.inputs.entries()) {
      const plan = plans[index] ?? null;
      if (plan?.action === 'reuse') {
        session.beginInput(history === null ? plan.saved.segment : undefined);
        const { segment: _segment, ...cursor } = plan.saved;
        kept.push({ ...cursor, name: input.name, ...endInput() });
        continue;
      }
      if (plan?.notice) request.incremental?.notice(plan.notice);
      const saved = plan?.saved ?? null;
      session.beginInput(history === null ? saved?.segment : undefined);
      const read = pool?.has(index)
        ? await adoptWholeFile(session, input, await pool.take(index), saved?.lineNo ?? 0, request)
        : await readParallel(session, input, {
            maxLineBytes: request.maxLineBytes,
            parallelMinBytes,
            helpers,
            lastHelperUse: index === lastLarge,
            diagnostics: request.diagnostics,
            ...(request.stdin ? { stdin: request.stdin } : {}),
            ...(request.onBytes ? { onBytes: (bytes: number) => request.onBytes?.(input, bytes) } : {}),
            ...(request.onWaiting ? { onWaiting: () => request.onWaiting?.(input) } : {}),
            ...(saved ? { start: saved.offset, firstLineNo: saved.lineNo + 1 } : {}),
            // A plain file may be mid-write; a compressed one is complete once it exists.
            emitPartial: !incremental || input.kind !== 'file' || input.pipe === true,
          });
      // A pipe, like stdin, is read in full every time: there is no file to keep a cursor in.
      if (incremental && keptInput(input)) {
        const ended = endInput();
        const offset = input.kind === 'file' ? read.consumedOffset : 0;
        const seenSize = input.kind === 'file' ? (saved?.offset ?? 0) + read.bytesRead : undefined;
        kept.push({
          name: input.name,
          kind: input.kind,
          identity: await identify(input.path, offset, seenSize),
          offset,
          lineNo: read.lines,
          ...ended,
        });
      }
    }
  } finally {
    await Promise.all(helpers.map((helper) => helper.close()));
  }
  // Kept before the join, which may reuse the columns it reads.
  const savedHistory = history === null ? undefined : session.saveHistory?.();
  analysing = true;
  const { counts, countsThisRun, findings } = session.finish(context);
  return {
    counts,
    countsThisRun,
    drafts: findings,
    ...(incremental
      ? {
          state: {
            ...stateOf(request, kept),
            ...(savedHistory === undefined ? {} : { history: savedHistory }),
            ...(key === null ? {} : { analysis: { key, counts, drafts: findings, notices } }),
          },
        }
      : {}),
  };
}

/** Takes what the pool read of one file into the session, as if this thread had read it. */
function adoptWholeFile(
  session: SealedSession,
  input: InputFile,
  range: ParseOutcome,
  linesBefore: number,
  request: DiscoverRequest,
): ReadResult {
  (session.adoptSegment as NonNullable<SealedSession['adoptSegment']>)(range.payload, linesBefore);
  replaySkips(request.diagnostics, input.name, linesBefore, range);
  request.onBytes?.(input, range.bytesRead);
  return {
    lines: linesBefore + range.lines,
    bytesRead: range.bytesRead,
    consumedOffset: range.consumedOffset,
  };
}

/**
 * The last run's analysis, when it stands: nothing was written to any input since (every plan
 * reuses its saved state), no input went away, and the same build analysed the same inputs with
 * the same options. The saved states are checked as a restore would check them, and stay as read.
 */
function reuseAnalysis(
  request: DiscoverRequest,
  previous: IncrementalState | null,
  plans: readonly (InputPlan | null)[],
  allMatched: boolean,
  key: string,
): Analysis | null {
  const saved = previous?.analysis as SavedAnalysis | undefined;
  const checkSaved = request.source.checkSaved;
  if (saved?.key !== key || !allMatched || checkSaved === undefined) return null;
  const kept: SavedInput[] = [];
  for (const [index, plan] of plans.entries()) {
    if (plan?.action !== 'reuse') return null;
    if (!request.source.keepsHistory) checkSaved(plan.saved.segment, 1);
    kept.push({ ...plan.saved, name: (request.inputs[index] as InputFile).name });
  }
  if (request.source.keepsHistory) checkSaved(previous?.history, kept.length);
  for (const notice of saved.notices) request.diagnostics.notice?.(notice);
  const renamed = kept.some((input, index) => input.name !== previous?.inputs[index]?.name);
  return {
    counts: saved.counts,
    countsThisRun: nothingRead(saved.counts),
    drafts: saved.drafts,
    state: {
      ...stateOf(request, kept),
      ...(previous?.history === undefined ? {} : { history: previous.history }),
      analysis: saved,
    },
    stateUnchanged: !renamed,
  };
}

function stateOf(request: DiscoverRequest, inputs: SavedInput[]): IncrementalState {
  return { schema_version: INCREMENTAL_STATE_VERSION, source: request.source.name, inputs };
}

/** The counts of a run that read no line: every count of `counts`, at zero. */
function nothingRead(counts: Counts): Counts {
  return Object.fromEntries(Object.keys(counts).map((name) => [name, 0])) as Counts;
}

function inputNamesOf(request: DiscoverRequest): readonly string[] {
  return request.inputNames ?? request.inputs.map((input) => input.name);
}

/** The run verdict is the verdict of the global efficiency trend (null when there is none). */
export function runVerdict(findings: readonly Pick<Finding, 'type' | 'scope' | 'verdict'>[]): Verdict | null {
  const global = findings.find((f) => f.type === EFFICIENCY_TREND && f.scope.arm === null);
  return global?.verdict ?? null;
}

export function buildRunReport(
  source: string,
  inputNames: readonly string[],
  counts: Counts,
  findings: Finding[],
  countsThisRun?: Counts,
): RunReport {
  return {
    schema_version: SCHEMA_VERSION,
    source,
    inputs: [...inputNames],
    counts,
    ...(countsThisRun ? { counts_this_run: countsThisRun } : {}),
    verdict: runVerdict(findings),
    findings,
  };
}

/** Analyse, store, and report: the whole of `afterburn discover` minus flag parsing and printing. */
export async function discover(
  request: DiscoverRequest,
  store: FindingStore,
  now: () => number,
): Promise<RunReport> {
  // A corrupt store fails the run before minutes of reading, not after.
  await store.list();
  const reporter = request.incremental;
  const previous = reporter ? await readIncrementalState(store, request.source, reporter) : null;
  let analysis: Analysis;
  try {
    analysis = await analyze(request, previous);
  } catch (error) {
    // A state that passed its checksum but not its restore checks: the logs are the truth.
    if (previous === null || reporter === undefined || !isDamagedState(error)) throw error;
    (reporter.warning ?? reporter.notice)(damagedStateWarning(request.source.name, store.dir, error));
    analysis = await analyze(request, null);
  }
  const { counts, countsThisRun, drafts, state, stateUnchanged } = analysis;
  const verdict = runVerdict(drafts);
  const summary = {
    schema_version: SCHEMA_VERSION,
    source: request.source.name,
    at: new Date(now()).toISOString(),
    inputs: inputNamesOf(request),
    counts,
    verdict,
    finding_ids: drafts.map((draft) => draft.id),
  };
  const stored = await store.upsert(drafts, {
    source: request.source.name,
    summary: state ? { ...summary, counts_this_run: countsThisRun } : summary,
    ...(state && !stateUnchanged ? { state: storedState(state) } : {}),
  });
  return buildRunReport(
    request.source.name,
    inputNamesOf(request),
    counts,
    stored,
    state ? countsThisRun : undefined,
  );
}
