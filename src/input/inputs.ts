import { constants, type Dirent } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { compareText } from '../common/compare.js';
import { AfterburnError } from '../common/errors.js';

/** One stream of lines that a run reads. */
export interface InputFile {
  /** The name shown to users and written to the run report (the path as given, or `-`). */
  readonly name: string;
  readonly kind: 'file' | 'gzip' | 'stdin';
  /** Absolute path; null for stdin. */
  readonly path: string | null;
  /**
   * A named pipe or a character device (`<(cat x)`, `/dev/stdin`, a FIFO a producer writes):
   * read once from front to back, like stdin. It has no size to split or seek by, and reading
   * its first bytes to recognise it next time would consume them.
   */
  readonly pipe?: true;
}

export const STDIN_NAME = '-';

/** `x.jsonl`, `x.jsonl.gz` and rotated `x.jsonl.N` (also `x.jsonl.N.gz`). */
const LOG_FILE = /\.jsonl(?:\.(\d+))?(?:\.gz)?$/;

export function isLogFileName(name: string): boolean {
  return LOG_FILE.test(name);
}

/**
 * Directory order: by base name, then oldest rotation first (`x.jsonl.3`, `x.jsonl.2`, `x.jsonl.1`,
 * `x.jsonl`), so a directory reads in the order its producer wrote it. The analyses do not depend
 * on order; users reading warnings with line numbers do.
 */
export function compareLogNames(a: string, b: string): number {
  const baseA = a.replace(LOG_FILE, '');
  const baseB = b.replace(LOG_FILE, '');
  if (baseA !== baseB) return baseA < baseB ? -1 : 1;
  const rotationA = Number(LOG_FILE.exec(a)?.[1] ?? 0);
  const rotationB = Number(LOG_FILE.exec(b)?.[1] ?? 0);
  if (rotationA !== rotationB) return rotationB - rotationA;
  return compareText(a, b);
}

/**
 * Which files of a directory given as `--path` (or a default path) a source reads. Most sources
 * write one flat directory of rotated logs; some (Claude Code) spread sessions over a tree.
 */
export interface LogFileLayout {
  /** Walk subdirectories too (symbolic links to directories are not followed, so no loops). */
  readonly recursive: boolean;
  /** Whether a file, by its `/`-separated path relative to the directory given, is a log. */
  accepts(relativePath: string): boolean;
  /** What a directory is read for, finishing the "no log files" error. */
  readonly description: string;
}

/** The default: `*.jsonl`, `*.jsonl.gz` and rotated `*.jsonl.N` directly in the directory. */
export const FLAT_LOG_LAYOUT: LogFileLayout = {
  recursive: false,
  accepts: (relativePath) => isLogFileName(relativePath),
  description: 'a directory is read for *.jsonl, *.jsonl.gz and rotated *.jsonl.N files',
};

/** Directory first, then the rotation order of compareLogNames, so trees list deterministically. */
function compareRelativePaths(a: string, b: string): number {
  const dirA = path.posix.dirname(a);
  const dirB = path.posix.dirname(b);
  if (dirA !== dirB) return dirA < dirB ? -1 : 1;
  return compareLogNames(path.posix.basename(a), path.posix.basename(b));
}

async function listDirectory(given: string, absolute: string): Promise<Dirent[]> {
  try {
    return await readdir(absolute, { withFileTypes: true });
  } catch (error) {
    throw new AfterburnError('unreadable', `cannot list ${given}: ${(error as NodeJS.ErrnoException).code}`, {
      hint: 'check the directory permissions',
    });
  }
}

/** Relative paths (`/`-separated) of the layout's log files under a directory, in reading order. */
async function findLogFiles(given: string, absolute: string, layout: LogFileLayout): Promise<string[]> {
  const found: string[] = [];
  const walk = async (relativeDir: string): Promise<void> => {
    const shown = relativeDir === '' ? given : path.join(given, relativeDir);
    for (const entry of await listDirectory(shown, path.join(absolute, relativeDir))) {
      const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (layout.recursive) await walk(relative);
        continue;
      }
      if (!layout.accepts(relative)) continue;
      // A symbolic link to a file counts; one to a directory or a dangling one does not.
      const info = entry.isFile() ? entry : await stat(path.join(absolute, relative)).catch(() => null);
      if (info?.isFile()) found.push(relative);
    }
  };
  await walk('');
  return found.sort(compareRelativePaths);
}

function kindOf(file: string): InputFile['kind'] {
  return file.endsWith('.gz') ? 'gzip' : 'file';
}

async function checkReadable(name: string, absolute: string): Promise<void> {
  try {
    await access(absolute, constants.R_OK);
  } catch (error) {
    throw new AfterburnError(
      'unreadable',
      `cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      {
        hint: 'check the file permissions',
      },
    );
  }
}

/** What to do about a path the system refuses, by its error code. */
const PATH_HINTS: Record<string, string> = {
  ELOOP: 'the path runs through a loop of symbolic links; fix the links',
  ENAMETOOLONG: 'the path, or one of its names, is longer than the system allows',
  EACCES: 'a directory on the path cannot be searched, or the file cannot be read: check the permissions',
};

/**
 * Expands `--path` values into the files to read. A missing or unreadable path is an error that
 * names it: a cron job pointed at the wrong place must fail loudly, not report an empty history.
 */
export async function resolveInputs(
  paths: readonly string[],
  cwd: string,
  layout: LogFileLayout = FLAT_LOG_LAYOUT,
): Promise<InputFile[]> {
  const inputs: InputFile[] = [];
  const seen = new Set<string>();
  const add = (input: InputFile): void => {
    const key = input.path ?? STDIN_NAME;
    if (seen.has(key)) return;
    seen.add(key);
    inputs.push(input);
  };
  for (const given of paths) {
    if (given === STDIN_NAME) {
      add({ name: STDIN_NAME, kind: 'stdin', path: null });
      continue;
    }
    const absolute = path.resolve(cwd, given);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        throw new AfterburnError('missing_path', `no such file or directory: ${given}`, {
          hint: 'pass an existing log file or directory with --path',
        });
      }
      throw new AfterburnError('unreadable', `cannot read ${given}: ${code ?? 'error'}`, {
        hint: PATH_HINTS[code ?? ''] ?? 'check the path and its permissions',
      });
    }
    if (info.isDirectory()) {
      const files = await findLogFiles(given, absolute, layout);
      if (files.length === 0) {
        throw new AfterburnError('no_logs', `no log files in ${given}`, { hint: layout.description });
      }
      for (const relative of files) {
        const name = path.join(given, relative);
        await checkReadable(name, path.join(absolute, relative));
        add({ name, kind: kindOf(relative), path: path.join(absolute, relative) });
      }
      continue;
    }
    if (info.isSocket()) {
      // open() refuses a socket (ENXIO); what it carries can only come in as stdin.
      throw new AfterburnError('unreadable', `cannot read ${given}: it is a socket`, {
        hint: 'pipe its data to stdin and pass --path - instead',
      });
    }
    await checkReadable(given, absolute);
    const pipe = info.isFIFO() || info.isCharacterDevice();
    add({ name: given, kind: kindOf(given), path: absolute, ...(pipe ? { pipe: true as const } : {}) });
  }
  return inputs;
}
