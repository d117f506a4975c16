import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { z } from 'zod';
import type { InputFile } from '../input/inputs.js';

/**
 * What `--incremental` keeps per input file between runs: a cursor (the byte offset just past the
 * last complete line, and its line number) with enough identity to notice that the file was
 * truncated, replaced or rotated, plus the source's compact state for that file.
 */
const HEAD_BYTES = 4096;
const Count = z.int().nonnegative();

export const FileIdentity = z.object({
  dev: z.number(),
  ino: z.number(),
  size: Count,
  mtimeMs: z.number(),
  /** sha256 of the first `headLength` bytes: a file rewritten in place no longer matches. */
  headLength: Count,
  headHash: z.string(),
});
export type FileIdentity = z.infer<typeof FileIdentity>;

export const SavedInput = z.object({
  name: z.string(),
  kind: z.enum(['file', 'gzip']),
  identity: FileIdentity,
  offset: Count,
  lineNo: Count,
  segment: z.unknown(),
});
export type SavedInput = z.infer<typeof SavedInput>;

/**
 * 2: dispatch-outcomes keeps typed-array columns (base64) instead of one tuple per record.
 * 3: the columns are binary attachments of a state file (`.state`, no longer `.json`).
 * A state of an older version is not migrated: the logs are read again from the start, once.
 */
export const INCREMENTAL_STATE_VERSION = 3;

export const IncrementalState = z.object({
  schema_version: z.literal(INCREMENTAL_STATE_VERSION),
  source: z.string(),
  inputs: z.array(SavedInput),
});
export type IncrementalState = z.infer<typeof IncrementalState>;

async function headHash(file: string, length: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex');
  } finally {
    await handle.close();
  }
}

/** The identity of `file` as it is now, hashing the first bytes up to `offset` (at most 4 KiB). */
export async function identify(file: string, offset: number): Promise<FileIdentity> {
  const info = await stat(file);
  const headLength = Math.min(offset, HEAD_BYTES);
  return {
    dev: info.dev,
    ino: info.ino,
    size: info.size,
    mtimeMs: info.mtimeMs,
    headLength,
    headHash: await headHash(file, headLength),
  };
}

/** How to read one input in an incremental run. */
export type InputPlan =
  | { readonly action: 'read'; readonly saved: SavedInput | null; readonly notice: string | null }
  /** A compressed input that has not changed: its saved state stands, nothing is read. */
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
    if (input.path === null) return { action: 'read', saved: null, notice: null };
    const info = await stat(input.path);
    const saved = this.byInode.get(`${info.dev}:${info.ino}`) ?? null;
    if (saved === null || saved.kind !== input.kind) return { action: 'read', saved: null, notice: null };
    this.byInode.delete(inodeKey(saved.identity));
    const now = await identify(input.path, saved.identity.headLength);
    if (input.kind === 'gzip') {
      const unchanged = now.size === saved.identity.size && now.mtimeMs === saved.identity.mtimeMs;
      if (unchanged) return { action: 'reuse', saved };
      return {
        action: 'read',
        saved: null,
        notice: `${input.name} changed since the last run; reading it again`,
      };
    }
    if (now.size < saved.offset || now.headHash !== saved.identity.headHash) {
      return {
        action: 'read',
        saved: null,
        notice: `${input.name} was truncated or replaced since the last run; reading it from the start`,
      };
    }
    return { action: 'read', saved, notice: null };
  }
}

function inodeKey(identity: FileIdentity): string {
  return `${identity.dev}:${identity.ino}`;
}
