import * as nodeFs from 'node:fs/promises';
import type { AtomicWriteFs, AtomicWriteHandle } from '../findings/atomic-write.js';
import type { StoreOptions } from '../findings/store.js';
import type { CliIo } from './io.js';
import { nonNegativeInteger, type OptionSpec, resolve } from './options.js';

/** How long a run waits for another live run's store lock before it gives up (exit 2). */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/** Variable only: a cron job tunes it once, nobody types it per run. */
export const LOCK_TIMEOUT: OptionSpec<number> = {
  flags: '',
  description: 'milliseconds to wait for a store locked by another run',
  env: 'AFTERBURN_LOCK_TIMEOUT_MS',
  parse: nonNegativeInteger,
  defaultDescription: String(DEFAULT_LOCK_TIMEOUT_MS),
};

/**
 * TEST-ONLY: `AFTERBURN_TEST_FAIL_WRITE=ENOSPC` (any errno code) makes every store file write fail
 * with that code after writing half its data, as a full disk does. It exists so the end-to-end
 * tests can prove, with the real binary, that a failed write leaves the previous store intact and
 * exits 2; it is read here, in the CLI layer, and reaches the store only as an injected fs.
 */
export const TEST_FAIL_WRITE_VAR = 'AFTERBURN_TEST_FAIL_WRITE';

function failingWrites(code: string): AtomicWriteFs {
  return {
    async open(path, flags, mode): Promise<AtomicWriteHandle> {
      const handle = await nodeFs.open(path, flags, mode);
      return {
        async writeFile(data) {
          const bytes = typeof data === 'string' ? Buffer.from(data) : data;
          await handle.writeFile(bytes.subarray(0, Math.floor(bytes.length / 2)));
          throw Object.assign(new Error(`${code}: injected write failure (${TEST_FAIL_WRITE_VAR}), write`), {
            code,
          });
        },
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    },
    rename: (from, to) => nodeFs.rename(from, to),
    unlink: (path) => nodeFs.unlink(path),
  };
}

/** The store settings every command shares: the clock, the lock timeout, and the test-only hook. */
export function storeOptions(io: CliIo): StoreOptions {
  const timeoutMs = resolve(LOCK_TIMEOUT, undefined, io.env, DEFAULT_LOCK_TIMEOUT_MS);
  const failCode = io.env[TEST_FAIL_WRITE_VAR];
  return {
    now: io.now,
    lock: { timeoutMs },
    ...(failCode !== undefined && /^E[A-Z0-9]+$/.test(failCode) ? { fs: failingWrites(failCode) } : {}),
  };
}
