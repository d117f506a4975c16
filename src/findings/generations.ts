/**
 * The store's on-disk layout: which generation is current, and the clean-up of what is not part of
 * it (docs/store.md). A commit is in generation-commit.ts, a consistent read in store-snapshot.ts.
 *
 *   <store>/CURRENT          "gen-<n>\n": the generation that is the store
 *   <store>/gen-<n>/         every file of the store: findings.json, fix-list.jsonl, runs/, state/
 *   <store>/findings.json    symbolic link to gen-<n>/findings.json (a view, not the truth)
 *   <store>/fix-list.jsonl   symbolic link to gen-<n>/fix-list.jsonl (the contract's path)
 *   <store>/lock, baselines/ outside the generations, as before
 *
 * A commit builds the next generation complete under a temporary name (new files written and
 * fsynced, unchanged ones hard-linked from the current generation), fsyncs it, renames it to
 * gen-<n+1>, and then switches CURRENT by one atomic rename: that rename is the commit point, so
 * any failure before it leaves the old store as it was, and a reader resolving CURRENT sees one
 * whole generation or the other. Old generations are removed after the switch, under the lock.
 *
 * A store in the flat layout of afterburn before generations (files at the root, no CURRENT) is
 * read as it is and becomes gen-1 on its first commit.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AfterburnError } from '../common/errors.js';
import { errnoCode, removeStaleTemporaries, storeWriteError } from './atomic-write.js';
import type { StoreFs } from './store-fs.js';

export const CURRENT_FILE = 'CURRENT';
const GENERATION_NAME = /^gen-([1-9][0-9]{0,14})$/;
const CURRENT_CONTENT = /^(gen-[1-9][0-9]{0,14})\n?$/;
/** The directories of the flat layout that a generation holds; carried over on migration. */
export const FLAT_DIRECTORIES = ['runs', 'state'];
/** Root links into the current generation, for readers that know only the documented paths. */
export const ROOT_VIEWS = ['findings.json', 'fix-list.jsonl'];
/** Where afterburn keeps files outside the generations (health baselines). */
const UNVERSIONED_DIRECTORIES = ['baselines'];

/** A committed generation; `name` null is a store in the flat layout (or no store yet). */
export interface Generation {
  readonly name: string | null;
  readonly number: number;
  /** The directory its files are in: the generation's, or the store's own for the flat layout. */
  readonly dir: string;
}

export function corruptPointer(storeDir: string, why: string): AfterburnError {
  return new AfterburnError('corrupt_store', `store ${storeDir} is corrupt (${CURRENT_FILE} ${why})`, {
    hint: `restore it from a backup; ${CURRENT_FILE} names the gen-<n> directory that holds the store`,
  });
}

/** The generation CURRENT names, or the flat layout when there is no CURRENT. */
export async function currentGeneration(storeDir: string): Promise<Generation> {
  let text: string;
  try {
    text = await readFile(path.join(storeDir, CURRENT_FILE), 'utf8');
  } catch (error) {
    return flatOrUnreadable(storeDir, error);
  }
  return generationNamed(storeDir, text);
}

/**
 * currentGeneration for synchronous callers outside the pipeline (the bench, tests that look at
 * a store's files after a run): the same answer, the same errors.
 */
export function currentGenerationSync(storeDir: string): Generation {
  let text: string;
  try {
    text = readFileSync(path.join(storeDir, CURRENT_FILE), 'utf8');
  } catch (error) {
    return flatOrUnreadable(storeDir, error);
  }
  return generationNamed(storeDir, text);
}

function flatOrUnreadable(storeDir: string, error: unknown): Generation {
  const code = errnoCode(error);
  if (code === 'ENOENT') return { name: null, number: 0, dir: storeDir };
  throw new AfterburnError('corrupt_store', `cannot read ${path.join(storeDir, CURRENT_FILE)}: ${code}`, {
    hint: 'check the permissions of the store directory (--store / AFTERBURN_STORE)',
  });
}

function generationNamed(storeDir: string, text: string): Generation {
  const name = CURRENT_CONTENT.exec(text)?.[1];
  if (name === undefined) throw corruptPointer(storeDir, `does not name a generation`);
  return { name, number: Number(GENERATION_NAME.exec(name)?.[1]), dir: path.join(storeDir, name) };
}

/**
 * Everything in the store that is not part of `current` and that afterburn wrote: generations
 * CURRENT does not name, the flat layout's files once a generation holds them, and temporaries
 * in every directory afterburn writes. Under the lock nobody else is writing, so they are all
 * left over from a run that failed or was killed.
 */
export async function removeOldGenerations(
  storeDir: string,
  current: Generation,
  fs: StoreFs,
): Promise<void> {
  const entries = await readdir(storeDir).catch(() => [] as string[]);
  for (const entry of entries) {
    const stale = GENERATION_NAME.test(entry) && entry !== current.name;
    const flat = current.name !== null && FLAT_DIRECTORIES.includes(entry);
    if (stale || flat) await fs.remove(path.join(storeDir, entry));
  }
}

/**
 * Removes what killed or failed runs left in the store (see removeOldGenerations). Under the lock.
 * Inside a generation there is nothing to clean: a commit writes only into the one it builds, and
 * every commit removes the generation before it, whatever it holds.
 */
export async function cleanStore(storeDir: string, current: Generation, fs: StoreFs): Promise<void> {
  try {
    await removeOldGenerations(storeDir, current, fs);
  } catch (error) {
    throw storeWriteError(storeDir, error, `fix permissions on ${storeDir}`);
  }
  const directories = [storeDir, ...UNVERSIONED_DIRECTORIES.map((dir) => path.join(storeDir, dir))];
  // The flat layout writes into its runs/ and state/ directly (a generation replaces them whole).
  if (current.name === null) directories.push(...FLAT_DIRECTORIES.map((dir) => path.join(storeDir, dir)));
  const now = Date.now();
  for (const dir of directories) await removeStaleTemporaries(dir, 0, now, fs);
}
