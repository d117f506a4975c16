/**
 * One O_EXCL lock file and what can be done to it: read it (observeLock), create it (tryCreate),
 * release it, judge it stale, and break it safely (breakIfStale, removeIfUnchanged,
 * removeDeadBreakers). The rules for when a lock is stale are in lock.ts, which uses these.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { basename, join } from 'node:path';
import { AfterburnError } from '../common/errors.js';

export interface LockOptions {
  /** How long to wait for a live holder before giving up (default 10 s). */
  timeoutMs?: number;
  /** Delay between attempts while a live holder has the lock (default 50 ms, jittered). */
  pollMs?: number;
  /** Age after which any lock is considered abandoned (default 10 minutes). */
  staleMs?: number;
  /** Wall clock compared with lock-file mtimes and written as acquiredAt. */
  now?: () => number;
  isProcessAlive?: (pid: number) => boolean;
  hostname?: string;
}

export interface LockHolder {
  pid: number;
  hostname: string;
  /** ISO timestamp. */
  acquiredAt: string;
  command?: string;
}

/** What is written to disk: the nonce makes every acquisition's bytes unique. */
interface LockRecord extends LockHolder {
  nonce?: string;
}

/** What we saw at a lock path: the exact bytes and which file (inode, mtime) held them. */
export interface ObservedLock {
  raw: string;
  holder: LockRecord | null;
  ino: number;
  mtimeMs: number;
}

export type Settings = Required<LockOptions>;

export const LOCK_FILE = 'lock';
const BREAK_FILE = 'lock.break';
/** Rule (b): generous next to the microseconds between create and write, to tolerate a loaded machine. */
const UNWRITTEN_GRACE_MS = 2_000;
/**
 * A break takes milliseconds, so another host's `lock.break` this old was left by a crashed
 * breaker (this host's are judged by their pid, see isBreakerStale).
 */
const BREAK_STALE_MS = 5_000;

/**
 * Prefix of every nonce this process writes. A lock naming our pid without it comes from an
 * earlier process that had our pid; with it, it is ours: held now, or released since we read it.
 */
const PROCESS_TOKEN = randomBytes(6).toString('hex');
let acquisitions = 0;

/** Unique per acquisition, so release() never mistakes another holder's bytes for ours. */
export function nextNonce(): string {
  return `${PROCESS_TOKEN}.${++acquisitions}`;
}

export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

export function fsError(what: string, error: unknown, hint: string): AfterburnError {
  const message = error instanceof Error ? error.message : String(error);
  return new AfterburnError('store_write', `could not ${what}: ${message}`, { hint, cause: error });
}

function parseRecord(raw: string): LockRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { pid, hostname, acquiredAt, command, nonce } = value as Record<string, unknown>;
  // pid 0 or negative would make kill() probe a whole process group.
  const validPid = typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0;
  if (!validPid || typeof hostname !== 'string' || typeof acquiredAt !== 'string') return null;
  const record: LockRecord = { pid, hostname, acquiredAt };
  if (typeof command === 'string') record.command = command;
  if (typeof nonce === 'string') record.nonce = nonce;
  return record;
}

/** Reads the lock at `lockPath` through one handle, so content and identity belong to one file. */
export async function observeLock(lockPath: string): Promise<ObservedLock | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(lockPath, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw fsError(`read ${lockPath}`, error, `fix permissions on ${lockPath}`);
  }
  try {
    const info = await handle.stat();
    const raw = await handle.readFile('utf8');
    return { raw, holder: parseRecord(raw), ino: info.ino, mtimeMs: info.mtimeMs };
  } finally {
    await handle.close();
  }
}

export function isStale(observed: ObservedLock, settings: Settings, staleMs: number): boolean {
  const age = settings.now() - observed.mtimeMs;
  if (age > staleMs) return true;
  const holder = observed.holder;
  if (holder === null) return age > UNWRITTEN_GRACE_MS;
  if (holder.hostname !== settings.hostname) return false;
  if (holder.pid === process.pid) return !holder.nonce?.startsWith(`${PROCESS_TOKEN}.`);
  return !settings.isProcessAlive(holder.pid);
}

/**
 * Whether a `lock.break` was left by a breaker that is gone. On this host that is its pid alone,
 * however old the file: a live breaker that was only paused (SIGSTOP, swap, a loaded machine) and
 * taken over would break in parallel with the one that replaced it, and the two could move a live
 * lock aside. Past the store lock's staleMs even a live pid counts as reused. Another host's pids
 * cannot be probed, so there only age tells. Judged on the real clock: it is our own file, and an
 * injected `now` is for the store lock.
 */
export function isBreakerStale(breaker: ObservedLock, settings: Settings): boolean {
  const local = breaker.holder !== null && breaker.holder.hostname === settings.hostname;
  return isStale(breaker, { ...settings, now: Date.now }, local ? settings.staleMs : BREAK_STALE_MS);
}

function sameLock(a: ObservedLock, b: ObservedLock): boolean {
  // Bytes alone are not enough for empty files; inode numbers alone can be reused after unlink.
  return a.raw === b.raw && a.ino === b.ino && a.mtimeMs === b.mtimeMs;
}

/**
 * Removes the file at `path` only if it is still the one observed. Renaming it to a unique name
 * is atomic, so afterwards we alone own whatever was there and can check it; if it was replaced
 * meanwhile, we moved a live lock and give it back with link(), which (unlike rename) never
 * overwrites. Exported for tests.
 */
