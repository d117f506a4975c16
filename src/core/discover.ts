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
import type { RejectedLineReason } from '../input/line-splitter.js';
import { readLines } from '../input/read-lines.js';
import type { Source, SourceDiagnostics } from '../sources/types.js';

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
}

export interface Analysis {
  readonly counts: Counts;
  readonly drafts: FindingDraft[];
}

const REJECTED_REASON: Record<RejectedLineReason, (maxLineBytes: number) => string> = {
  too_long: (max) => `line longer than ${max} bytes (--max-line-bytes)`,
  invalid_utf8: () => 'not valid UTF-8 (binary data?)',
  nul_bytes: () => 'contains NUL bytes (binary data, or a file padded with zeros after a crash?)',
};

/** Streams every input through the source, then runs the analyzers over the common records. */
export async function analyze(request: DiscoverRequest): Promise<Analysis> {
  const session = request.source.open(request.diagnostics);
  for (const input of request.inputs) {
    await readLines(
      input,
      {
        line: (text, line) => session.acceptLine(text, { input: input.name, line }),
        rejected: (reason, line) =>
          session.rejectLine({ input: input.name, line }, REJECTED_REASON[reason](request.maxLineBytes)),
      },
      {
        maxLineBytes: request.maxLineBytes,
        ...(request.stdin ? { stdin: request.stdin } : {}),
        ...(request.onBytes ? { onBytes: (bytes: number) => request.onBytes?.(input, bytes) } : {}),
      },
    );
  }
  const context = {
    source: request.source.name,
    inputs: request.givenPaths ?? inputNamesOf(request),
    options: request.analysis,
  };
  const { counts, findings } = session.finish(context);
  return { counts, drafts: findings };
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
): RunReport {
  return {
    schema_version: SCHEMA_VERSION,
    source,
    inputs: [...inputNames],
    counts,
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
  const { counts, drafts } = await analyze(request);
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
  const stored = await store.upsert(drafts, { source: request.source.name, summary });
  return buildRunReport(request.source.name, inputNamesOf(request), counts, stored);
}
