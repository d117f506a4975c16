import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AfterburnError } from '../../src/common/errors.js';
import {
  type AtomicWriteFs,
  type AtomicWriteHandle,
  batches,
  removeStaleTemporaries,
  writeFileAtomic,
} from '../../src/findings/atomic-write.js';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'afterburn-atomic-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function errno(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated failure, ${syscall}`), { code, syscall });
}

type Stage = 'write' | 'sync' | 'rename' | 'dir-open' | 'dir-sync';

/** Real fs, except that `stage` throws `code`; data-file and directory handles are told apart by path. */
function failingFs(stage: Stage, code = 'ENOSPC'): AtomicWriteFs {
  return {
    async open(path, flags, mode) {
      const isDirectory = flags === 'r';
      if (isDirectory && stage === 'dir-open') throw errno(code, 'open');
      const handle = await fs.open(path, flags, mode);
      const failing: AtomicWriteHandle = {
        writeFile: async (data) => {
          if (stage === 'write') {
            // Like a real full disk: part of the data lands before the error.
            await handle.writeFile(typeof data === 'string' ? data.slice(0, 3) : data.subarray(0, 3));
            throw errno(code, 'write');
          }
          await handle.writeFile(data);
        },
        sync: async () => {
          if ((stage === 'sync' && !isDirectory) || (stage === 'dir-sync' && isDirectory)) {
            throw errno(code, 'fsync');
          }
          await handle.sync();
        },
        close: () => handle.close(),
      };
      return failing;
    },
    async rename(oldPath, newPath) {
      if (stage === 'rename') throw errno(code, 'rename');
      await fs.rename(oldPath, newPath);
    },
    unlink: (path) => fs.unlink(path),
  };
}

describe('atomic write', () => {
  it('creates a new file and replaces an existing one, leaving no temporaries', async () => {
    const target = join(dir, 'store.json');
    await writeFileAtomic(target, 'first');
    expect(await fs.readFile(target, 'utf8')).toBe('first');
    await writeFileAtomic(target, new TextEncoder().encode('second'));
    expect(await fs.readFile(target, 'utf8')).toBe('second');
    expect(await fs.readdir(dir)).toEqual(['store.json']);
  });

  it.skipIf(process.platform === 'win32')('applies the requested mode to a new file', async () => {
    const target = join(dir, 'private.json');
    await writeFileAtomic(target, '{}', { mode: 0o600 });
    expect((await fs.stat(target)).mode & 0o777).toBe(0o600);
  });

  it('round-trips arbitrary content', async () => {
    const target = join(dir, 'roundtrip.bin');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        await writeFileAtomic(target, bytes);
        expect(new Uint8Array(await fs.readFile(target))).toEqual(bytes);
      }),
      { numRuns: 40 },
    );
  });

  it('leaves one complete version when writers race on the same target', async () => {
    const target = join(dir, 'store.json');
    const versions = Array.from({ length: 10 }, (_, i) => `version ${i} `.repeat(1000));
    await Promise.all(versions.map((version) => writeFileAtomic(target, version)));
    expect(versions).toContain(await fs.readFile(target, 'utf8'));
    expect(await fs.readdir(dir)).toEqual(['store.json']);
  });

  it.each(['write', 'sync', 'rename'] as const)(
    'ENOSPC on %s keeps the previous content, removes the temporary and throws store_write',
    async (stage) => {
      const target = join(dir, 'store.json');
      await fs.writeFile(target, 'previous');
      const error = await writeFileAtomic(target, 'replacement', { fs: failingFs(stage) }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AfterburnError);
      expect(error).toMatchObject({
        code: 'store_write',
        hint: 'free disk space or fix permissions; the previous store is intact',
      });
      expect((error as AfterburnError).message).toMatch(/^could not write .*store\.json: ENOSPC/);
      expect(await fs.readFile(target, 'utf8')).toBe('previous');
      expect(await fs.readdir(dir)).toEqual(['store.json']);
    },
  );

  it.each([
    ['dir-open', 'EISDIR'],
    ['dir-sync', 'EINVAL'],
    ['dir-sync', 'EPERM'],
  ] as const)('ignores %s failing with %s (platforms that cannot fsync a directory)', async (stage, code) => {
    const target = join(dir, 'store.json');
    await writeFileAtomic(target, 'content', { fs: failingFs(stage, code) });
    expect(await fs.readFile(target, 'utf8')).toBe('content');
  });

  it('reports a real directory fsync failure without claiming the old store is intact', async () => {
    const target = join(dir, 'store.json');
    const error = await writeFileAtomic(target, 'content', { fs: failingFs('dir-sync', 'EIO') }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'store_write' });
    expect((error as AfterburnError).hint).toMatch(/new content is in place/);
  });
});

describe('atomic write temporaries cleanup', () => {
  it('removes only old files that match our temporary naming pattern', async () => {
    const now = Date.now();
    const old = new Date(now - 60 * 60_000);
    const names = {
      oldOurs: '.store.json.1234.0123456789ab.tmp',
      youngOurs: '.store.json.5678.ba9876543210.tmp',
      foreign: 'notes.tmp',
      foreignDotted: '.cache.tmp',
      store: 'store.json',
    };
    for (const name of Object.values(names)) {
      await fs.writeFile(join(dir, name), 'x');
      if (name !== names.youngOurs) await fs.utimes(join(dir, name), old, old);
    }
    expect(await removeStaleTemporaries(dir, 10 * 60_000, now)).toBe(1);
    expect((await fs.readdir(dir)).sort()).toEqual(
      [names.youngOurs, names.foreign, names.foreignDotted, names.store].sort(),
    );
  });

  it('treats a missing directory as having nothing to clean', async () => {
    expect(await removeStaleTemporaries(join(dir, 'missing'), 0, Date.now())).toBe(0);
  });
});

describe('batches', () => {
  it('joins small chunks into writes of about 1 MiB, keeping every byte in order', () => {
    const chunks = Array.from({ length: 3000 }, (_, i) => Buffer.from(`chunk-${i};`.repeat(40)));
    chunks.splice(1500, 0, Buffer.alloc(2 * 1024 * 1024, 7));
    const out = [...batches(chunks)];
    expect(Buffer.concat(out).equals(Buffer.concat(chunks))).toBe(true);
    expect(out.length).toBeLessThan(10);
    expect(out.some((batch) => batch === chunks[1500])).toBe(true);
  });

  it('yields nothing for no chunks and a lone chunk as it is', () => {
    expect([...batches([])]).toEqual([]);
    const only = Buffer.from('x');
    expect([...batches([only])][0]).toBe(only);
  });
});
