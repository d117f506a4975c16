/** Reads that see one whole generation of the store, whatever commits happen meanwhile. */
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AfterburnError } from '../common/errors.js';
import { errnoCode } from './atomic-write.js';
import { corruptPointer, currentGeneration, type Generation } from './generations.js';

/** Thrown by a snapshot read that found its generation gone: a commit switched meanwhile. */
class GenerationMoved extends Error {}

/** Reads of one generation, so that every file a command reads comes from the same commit. */
export class StoreSnapshot {
  constructor(
    readonly storeDir: string,
    readonly generation: Generation,
  ) {}

  path(relative: string): string {
    return path.join(this.generation.dir, relative);
  }

  /** A file's bytes; null when it is not in this generation. */
  async read(relative: string, hint: string): Promise<Buffer | null> {
    const file = this.path(relative);
    try {
      return await readFile(file);
    } catch (error) {
      const code = errnoCode(error);
      if (code !== 'ENOENT') {
        throw new AfterburnError('corrupt_store', `cannot read ${file}: ${code ?? 'error'}`, { hint });
      }
    }
    const now = await currentGeneration(this.storeDir);
    if (now.name !== this.generation.name) throw new GenerationMoved();
    if (this.generation.name !== null && !(await exists(this.generation.dir))) {
      throw corruptPointer(this.storeDir, `names ${this.generation.name}, which does not exist`);
    }
    return null;
  }
}

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}

/** How often a read starts over because commits keep replacing the generation it reads. */
const READ_ATTEMPTS = 20;

/**
 * Runs `read` on the current generation. A commit may switch generations and remove the old one
 * while a reader without the lock is halfway through it; the read then starts over on the new
 * one, so it never mixes files of two commits.
 */
export async function readSnapshot<T>(
  storeDir: string,
  read: (snapshot: StoreSnapshot) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const snapshot = new StoreSnapshot(storeDir, await currentGeneration(storeDir));
    try {
      return await read(snapshot);
    } catch (error) {
      if (!(error instanceof GenerationMoved)) throw error;
      if (attempt === READ_ATTEMPTS) {
        throw new AfterburnError(
          'store_locked',
          `store ${storeDir} changed ${attempt} times while being read`,
          {
            hint: 'try again once the runs writing it have finished',
          },
        );
      }
    }
  }
}
