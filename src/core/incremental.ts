import { createHash } from 'node:crypto';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { z } from 'zod';
import type { AnalyzerContext } from '../analyzers/types.js';
import { compareText } from '../common/compare.js';
import { AfterburnError } from '../common/errors.js';
import { Counts, FindingDraft } from '../findings/schema.js';
import { DamagedStateFile, UnknownStateFormat } from '../findings/state-file.js';
import type { FindingStore } from '../findings/store.js';
import type { InputFile } from '../input/inputs.js';
import type { Source } from '../sources/types.js';
import { FileIdentity, loadCursors, SavedInput, StoredCursors, storeCursors } from './cursor-table.js';

const HEAD_BYTES = 4096;
const TAIL_BYTES = 4096;

export { FileIdentity, SavedInput };

/**
 * 2: dispatch-outcomes keeps typed-array columns (base64) instead of one tuple per record.
 * 3: the columns are binary attachments of a state file (`.state`, no longer `.json`).
 * 4: the file carries a format version and a sha256 of its bytes; each cursor also hashes the
 *    4 KiB before it (a file truncated and grown again past the cursor is noticed).
 * 5: a source that keeps one history (dispatch-outcomes) keeps it once for all inputs, in
 *    `history`, instead of one segment per input; the cursors are one table (cursor-table.ts),
 *    not one JSON object each.
 * A state of another version is not migrated: the logs are read again from the start, once.
 */
export const INCREMENTAL_STATE_VERSION = 5;

export const IncrementalState = z.object({
  schema_version: z.literal(INCREMENTAL_STATE_VERSION),
  source: z.string(),
  inputs: z.array(SavedInput),
  /** The history of a source that keeps one (SourceAdapter.keepsHistory), over `inputs` in order. */
  history: z.unknown().optional(),
  /** The last run's analysis (SavedAnalysis), absent in states written before it was kept. */
  analysis: z.unknown().optional(),
});
export type IncrementalState = z.infer<typeof IncrementalState>;

/** The state as its file holds it: the cursors as one table, per-input segments beside it. */
const StoredState = z.object({
  schema_version: z.literal(INCREMENTAL_STATE_VERSION),
  source: z.string(),
  cursors: StoredCursors,
  segments: z.array(z.unknown()).optional(),
  history: z.unknown().optional(),
  analysis: z.unknown().optional(),
});

/** What the store writes for `state`. */
export function storedState(state: IncrementalState): z.infer<typeof StoredState> {
  const segments = state.inputs.map((input) => input.segment);
  const { inputs, ...rest } = state;
  return {
    ...rest,
    cursors: storeCursors(inputs),
    ...(segments.every((segment) => segment === undefined) ? {} : { segments }),
  };
}

/** The state back from what the store read, or null when it does not hold together. */
function loadState(raw: unknown): IncrementalState | null {
  const parsed = StoredState.safeParse(raw);
  if (!parsed.success) return null;
  const { cursors, segments, ...rest } = parsed.data;
  const inputs = loadCursors(cursors, segments);
  return inputs === null ? null : { ...rest, inputs };
}

/** sha256 of the bytes of `file` at [start, start + length) (fewer when it is shorter). */
async function rangeHash(handle: FileHandle, start: number, length: number): Promise<string> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, start + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return createHash('sha256').update(buffer.subarray(0, filled)).digest('hex');
}

/**
 * The identity of `file` as it is now, hashing the first bytes up to `offset` (at most 4 KiB).
 * `seenSize`, for a file a run has just read: the size it read up to, kept instead of the size
 * now, so that lines appended between the end of the read and this call still count as new next
 * time instead of making the file look unchanged.
 */
export async function identify(file: string, offset: number, seenSize?: number): Promise<FileIdentity> {
  const handle = await open(file, 'r');
  try {
    const info = await handle.stat();
    const headLength = Math.min(offset, HEAD_BYTES);
    const tailLength = Math.min(offset - headLength, TAIL_BYTES);
    return {
      dev: info.dev,
      ino: info.ino,
      size: seenSize ?? info.size,
      mtimeMs: info.mtimeMs,
      headLength,
      headHash: await rangeHash(handle, 0, headLength),
      tailLength,
      tailHash: await rangeHash(handle, offset - tailLength, tailLength),
    };
  } finally {
    await handle.close();
  }
}

/**
 * What the last incremental run concluded, kept so that a run with nothing new to read (the
 * usual cron run) need not join and analyse the whole history again. `key` names everything the
 * conclusion depends on besides the logs (analysisKey); `drafts` are kept as the
 * analyzers made them, `notices` are the notices the analysis printed.
 */
export const SavedAnalysis = z.object({
  key: z.string(),
  counts: Counts,
  drafts: z.array(FindingDraft),
  notices: z.array(z.string()),
});
export type SavedAnalysis = z.infer<typeof SavedAnalysis>;

/**
 * Names what an analysis depends on besides the logs: the build that ran it (a hash of its code,
 * dependencies included) and its context (source, input names, every option, health settings
 * included).
 */
export function analysisKey(build: string, context: AnalyzerContext): string {
  const text = JSON.stringify({ build, context }, (_key, value: unknown) => {
    if (value instanceof Map) {
      return { map: [...value.entries()].sort(([a], [b]) => compareText(String(a), String(b))) };
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(record)
          .sort(compareText)
          .map((key) => [key, record[key]]),
      );
    }
    return value;
  });
  return createHash('sha256').update(text).digest('hex');
}

