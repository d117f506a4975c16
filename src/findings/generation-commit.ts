/**
 * The one commit that changes the store (docs/store.md): the next generation built complete under
 * a temporary name, then CURRENT switched by one atomic rename (the layout is in generations.ts).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { AfterburnError } from '../common/errors.js';
import {
  batches,
  describeError,
  errnoCode,
  INTACT_HINT,
  isTemporaryName,
  storeWriteError,
  syncDirectory,
  temporaryName,
} from './atomic-write.js';
import {
  CURRENT_FILE,
  FLAT_DIRECTORIES,
  type Generation,
  ROOT_VIEWS,
  removeOldGenerations,
} from './generations.js';
import type { StoreFs } from './store-fs.js';

export type FileData = string | Uint8Array | readonly Uint8Array[];

/** What a commit changes, by path relative to a generation (`findings.json`, `state/x.state`). */
export interface GenerationChange {
  readonly write: ReadonlyMap<string, FileData>;
  /** Files (or whole directories) of the current generation not to carry into the next. */
  readonly drop: ReadonlySet<string>;
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
