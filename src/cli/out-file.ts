import path from 'node:path';
import { AfterburnError } from '../common/errors.js';
import { describeError, errnoCode } from '../findings/atomic-write.js';

/**
 * `--out <file>` of `report` and `export`: the format its extension names, and a failed write in
 * words. An extension neither command knows is an error rather than a silent default, so
 * `--out report.htm1` never quietly writes JSON under a name that promises HTML.
 */
export function formatForOutFile<Format extends string>(
  out: string | undefined,
  byExtension: Readonly<Record<string, Format>>,
): Format | undefined {
  if (out === undefined) return undefined;
  const extension = path.extname(out).toLowerCase();
  const format = byExtension[extension];
  if (format !== undefined) return format;
  const known = Object.keys(byExtension).join(', ');
  throw new AfterburnError(
    'usage',
    `cannot tell the format of --out ${out} from its ${extension === '' ? 'name (no extension)' : `extension ${extension}`}`,
    { hint: `use one of ${known}, or pass --format` },
  );
}

/** Why writing `out` failed, said as a person would: the errno of the write is in the error's cause. */
export function outWriteError(out: string, error: unknown): AfterburnError {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const dir = path.dirname(out);
  const reasons: Record<string, [string, string]> = {
    ENOENT: [
      `the directory ${dir} does not exist`,
      'create it first, or choose an --out path in an existing directory',
    ],
    ENOTDIR: [`${dir} is not a directory`, 'choose an --out path in an existing directory'],
    EISDIR: ['it is a directory', 'give the name of a file to write, inside it or elsewhere'],
    EACCES: ['permission denied', 'choose a directory you may write to, or fix its permissions'],
    EPERM: ['permission denied', 'choose a directory you may write to, or fix its permissions'],
    EROFS: ['the file system is read-only', 'choose an --out path on a writable file system'],
    ENOSPC: ['no space left on the device', 'free disk space; the previous file, if any, is intact'],
  };
  const [why, hint] = reasons[errnoCode(cause) ?? ''] ?? [
    describeError(cause),
    'choose a writable --out path in an existing directory',
  ];
  return new AfterburnError('report_write', `cannot write ${out}: ${why}`, { hint, cause });
}
