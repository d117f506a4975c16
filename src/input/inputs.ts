import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AfterburnError } from '../core/errors.js';

/** One stream of lines that a run reads. */
export interface InputFile {
  /** The name shown to users and written to the run report (the path as given, or `-`). */
  readonly name: string;
  readonly kind: 'file' | 'gzip' | 'stdin';
  /** Absolute path; null for stdin. */
  readonly path: string | null;
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
  return a < b ? -1 : a > b ? 1 : 0;
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

/**
 * Expands `--path` values into the files to read. A missing or unreadable path is an error that
 * names it: a cron job pointed at the wrong place must fail loudly, not report an empty history.
 */
export async function resolveInputs(
  paths: readonly string[],
  cwd: string,
  /** Which files of a directory are logs; a source may name its own (`*.csv`, `audit.log.N`). */
  isLogFile: (fileName: string) => boolean = isLogFileName,
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
        hint: 'check the path and its permissions',
      });
    }
    if (info.isDirectory()) {
      let entries: string[];
      try {
        entries = await readdir(absolute);
      } catch (error) {
        throw new AfterburnError(
          'unreadable',
          `cannot list ${given}: ${(error as NodeJS.ErrnoException).code}`,
          {
            hint: 'check the directory permissions',
          },
        );
      }
      const logs = entries.filter((entry) => isLogFile(entry)).sort(compareLogNames);
      const files: string[] = [];
      for (const entry of logs) {
        const file = path.join(absolute, entry);
        if ((await stat(file)).isFile()) files.push(entry);
      }
      if (files.length === 0) {
        throw new AfterburnError('no_logs', `no log files in ${given}`, {
          hint:
            isLogFile === isLogFileName
              ? 'a directory is read for *.jsonl, *.jsonl.gz and rotated *.jsonl.N files'
              : 'see afterburn sources for the files this source reads in a directory',
        });
      }
      for (const entry of files) {
        const file = path.join(absolute, entry);
        const name = path.join(given, entry);
        await checkReadable(name, file);
        add({ name, kind: kindOf(entry), path: file });
      }
      continue;
    }
    await checkReadable(given, absolute);
    add({ name: given, kind: kindOf(given), path: absolute });
  }
  return inputs;
}
