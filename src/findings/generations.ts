/**
 * The store's on-disk layout, and the one commit that changes it (docs/store.md).
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
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AfterburnError } from '../common/errors.js';
import {
  batches,
  describeError,
  errnoCode,
  INTACT_HINT,
  isTemporaryName,
  removeStaleTemporaries,
  storeWriteError,
  syncDirectory,
  temporaryName,
} from './atomic-write.js';
import type { StoreFs } from './store-fs.js';

export const CURRENT_FILE = 'CURRENT';
const GENERATION_NAME = /^gen-([1-9][0-9]{0,14})$/;
const CURRENT_CONTENT = /^(gen-[1-9][0-9]{0,14})\n?$/;
/** The directories of the flat layout that a generation holds; carried over on migration. */
const FLAT_DIRECTORIES = ['runs', 'state'];
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

export type FileData = string | Uint8Array | readonly Uint8Array[];

/** What a commit changes, by path relative to a generation (`findings.json`, `state/x.state`). */
export interface GenerationChange {
  readonly write: ReadonlyMap<string, FileData>;
  /** Files (or whole directories) of the current generation not to carry into the next. */
  readonly drop: ReadonlySet<string>;
}

function corruptPointer(storeDir: string, why: string): AfterburnError {
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
    const code = errnoCode(error);
    if (code === 'ENOENT') return { name: null, number: 0, dir: storeDir };
    throw new AfterburnError('corrupt_store', `cannot read ${path.join(storeDir, CURRENT_FILE)}: ${code}`, {
      hint: 'check the permissions of the store directory (--store / AFTERBURN_STORE)',
    });
  }
  const name = CURRENT_CONTENT.exec(text)?.[1];
  if (name === undefined) throw corruptPointer(storeDir, `does not name a generation`);
  return { name, number: Number(GENERATION_NAME.exec(name)?.[1]), dir: path.join(storeDir, name) };
}

/** Relative paths of the regular files under `dir` (temporaries and links left out). */
async function filesUnder(dir: string, relative = ''): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(path.join(dir, relative), { withFileTypes: true });
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw storeWriteError(path.join(dir, relative), error, INTACT_HINT);
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (isTemporaryName(entry.name)) continue;
    const child = relative === '' ? entry.name : path.join(relative, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(dir, child)));
    else if (entry.isFile()) files.push(child);
  }
  return files;
}

/** The files the next generation takes over unchanged from `current`. */
async function carriedFiles(current: Generation, change: GenerationChange): Promise<string[]> {
  const candidates =
    current.name === null
      ? (await Promise.all(FLAT_DIRECTORIES.map((dir) => filesUnder(current.dir, dir)))).flat()
      : await filesUnder(current.dir);
  const dropped = (file: string): boolean =>
    [...change.drop].some((drop) => file === drop || file.startsWith(`${drop}${path.sep}`));
  return candidates.filter((file) => !change.write.has(file) && !dropped(file)).sort();
}

/** Links that a file system without hard links (some network and FAT mounts) refuses with. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK', 'ENOSYS', 'EINVAL']);

async function writeNewFile(fs: StoreFs, file: string, data: FileData): Promise<void> {
  const handle = await fs.open(file, 'wx', 0o666);
  try {
    if (Array.isArray(data)) for (const batch of batches(data)) await handle.writeFile(batch);
    else await handle.writeFile(data as string | Uint8Array);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  await handle.close();
}

/** A step of a commit that failed, with the store-relative file it was about. */
class CommitStepFailed extends Error {
  constructor(
    readonly file: string,
    readonly failure: unknown,
  ) {
    super(describeError(failure));
  }
}

async function step<T>(file: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new CommitStepFailed(file, error);
  }
}

/** Builds the whole next generation in `building`, every file and directory fsynced. */
async function buildGeneration(
  fs: StoreFs,
  building: string,
  current: Generation,
  change: GenerationChange,
): Promise<void> {
  const carried = await carriedFiles(current, change);
  const files = [...carried, ...change.write.keys()];
  const directories = [...new Set(files.map((file) => path.dirname(file)).filter((dir) => dir !== '.'))];
  // Parents first; a name's parent always sorts before it.
  const needed = new Set<string>();
  for (const dir of directories) {
    for (let at = dir; at !== '.'; at = path.dirname(at)) needed.add(at);
  }
  const ordered = [...needed].sort();
  await step('', () => fs.mkdir(building));
  for (const dir of ordered) await step(dir, () => fs.mkdir(path.join(building, dir)));
  for (const file of carried) {
    const from = path.join(current.dir, file);
    const to = path.join(building, file);
    await step(file, async () => {
      try {
        await fs.link(from, to);
      } catch (error) {
        if (!NO_HARD_LINKS.has(errnoCode(error) ?? '')) throw error;
        await fs.copyFile(from, to);
      }
    });
  }
  for (const [file, data] of change.write) {
    await step(file, () => writeNewFile(fs, path.join(building, file), data));
  }
  // Children before parents, so a directory is synced after every entry in it exists.
  for (const dir of ordered.reverse()) await step(dir, () => syncDirectory(fs, path.join(building, dir)));
  await step('', () => syncDirectory(fs, building));
}

