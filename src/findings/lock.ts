/**
 * An exclusive lock on a store directory, safe across processes on one machine: `<storeDir>/lock`
 * is created with O_EXCL and holds the holder's JSON. Locks are held only for the short
 * read-merge-write of a store update, never during analysis, which is what makes the age rule
 * below safe. Not reentrant: a nested withStoreLock on the same store waits for itself and times
 * out.
 *
 * A lock is stale, and may be broken, when
 *  (a) its holder runs on this host and that pid is gone (for our own pid: it was written by an
 *      earlier process that had the same pid);
 *  (b) its content is empty or unparseable and the file is older than UNWRITTEN_GRACE_MS: the
 *      holder creates the file and writes it right away, so it died in between;
 *  (c) the file is older than staleMs (default 10 minutes): no update takes that long, so the
 *      holder is hung, lives on another host (whose pids we cannot probe), or its pid was reused
 *      by an unrelated live process (e.g. after a reboot).
 * Any other holder is live and is never broken into; we poll until the timeout.
 *
 * Breaking is serialised by a second O_EXCL file, `lock.break`, held for the few milliseconds
 * of a break: the breaker re-reads the lock under it, so two waiters that judged the same lock
 * stale cannot end up deleting the lock the first of them then took (see removeIfUnchanged). A
 * `lock.break` is taken over only from a breaker that is gone, never from a slow one
 * (isBreakerStale), so breaks never overlap.
 */
import * as fs from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AfterburnError } from '../common/errors.js';
import {
  breakIfStale,
  errnoCode,
  fsError,
  isStale,
  LOCK_FILE,
  type LockHolder,
  type LockOptions,
  lockRecord,
  nextNonce,
  type ObservedLock,
  observeLock,
  release,
  removeDeadBreakers,
  type Settings,
  tryCreate,
} from './lock-file.js';

export type { LockHolder, LockOptions, ObservedLock } from './lock-file.js';
export { observeLock, removeIfUnchanged } from './lock-file.js';

/** `kill(pid, 0)` probes without signalling: ESRCH means gone, EPERM means alive but not ours. */
function defaultIsProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) !== 'ESRCH';
  }
}

function resolveSettings(options: LockOptions): Settings {
  return {
    timeoutMs: Math.max(0, options.timeoutMs ?? 10_000),
    pollMs: Math.max(1, options.pollMs ?? 50),
    staleMs: options.staleMs ?? 10 * 60_000,
    now: options.now ?? Date.now,
    isProcessAlive: options.isProcessAlive ?? defaultIsProcessAlive,
    hostname: options.hostname ?? osHostname(),
  };
}

function lockedError(storeDir: string, observed: ObservedLock): AfterburnError {
  const holder = observed.holder;
  const message = holder
    ? `store ${storeDir} is locked by pid ${holder.pid} on ${holder.hostname} since ${holder.acquiredAt}${holder.command ? ` running ${JSON.stringify(holder.command)}` : ''}`
    : `store ${storeDir} is locked by a process that is still writing its lock file`;
  return new AfterburnError('store_locked', message, {
    hint: `wait for that run to finish, or remove ${join(storeDir, LOCK_FILE)} if that process is gone`,
  });
}

/** Returns the raw bytes we wrote, which release() needs to recognise our own lock. */
async function acquire(storeDir: string, lockPath: string, settings: Settings): Promise<string> {
  try {
    await fs.mkdir(storeDir, { recursive: true });
  } catch (error) {
    throw fsError(`create ${storeDir}`, error, 'fix permissions');
  }
  const nonce = nextNonce();
  // Waiting uses the monotonic clock of the sleeps themselves; `now` is only for file ages.
  const deadline = performance.now() + settings.timeoutMs;
  for (;;) {
    const raw = lockRecord(settings, nonce);
    if (await tryCreate(lockPath, raw)) {
      await removeDeadBreakers(storeDir, settings);
      return raw;
    }
    const observed = await observeLock(lockPath);
    if (observed === null) continue; // released between our attempt and our look: retry at once
    if (isStale(observed, settings, settings.staleMs) && (await breakIfStale(storeDir, lockPath, settings))) {
      continue;
    }
    if (performance.now() >= deadline) throw lockedError(storeDir, observed);
    // Jitter keeps several waiters from retrying in lockstep.
    await sleep(Math.max(1, Math.round(settings.pollMs * (0.5 + Math.random()))));
  }
}

/**
 * Runs `fn` while holding the exclusive lock on `storeDir` (created if missing). Throws
 * AfterburnError('store_locked') if a live holder keeps it past the timeout. The lock is
 * released however `fn` ends.
 */
export async function withStoreLock<T>(
  storeDir: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const lockPath = join(storeDir, LOCK_FILE);
  const raw = await acquire(storeDir, lockPath, resolveSettings(options));
  let fnFailed = false;
  try {
    return await fn();
  } catch (error) {
    fnFailed = true;
    throw error;
  } finally {
    // A failure to release must not hide the error that fn threw.
    await release(lockPath, raw).catch((error: unknown) => {
      if (!fnFailed) throw error;
    });
  }
}

/** The current holder of `storeDir`'s lock, or null when it is free or its content is unreadable. */
export async function readLockHolder(storeDir: string): Promise<LockHolder | null> {
  const observed = await observeLock(join(storeDir, LOCK_FILE));
  if (!observed?.holder) return null;
  const { nonce: _nonce, ...holder } = observed.holder;
  return holder;
}
