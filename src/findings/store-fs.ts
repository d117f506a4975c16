/**
 * Every operation that changes a store on disk goes through this interface, so a test can make
 * any one of them fail (a full disk at the 7th step of a commit, say) and check what is left.
 * Reads use node:fs directly: they change nothing, and a failed read is reported as such.
 */
import * as nodeFs from 'node:fs/promises';
import type { AtomicWriteFs } from './atomic-write.js';

export interface StoreFs extends AtomicWriteFs {
  mkdir(path: string): Promise<void>;
  /** A hard link; the store links unchanged files from one generation into the next. */
  link(existingPath: string, newPath: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  symlink(target: string, path: string): Promise<void>;
  /** Removes a file or a whole directory; a missing one is not an error. */
  remove(path: string): Promise<void>;
}

export const nodeStoreFs: StoreFs = {
  open: (path, flags, mode) => nodeFs.open(path, flags, mode),
  rename: (from, to) => nodeFs.rename(from, to),
  unlink: (path) => nodeFs.unlink(path),
  mkdir: async (path) => {
    await nodeFs.mkdir(path);
  },
  link: (existingPath, newPath) => nodeFs.link(existingPath, newPath),
  // COPYFILE_EXCL: like every other write here, never replace a file someone else made.
  copyFile: (from, to) => nodeFs.copyFile(from, to, nodeFs.constants.COPYFILE_EXCL),
  symlink: (target, path) => nodeFs.symlink(target, path),
  remove: (path) => nodeFs.rm(path, { recursive: true, force: true }),
};

/** Operations of a StoreFs by name, for the fault injection of the tests and the test-only hook. */
export type StoreFsStep =
  | 'open'
  | 'write'
  | 'sync'
  | 'close'
  | 'rename'
  | 'unlink'
  | 'mkdir'
  | 'link'
  | 'copyFile'
  | 'symlink'
  | 'remove';

export interface StoreFsCall {
  readonly step: StoreFsStep;
  /** The path the step acts on (the new path of a rename, link or copy). */
  readonly path: string;
}

function injectedError(code: string, call: StoreFsCall): Error {
  return Object.assign(new Error(`${code}: injected failure of ${call.step}, ${call.step}`), {
    code,
    syscall: call.step,
  });
}

/**
 * `base` with the `failAt`-th step (1-based, in call order) failing with `code`; every other step
 * is real. A failing write first writes half its data, as a full disk does. `calls` records every
 * step, so a test can count a commit's steps and find where it switches generations.
 */
export function faultyStoreFs(
  failAt: number,
  code: string,
  calls: StoreFsCall[] = [],
  base: StoreFs = nodeStoreFs,
): StoreFs {
  const step = (call: StoreFsCall): void => {
    calls.push(call);
    if (calls.length === failAt) throw injectedError(code, call);
  };
  return {
    async open(path, flags, mode) {
      step({ step: 'open', path });
      const handle = await base.open(path, flags, mode);
      return {
        async writeFile(data) {
          try {
            step({ step: 'write', path });
          } catch (error) {
            const bytes = typeof data === 'string' ? Buffer.from(data) : data;
            await handle.writeFile(bytes.subarray(0, Math.floor(bytes.length / 2)));
            throw error;
          }
          await handle.writeFile(data);
        },
        async sync() {
          step({ step: 'sync', path });
          await handle.sync();
        },
        async close() {
          try {
            step({ step: 'close', path });
          } finally {
            // A failed close still releases the descriptor, as close(2) does.
            await handle.close();
          }
        },
      };
    },
    async rename(from, to) {
      step({ step: 'rename', path: to });
      await base.rename(from, to);
    },
    async unlink(path) {
      step({ step: 'unlink', path });
      await base.unlink(path);
    },
    async mkdir(path) {
      step({ step: 'mkdir', path });
      await base.mkdir(path);
    },
    async link(existingPath, newPath) {
      step({ step: 'link', path: newPath });
      await base.link(existingPath, newPath);
    },
    async copyFile(from, to) {
      step({ step: 'copyFile', path: to });
      await base.copyFile(from, to);
    },
    async symlink(target, path) {
      step({ step: 'symlink', path });
      await base.symlink(target, path);
    },
    async remove(path) {
      step({ step: 'remove', path });
      await base.remove(path);
    },
  };
}
