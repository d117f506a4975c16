import * as nodeFs from 'node:fs/promises';
import type { AtomicWriteHandle } from '../findings/atomic-write.js';
import type { StoreOptions } from '../findings/store.js';
import { faultyStoreFs, nodeStoreFs, type StoreFs } from '../findings/store-fs.js';
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
 * with that code after writing half its data, as a full disk does; `ENOSPC@7` fails only the 7th
 * operation that changes the store (a write, an fsync, a rename, a link, a removal, …), whatever
 * it is. It exists so the end-to-end tests can prove, with the real binary, that a failure at
 * any step of a commit leaves the previous store intact and exits 2; it is read here, in the CLI
 * layer, and reaches the store only as an injected fs.
 */
export const TEST_FAIL_WRITE_VAR = 'AFTERBURN_TEST_FAIL_WRITE';
const TEST_FAIL_WRITE = /^(E[A-Z0-9]+)(?:@([1-9][0-9]*))?$/;

function failingWrites(code: string): StoreFs {
  return {
    ...nodeStoreFs,
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
  };
}

function testFs(setting: string | undefined): StoreFs | undefined {
  const match = setting === undefined ? null : TEST_FAIL_WRITE.exec(setting);
  if (!match?.[1]) return undefined;
  return match[2] === undefined ? failingWrites(match[1]) : faultyStoreFs(Number(match[2]), match[1]);
}

/** The store settings every command shares: the clock, the lock timeout, and the test-only hook. */
export function storeOptions(io: CliIo): StoreOptions {
  const timeoutMs = resolve(LOCK_TIMEOUT, undefined, io.env, DEFAULT_LOCK_TIMEOUT_MS);
  const fs = testFs(io.env[TEST_FAIL_WRITE_VAR]);
  return { now: io.now, lock: { timeoutMs }, ...(fs ? { fs } : {}) };
}
