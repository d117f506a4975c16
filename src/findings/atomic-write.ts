/**
 * Crash-safe replacement of a store file. Readers see either the old content or the new content,
 * never a torn mix: the data goes to a temporary file in the same directory (rename is only
 * atomic within one file system), is fsynced before the rename (so a crash cannot leave the new
 * name pointing at unflushed blocks), and the directory is fsynced after it (so the rename itself
 * survives a power loss).
 */
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AfterburnError } from '../common/errors.js';

/** The file-handle operations writeFileAtomic needs; node's FileHandle satisfies it. */
export interface AtomicWriteHandle {
  writeFile(data: string | Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The subset of node:fs/promises used, so tests can inject failures such as ENOSPC. */
export interface AtomicWriteFs {
  open(path: string, flags: string, mode?: number): Promise<AtomicWriteHandle>;
  rename(oldPath: string, newPath: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export interface AtomicWriteOptions {
  fs?: AtomicWriteFs;
  /** Permission bits for a newly written file (before umask); defaults to 0o666 like writeFile. */
  mode?: number;
}

/**
 * `.<basename>.<pid>.<12 hex>.tmp`: the leading dot hides it from casual listings, the pid says
 * who left it behind, and the random part keeps concurrent writers of one target apart.
 */
const TEMPORARY_NAME = /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/;

/** Platforms (Windows, some network file systems) that cannot fsync a directory say so with these. */
const UNSUPPORTED_DIRECTORY_SYNC = new Set(['EISDIR', 'EINVAL', 'EPERM', 'ENOTSUP', 'EACCES']);

export const INTACT_HINT = 'free disk space or fix permissions; the previous store is intact';

export function temporaryName(target: string): string {
  return `.${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

export function isTemporaryName(name: string): boolean {
  return TEMPORARY_NAME.test(name);
}

export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/** Node's messages already start with the code ("ENOSPC: no space left on device, write"). */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = errnoCode(error);
  return code === undefined || message.includes(code) ? message : `${code}: ${message}`;
}

export function storeWriteError(path: string, error: unknown, hint: string): AfterburnError {
  return new AfterburnError('store_write', `could not write ${path}: ${describeError(error)}`, {
    hint,
    cause: error,
  });
}

export async function syncDirectory(fs: AtomicWriteFs, dir: string): Promise<void> {
  let handle: AtomicWriteHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = errnoCode(error);
    if (code === undefined || !UNSUPPORTED_DIRECTORY_SYNC.has(code)) throw error;
  } finally {
    // A read-only directory handle has nothing to flush on close; a close error changes nothing.
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Replaces `path` with `data` (or with its chunks, one after the other) so that a crash or a
 * failed write (full disk, permissions) never leaves it half-written: on failure the previous
 * file is untouched and the temporary is removed.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | readonly Uint8Array[],
  options: AtomicWriteOptions = {},
): Promise<void> {
  await replaceFileAtomic(
    path,
    async (handle) => {
      // A file handle's writeFile continues where the previous write ended.
      if (Array.isArray(data)) for (const batch of batches(data)) await handle.writeFile(batch);
      else await handle.writeFile(data as string | Uint8Array);
    },
    options,
  );
}

const BATCH_BYTES = 1024 * 1024;

/**
 * The chunks joined into writes of about 1 MiB: a state of many small inputs is many thousands of
 * small columns, and one write call each cost more than the bytes (seconds for 10,000 files).
 */
export function* batches(chunks: readonly Uint8Array[]): Generator<Uint8Array> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  for (const chunk of chunks) {
    if (chunk.byteLength >= BATCH_BYTES) {
      if (pending.length > 0) yield Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      yield chunk;
      continue;
    }
    pending.push(chunk);
    pendingBytes += chunk.byteLength;
    if (pendingBytes >= BATCH_BYTES) {
      yield Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
    }
  }
  if (pending.length > 0)
    yield pending.length === 1 ? (pending[0] as Uint8Array) : Buffer.concat(pending, pendingBytes);
}

/**
 * `writeFileAtomic` for content made while it is written (an export larger than memory): `fill`
 * writes it through the temporary's handle; if `fill` or the write fails, the previous file is
 * untouched and the temporary is removed. `intactHint` is the hint of that failure's error.
 */
export async function replaceFileAtomic(
  path: string,
  fill: (handle: AtomicWriteHandle) => Promise<void>,
  options: AtomicWriteOptions & { intactHint?: string } = {},
): Promise<void> {
  const fs = options.fs ?? nodeFs;
  const dir = dirname(path);
  const tempPath = join(dir, temporaryName(basename(path)));
  let handle: AtomicWriteHandle | undefined;
  let created = false;
  try {
    // 'wx' (O_EXCL): never adopt a file someone else made, even on a random-name collision.
    handle = await fs.open(tempPath, 'wx', options.mode ?? 0o666);
    created = true;
    await fill(handle);
    await handle.sync();
    const written = handle;
    handle = undefined;
    await written.close();
    await fs.rename(tempPath, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    if (created) await fs.unlink(tempPath).catch(() => undefined);
    throw storeWriteError(path, error, options.intactHint ?? INTACT_HINT);
  }
  try {
    await syncDirectory(fs, dir);
  } catch (error) {
    // The rename already happened, so the old content is gone; saying it is intact would mislead.
    throw storeWriteError(
      path,
      error,
      'the new content is in place but may not survive a power loss; check the disk',
    );
  }
}

/** What removeStaleTemporaries may delete besides files: a temporary is never anything else. */
export interface TemporaryRemover {
  remove(path: string): Promise<void>;
}

const nodeRemover: TemporaryRemover = { remove: (path) => nodeFs.rm(path, { recursive: true, force: true }) };

/**
 * Deletes temporaries left by writers that crashed between creating and renaming them: files,
 * symbolic links (the store's root links are made under a temporary name first) and directories
 * (a store generation is built under one). Only names matching our own pattern are touched, and
 * only when older than `olderThanMs`, so a writer still working on its temporary is left alone.
 * Returns how many were removed.
 */
export async function removeStaleTemporaries(
  dir: string,
  olderThanMs: number,
  now: number,
  remover: TemporaryRemover = nodeRemover,
): Promise<number> {
  let names: string[];
  try {
    names = await nodeFs.readdir(dir);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return 0;
    throw storeWriteError(dir, error, `fix permissions on ${dir}`);
  }
  let removed = 0;
  for (const name of names) {
    if (!TEMPORARY_NAME.test(name)) continue;
    const path = join(dir, name);
    try {
      const info = await nodeFs.lstat(path);
      const removable = info.isFile() || info.isSymbolicLink() || info.isDirectory();
      if (!removable || now - info.mtimeMs <= olderThanMs) continue;
      await remover.remove(path);
      removed += 1;
    } catch (error) {
      // Another cleaner (or the writer's own rename) got there first: that is the goal anyway.
      if (errnoCode(error) === 'ENOENT') continue;
      throw storeWriteError(path, error, `fix permissions on ${dir}`);
    }
  }
  return removed;
}