function failedCommit(storeDir: string, error: unknown): AfterburnError {
  if (error instanceof AfterburnError) return error;
  const file = error instanceof CommitStepFailed ? error.file : '';
  const failure = error instanceof CommitStepFailed ? error.failure : error;
  return storeWriteError(path.join(storeDir, file), failure, INTACT_HINT);
}

/**
 * Makes `change` of `current` the store, all of it or none of it, and returns the new current
 * generation. Call only under the store lock.
 */
export async function commitGeneration(
  storeDir: string,
  current: Generation,
  change: GenerationChange,
  fs: StoreFs,
): Promise<Generation> {
  const name = `gen-${current.number + 1}`;
  const next: Generation = { name, number: current.number + 1, dir: path.join(storeDir, name) };
  const building = path.join(storeDir, temporaryName(name));
  const pointer = path.join(storeDir, temporaryName(CURRENT_FILE));
  const views = ROOT_VIEWS.map((view) => ({
    link: path.join(storeDir, view),
    temporary: path.join(storeDir, temporaryName(view)),
  }));
  let renamed = false;
  try {
    await buildGeneration(fs, building, current, change);
    // Fails (EEXIST, ENOTEMPTY) if gen-<n+1> exists: only a writer that broke our lock makes one.
    await step(name, () => fs.rename(building, next.dir));
    renamed = true;
    for (const view of views) {
      await step(path.basename(view.link), () =>
        fs.symlink(`${name}/${path.basename(view.link)}`, view.temporary),
      );
    }
    await step(CURRENT_FILE, () => writeNewFile(fs, pointer, `${name}\n`));
    await step('', () => syncDirectory(fs, storeDir));
    // The commit point: from this rename on, the store is the new generation.
    await step(CURRENT_FILE, () => fs.rename(pointer, path.join(storeDir, CURRENT_FILE)));
  } catch (error) {
    // Best effort: whatever is left is a temporary (or a generation CURRENT does not name),
    // which the next commit removes under the lock anyway.
    await fs.remove(renamed ? next.dir : building).catch(() => undefined);
    for (const { temporary } of views) await fs.unlink(temporary).catch(() => undefined);
    await fs.unlink(pointer).catch(() => undefined);
    throw failedCommit(storeDir, error);
  }
  await publishViews(storeDir, name, views, fs);
  await removeOldGenerations(storeDir, next, fs).catch(() => undefined);
  return next;
}

/** After the switch: the root links move to the new generation and the switch is made durable. */
async function publishViews(
  storeDir: string,
  name: string,
  views: readonly { link: string; temporary: string }[],
  fs: StoreFs,
): Promise<void> {
  for (const { link, temporary } of views) {
    try {
      await fs.rename(temporary, link);
    } catch (error) {
      for (const view of views) await fs.unlink(view.temporary).catch(() => undefined);
      throw new AfterburnError('store_write', `could not update ${link}: ${describeError(error)}`, {
        hint: `the new store (${name}) is committed; ${path.basename(link)} still shows the previous one until the next write`,
        cause: error,
      });
    }
  }
  try {
    await syncDirectory(fs, storeDir);
  } catch (error) {
    throw storeWriteError(
      path.join(storeDir, CURRENT_FILE),
      error,
      'the new content is in place but may not survive a power loss; check the disk',
    );
  }
}

/**
 * Everything in the store that is not part of `current` and that afterburn wrote: generations
 * CURRENT does not name, the flat layout's files once a generation holds them, and temporaries
 * in every directory afterburn writes. Under the lock nobody else is writing, so they are all
 * left over from a run that failed or was killed.
 */
async function removeOldGenerations(storeDir: string, current: Generation, fs: StoreFs): Promise<void> {
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