export async function removeIfUnchanged(
  path: string,
  observed: ObservedLock,
): Promise<'removed' | 'vanished' | 'restored' | 'displaced'> {
  const aside = `${path}.removing.${osHostname()}.${process.pid}.${randomBytes(6).toString('hex')}`;
  const hint = `fix permissions, or remove ${path} by hand`;
  try {
    await fs.rename(path, aside);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 'vanished';
    throw fsError(`remove stale lock ${path}`, error, hint);
  }
  const moved = await observeLock(aside);
  if (moved === null) return 'vanished';
  if (sameLock(moved, observed)) {
    await fs.unlink(aside).catch(() => undefined);
    return 'removed';
  }
  try {
    await fs.link(aside, path);
    await fs.unlink(aside).catch(() => undefined);
    return 'restored';
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw fsError(`restore lock ${path}`, error, hint);
    // Someone took the free path before link(). Putting the moved lock back later would orphan
    // it once its holder released; dropping it is safe, as that holder's release checks bytes.
    await fs.unlink(aside).catch(() => undefined);
    return 'displaced';
  }
}

/** Creates the lock with O_EXCL; false when someone else holds it. */
export async function tryCreate(lockPath: string, raw: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(lockPath, 'wx');
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw fsError(`create ${lockPath}`, error, 'free disk space or fix permissions');
  }
  try {
    await handle.writeFile(raw);
    await handle.sync();
  } catch (error) {
    // Remove our half-written lock, unless a waiter already judged it stale and replaced it.
    const ours = await handle.stat().catch(() => undefined);
    const current = await fs.stat(lockPath).catch(() => undefined);
    if (ours && current && ours.ino === current.ino) await fs.unlink(lockPath).catch(() => undefined);
    await handle.close().catch(() => undefined);
    throw fsError(`create ${lockPath}`, error, 'free disk space or fix permissions');
  }
  await handle.close();
  return true;
}

/** Deletes the lock only if it still holds our bytes: if it was broken, it is someone else's now. */
export async function release(lockPath: string, raw: string): Promise<void> {
  const current = await observeLock(lockPath);
  if (current === null || current.raw !== raw) return;
  try {
    await fs.unlink(lockPath);
  } catch (error) {
    const hint = `remove ${lockPath} by hand once no afterburn run is active`;
    if (errnoCode(error) !== 'ENOENT') throw fsError(`release ${lockPath}`, error, hint);
  }
}

export function lockRecord(settings: Settings, nonce: string): string {
  const script = process.argv[1] === undefined ? 'node' : basename(process.argv[1]);
  const command = [script, ...process.argv.slice(2)].join(' ').slice(0, 200);
  const acquiredAt = new Date(settings.now()).toISOString();
  const record: LockRecord = { pid: process.pid, hostname: settings.hostname, acquiredAt, command, nonce };
  return `${JSON.stringify(record)}\n`;
}

/**
 * Breaks the lock if it is (still) stale, holding `lock.break` so that only one waiter at a time
 * breaks: judging a fresh read under it means nobody else can replace a dead holder's lock
 * between our look and our removal. True when the lock is gone and worth retrying at once.
 */
export async function breakIfStale(storeDir: string, lockPath: string, settings: Settings): Promise<boolean> {
  const breakPath = join(storeDir, BREAK_FILE);
  const breakRaw = lockRecord(settings, nextNonce());
  if (!(await tryCreate(breakPath, breakRaw))) {
    const breaker = await observeLock(breakPath);
    if (breaker === null) return true; // that breaker just finished: the lock is likely free
    if (isBreakerStale(breaker, settings)) {
      await removeIfUnchanged(breakPath, breaker);
    }
    return false;
  }
  try {
    const fresh = await observeLock(lockPath);
    if (fresh === null) return true;
    if (!isStale(fresh, settings, settings.staleMs)) return false;
    return (await removeIfUnchanged(lockPath, fresh)) !== 'restored';
  } finally {
    await release(breakPath, breakRaw);
  }
}

/** `<lock>.removing.<host>.<pid>.<12 hex>`: where removeIfUnchanged moves a lock it is breaking. */
const ASIDE_NAME = /^.+\.removing\.(.+)\.(\d+)\.[0-9a-f]{12}$/;

/**
 * A breaker killed mid-break leaves `lock.break` or a `lock.removing.*` file behind. Neither
 * blocks anyone (the next breaker clears a dead `lock.break`), but a store should not keep a dead
 * process's files forever. Called while holding the lock, and judged like a stale lock: a file of
 * a live breaker (another process, or a concurrent waiter in this one) is never touched.
 */
export async function removeDeadBreakers(storeDir: string, settings: Settings): Promise<void> {
  const breakPath = join(storeDir, BREAK_FILE);
  const breaker = await observeLock(breakPath);
  if (breaker !== null && isBreakerStale(breaker, settings)) {
    await removeIfUnchanged(breakPath, breaker);
  }
  const names = await fs.readdir(storeDir).catch(() => [] as string[]);
  for (const name of names) {
    const match = ASIDE_NAME.exec(name);
    if (!match?.[1] || !name.startsWith(`${LOCK_FILE}.removing.`)) continue;
    const pid = Number(match[2]);
    const info = await fs.lstat(join(storeDir, name)).catch(() => undefined);
    if (!info?.isFile()) continue;
    // rename() updates ctime, so ctime says when the break began.
    const old = Date.now() - info.ctimeMs > BREAK_STALE_MS;
    const dead = match[1] === settings.hostname && pid !== process.pid && !settings.isProcessAlive(pid);
    if (old || dead) await fs.unlink(join(storeDir, name)).catch(() => undefined);
  }
}
