import { constants, type Dirent } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AfterburnError } from '../../common/errors.js';
import { type InputFile, STDIN_NAME } from '../../input/inputs.js';

/**
 * WorkRail keeps one folder per session: `sessions/<id>/manifest.jsonl` and
 * `events/<first>-<last>.jsonl` segments. Every segment file is read (so every line is accounted
 * for), each session's manifest first, so that the source knows which segments are closed, and
 * therefore authoritative, before their lines arrive.
 */
export const MANIFEST_FILE = 'manifest.jsonl';
export const EVENTS_DIR = 'events';
const SESSIONS_DIR = 'sessions';
const DATA_DIR_HINT =
  'pass a WorkRail data directory (holding sessions/<id>/manifest.jsonl) with --path, or set WORKRAIL_DATA_DIR';

/** What a file read for this source is, judged from its name: the layout is in the path. */
export type WorkrailFile =
  | { readonly role: 'manifest'; readonly sessionDir: string }
  | { readonly role: 'segment'; readonly sessionDir: string; readonly segment: string };

export function classifyFile(name: string): WorkrailFile | null {
  const base = path.basename(name);
  const parent = path.dirname(name);
  if (base === MANIFEST_FILE) return { role: 'manifest', sessionDir: parent };
  if (path.basename(parent) === EVENTS_DIR && base.endsWith('.jsonl')) {
    return { role: 'segment', sessionDir: path.dirname(parent), segment: base };
  }
  return null;
}

async function entriesOf(absolute: string, given: string): Promise<Dirent[]> {
  try {
    return await readdir(absolute, { withFileTypes: true });
  } catch (error) {
    throw new AfterburnError('unreadable', `cannot list ${given}: ${(error as NodeJS.ErrnoException).code}`, {
      hint: 'check the directory permissions',
    });
  }
}

async function isDirectory(absolute: string): Promise<boolean> {
  return (await stat(absolute).catch(() => null))?.isDirectory() ?? false;
}

async function readable(name: string, absolute: string): Promise<InputFile> {
  try {
    await access(absolute, constants.R_OK);
  } catch (error) {
    throw new AfterburnError('unreadable', `cannot read ${name}: ${(error as NodeJS.ErrnoException).code}`, {
      hint: 'check the file permissions',
    });
  }
  return { name, kind: 'file', path: absolute };
}

/** The manifest, then every segment in name order (names sort by first event index). */
async function sessionFiles(absolute: string, name: string): Promise<InputFile[]> {
  const files: InputFile[] = [];
  const entries = await entriesOf(absolute, name);
  if (entries.some((entry) => entry.isFile() && entry.name === MANIFEST_FILE)) {
    files.push(await readable(path.join(name, MANIFEST_FILE), path.join(absolute, MANIFEST_FILE)));
  }
  if (entries.some((entry) => entry.isDirectory() && entry.name === EVENTS_DIR)) {
    const eventsDir = path.join(absolute, EVENTS_DIR);
    const segments = (await entriesOf(eventsDir, path.join(name, EVENTS_DIR)))
      .filter((entry) => entry.isFile() && entry.name.endsWith('.jsonl'))
      .map((entry) => entry.name)
      .sort();
    for (const segment of segments) {
      files.push(await readable(path.join(name, EVENTS_DIR, segment), path.join(eventsDir, segment)));
    }
  }
  return files;
}

async function looksLikeSession(absolute: string, given: string): Promise<boolean> {
  const entries = await entriesOf(absolute, given);
  return entries.some(
    (entry) =>
      (entry.isFile() && entry.name === MANIFEST_FILE) || (entry.isDirectory() && entry.name === EVENTS_DIR),
  );
}

/** A data root (holding `sessions/`), a `sessions/` folder, or one session folder. */
async function filesUnder(given: string, absolute: string): Promise<InputFile[]> {
  if (await looksLikeSession(absolute, given)) return sessionFiles(absolute, given);
  const sessionsAbsolute = path.join(absolute, SESSIONS_DIR);
  const [root, name] = (await isDirectory(sessionsAbsolute))
    ? [sessionsAbsolute, path.join(given, SESSIONS_DIR)]
    : [absolute, given];
  const sessions = (await entriesOf(root, name))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const files: InputFile[] = [];
  for (const session of sessions) {
    files.push(...(await sessionFiles(path.join(root, session), path.join(name, session))));
  }
  return files;
}

/** `--path` for workrail: data directories, expanded to the manifests and segments of their sessions. */
export async function expandWorkrailInputs(paths: readonly string[], cwd: string): Promise<InputFile[]> {
  const files: InputFile[] = [];
  const seen = new Set<string>();
  for (const given of paths) {
    if (given === STDIN_NAME) {
      throw new AfterburnError('usage', 'the workrail source cannot read stdin', { hint: DATA_DIR_HINT });
    }
    const absolute = path.resolve(cwd, given);
    const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') {
        throw new AfterburnError('missing_path', `no such file or directory: ${given}`, {
          hint: DATA_DIR_HINT,
        });
      }
      throw new AfterburnError('unreadable', `cannot read ${given}: ${error.code ?? 'error'}`, {
        hint: 'check the path and its permissions',
      });
    });
    if (!info.isDirectory()) {
      throw new AfterburnError('usage', `${given} is a file, not a WorkRail data directory`, {
        hint: DATA_DIR_HINT,
      });
    }
    const found = await filesUnder(given, absolute);
    if (found.length === 0) {
      throw new AfterburnError('no_logs', `no WorkRail sessions in ${given}`, { hint: DATA_DIR_HINT });
    }
    for (const file of found) {
      if (seen.has(file.path as string)) continue;
      seen.add(file.path as string);
      files.push(file);
    }
  }
  return files;
}
