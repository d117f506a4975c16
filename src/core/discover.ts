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
import type { Source, SourceDiagnostics } from '../sources/types.js';
import { AfterburnError } from './errors.js';
import { HelperThread } from './helper-thread.js';
import {
  CursorBook,
  INCREMENTAL_STATE_VERSION,
  IncrementalState,
  type InputPlan,
  identify,
  type SavedInput,
} from './incremental.js';
import { DEFAULT_PARALLEL_MIN_BYTES, defaultThreads, lastLargeFile, readParallel } from './parallel-read.js';

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
  /** Plain files with at least this many bytes to read are parsed on several threads. */
  readonly parallelMinBytes?: number;
  /** How many threads parse such a file (this one included); default: defaultThreads(). */
  readonly threads?: number;
  /** --incremental: read only what was appended since the state the store keeps. */
  readonly incremental?: { readonly notice: (message: string) => void };
}

export interface Analysis {
  readonly counts: Counts;
  readonly countsThisRun: Counts;
  readonly drafts: FindingDraft[];
  /** The state to keep for the next incremental run (undefined without --incremental). */
  readonly state?: IncrementalState;
}

/**
 * Streams every input through the source, then runs the analyzers over the common records. With
 * `previous` (an incremental run), each file continues from its saved cursor and its saved state.
 */
export async function analyze(
  request: DiscoverRequest,
  previous: IncrementalState | null = null,
): Promise<Analysis> {
  const session = request.source.open(request.diagnostics);
  const incremental = request.incremental !== undefined;
  const cursors = new CursorBook(previous);
  const plans: (InputPlan | null)[] = [];
  for (const input of request.inputs) plans.push(incremental ? await cursors.plan(input) : null);
  const parallelMinBytes = request.parallelMinBytes ?? DEFAULT_PARALLEL_MIN_BYTES;
  // Started before any reading, so their modules are loaded by the time the first split is made.
  const lastLarge = HelperThread.supports(request.source.name)
    ? await lastLargeFile(request.inputs, parallelMinBytes, (index) =>
        plans[index]?.action === 'reuse' ? null : (plans[index]?.saved?.offset ?? 0),
      )
    : -1;
  const helpers =
    lastLarge === -1
      ? []
      : HelperThread.start(request.source.name, (request.threads ?? defaultThreads()) - 1);
  const kept: SavedInput[] = [];
  try {
    for (const [index, input] of request.inputs.entries()) {
      const plan = plans[index] ?? null;
      if (plan?.action === 'reuse') {
        session.beginInput(plan.saved.segment);
        kept.push({ ...plan.saved, name: input.name, segment: session.endInput() });
        continue;
      }
      if (plan?.notice) request.incremental?.notice(plan.notice);
      const saved = plan?.saved ?? null;
      session.beginInput(saved?.segment);
      const read = await readParallel(session, input, {
        maxLineBytes: request.maxLineBytes,
        parallelMinBytes,
        helpers,
        lastHelperUse: index === lastLarge,
        diagnostics: request.diagnostics,
        ...(request.stdin ? { stdin: request.stdin } : {}),
        ...(request.onBytes ? { onBytes: (bytes: number) => request.onBytes?.(input, bytes) } : {}),
        ...(saved ? { start: saved.offset, firstLineNo: saved.lineNo + 1 } : {}),
        // A plain file may be mid-write; a compressed one is complete once it exists.
        emitPartial: !incremental || input.kind !== 'file',
      });
      if (incremental && input.path !== null && input.kind !== 'stdin') {
        const segment = session.endInput();
        const offset = input.kind === 'file' ? read.consumedOffset : 0;
        kept.push({
          name: input.name,
          kind: input.kind,
          identity: await identify(input.path, offset),
          offset,
          lineNo: read.lines,
          segment,
        });
      }
    }
  } finally {
    await Promise.all(helpers.map((helper) => helper.close()));
  }
  const context = {
    source: request.source.name,
    inputs: request.givenPaths ?? inputNamesOf(request),
    options: request.analysis,
  };
  const { counts, countsThisRun, findings } = session.finish(context);
  return {
    counts,
    countsThisRun,
    drafts: findings,
    ...(incremental
      ? { state: { schema_version: INCREMENTAL_STATE_VERSION, source: request.source.name, inputs: kept } }
      : {}),
  };
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
  const previous = request.incremental
    ? await readIncrementalState(store, request.source, request.incremental.notice)
    : null;
  const { counts, countsThisRun, drafts, state } = await analyze(request, previous);
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
    ...(state ? { state } : {}),
  });
  return buildRunReport(
    request.source.name,
    inputNamesOf(request),
    counts,
    stored,
    state ? countsThisRun : undefined,
  );
}

function isOlderState(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null) return false;
  const version = (raw as { schema_version?: unknown }).schema_version;
  return (
    typeof version === 'number' &&
    Number.isInteger(version) &&
    version >= 1 &&
    version < INCREMENTAL_STATE_VERSION
  );
}

async function readIncrementalState(
  store: FindingStore,
  source: Source,
  notice: (message: string) => void,
): Promise<IncrementalState | null> {
  if (!source.incremental) {
    throw new AfterburnError('bad_value', `source ${source.name} cannot run incrementally`, {
      hint: 'run it without --incremental / AFTERBURN_INCREMENTAL',
    });
  }
  const raw = await store.readState(source.name);
  if (raw === null) return null;
  if (isOlderState(raw)) {
    notice(
      `the incremental state of ${source.name} in ${store.dir} is from an older afterburn; reading the logs from the start`,
    );
    return null;
  }
  const parsed = IncrementalState.safeParse(raw);
  if (!parsed.success || parsed.data.source !== source.name) {
    throw new AfterburnError(
      'corrupt_store',
      `the incremental state of ${source.name} in ${store.dir} is corrupt`,
      {
        hint: `delete ${store.dir}/state/${source.name}.state to re-read the logs from the start`,
      },
    );
  }
  return parsed.data;
}