/** How to read one input in an incremental run. */
export type InputPlan =
  | { readonly action: 'read'; readonly saved: SavedInput | null; readonly notice: string | null }
  /** An input unchanged since the last run: its saved state stands, nothing is read. */
  | { readonly action: 'reuse'; readonly saved: SavedInput };

/**
 * Matches this run's inputs to the saved cursors. A file is recognised by device and inode first,
 * so a log rotated by renaming (`x.jsonl` → `x.jsonl.1`) keeps its cursor under its new name.
 */
export class CursorBook {
  private readonly byInode = new Map<string, SavedInput>();

  constructor(previous: IncrementalState | null) {
    for (const saved of previous?.inputs ?? []) this.byInode.set(inodeKey(saved.identity), saved);
  }

  async plan(input: InputFile): Promise<InputPlan> {
    if (input.path === null || input.pipe) return { action: 'read', saved: null, notice: null };
    const info = await stat(input.path);
    const saved = this.byInode.get(`${info.dev}:${info.ino}`) ?? null;
    if (saved === null || saved.kind !== input.kind) return { action: 'read', saved: null, notice: null };
    this.byInode.delete(inodeKey(saved.identity));
    // Size and mtime as they were (the test make and rsync trust): not a byte written since, so
    // nothing to hash or read. Opening and hashing every unchanged file cost seconds over 10,000.
    if (info.size === saved.identity.size && info.mtimeMs === saved.identity.mtimeMs) {
      return { action: 'reuse', saved };
    }
    if (input.kind === 'gzip') {
      return {
        action: 'read',
        saved: null,
        notice: `${input.name} changed since the last run; reading it again`,
      };
    }
    if (info.size < saved.offset || !(await stillHolds(input.path, saved))) {
      return {
        action: 'read',
        saved: null,
        notice: `${input.name} was truncated or replaced since the last run; reading it from the start`,
      };
    }
    return { action: 'read', saved, notice: null };
  }

  /** Whether every input of the last run was matched by an input of this one (none went away). */
  allMatched(): boolean {
    return this.byInode.size === 0;
  }
}

/** Whether the bytes the saved cursor was taken over (its head and the window before it) are still there. */
async function stillHolds(file: string, saved: SavedInput): Promise<boolean> {
  const { headLength, headHash, tailLength, tailHash } = saved.identity;
  const handle = await open(file, 'r');
  try {
    return (
      (await rangeHash(handle, 0, headLength)) === headHash &&
      (await rangeHash(handle, saved.offset - tailLength, tailLength)) === tailHash
    );
  } finally {
    await handle.close();
  }
}

function inodeKey(identity: FileIdentity): string {
  return `${identity.dev}:${identity.ino}`;
}

function stateVersion(raw: unknown): unknown {
  return typeof raw === 'object' && raw !== null
    ? (raw as { schema_version?: unknown }).schema_version
    : undefined;
}

/** What an incremental run says about its state: notices, and a warning when it is damaged. */
export interface IncrementalReporter {
  readonly notice: (message: string) => void;
  /** Defaults to notice. */
  readonly warning?: (message: string) => void;
}

/**
 * Whether `error` says the saved state did not prove itself (a checksum, format or restore check
 * failed): the logs are the truth, so such a state is rebuilt from them, never misread or fatal.
 */
export function isDamagedState(error: unknown): error is AfterburnError {
  return error instanceof AfterburnError && error.cause instanceof DamagedStateFile;
}

/** The one line a run prints before it rebuilds a damaged state. */
export function damagedStateWarning(source: string, dir: string, error: AfterburnError): string {
  const why = error.cause instanceof Error ? error.cause.message : error.message;
  return `the incremental state of ${source} in ${dir} is damaged (${why}); rebuilding it from the logs`;
}

/**
 * The state the store keeps for `source`, or null when there is none, or it is of another version,
 * or it is damaged (with a notice or a warning): the run then reads the logs from the start.
 */
export async function readIncrementalState(
  store: FindingStore,
  source: Source,
  reporter: IncrementalReporter,
): Promise<IncrementalState | null> {
  if (!source.incremental) throw cannotRunIncrementally(source);
  const warning = reporter.warning ?? reporter.notice;
  const otherVersion = () => {
    reporter.notice(
      `the incremental state of ${source.name} in ${store.dir} is from another afterburn version; reading the logs from the start`,
    );
    return null;
  };
  let raw: unknown;
  try {
    raw = await store.readState(source.name);
  } catch (error) {
    if (!isDamagedState(error)) throw error;
    if (error.cause instanceof UnknownStateFormat) return otherVersion();
    warning(damagedStateWarning(source.name, store.dir, error));
    return null;
  }
  if (raw === null) return null;
  const version = stateVersion(raw);
  if (version !== INCREMENTAL_STATE_VERSION) {
    // A number is a version; anything else in a file that passed its checksum was never ours.
    if (typeof version === 'number') return otherVersion();
  }
  const state = loadState(raw);
  const analysis = state?.analysis;
  // The analysis is checked, not rebuilt by the schema: its findings keep their own key order.
  const damaged = analysis !== undefined && !SavedAnalysis.safeParse(analysis).success;
  if (state === null || state.source !== source.name || damaged) {
    warning(
      `the incremental state of ${source.name} in ${store.dir} is damaged (not a state of this source); rebuilding it from the logs`,
    );
    return null;
  }
  return state;
}

/** --incremental for a source that keeps no state: refused before anything is read. */
export function cannotRunIncrementally(source: Pick<Source, 'name'>): AfterburnError {
  return new AfterburnError('bad_value', `source ${source.name} cannot run incrementally`, {
    hint: 'run it without --incremental / AFTERBURN_INCREMENTAL; `afterburn sources` lists which can',
  });
}
