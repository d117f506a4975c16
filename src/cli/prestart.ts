import { statSync } from 'node:fs';
import path from 'node:path';
import { HelperThread } from '../parallel/helper-thread.js';
import { DEFAULT_PARALLEL_MIN_BYTES, defaultThreads } from '../parallel/parallel-read.js';
import { boolean, booleanFlagIn, positiveInteger, threadCount } from './value-parsers.js';

// The one source whose logs are split; named here rather than imported, which would load its zod
// schemas before the helpers start.
const SOURCE = 'dispatch-outcomes';

/**
 * Run by the bin script before the CLI loads: when the command line names a dispatch-outcomes
 * log big enough to be split (`discover` or `export` with `--path <file>`, or the source's path
 * variable), its helper threads start loading now, alongside the CLI's own modules, instead of
 * after them (about a tenth of a second on a 256 MB log). Only a hint: anything unusual (a
 * directory, a missing file, another source, a bad value) simply starts nothing, and the run
 * decides for itself as always.
 */
export function prestartHelpers(argv: readonly string[], env: NodeJS.ProcessEnv): void {
  const count = helpersToPrestart(argv, env);
  if (count > 0) HelperThread.prestart(SOURCE, count);
}

/** As many helpers as the run will want (its --threads less this one), when it names a large log. */
export function helpersToPrestart(argv: readonly string[], env: NodeJS.ProcessEnv, cores?: number): number {
  if (!namesLargeDispatchLog(argv, env)) return 0;
  const asked = flagValues(argv, '--threads')[0] || env.AFTERBURN_THREADS?.trim() || null;
  if (asked === null) return defaultThreads(cores) - 1;
  return (parsedOr(threadCount, asked) ?? 1) - 1;
}

/** `text` parsed as the run will parse it; null when the run will reject it (and report it). */
function parsedOr<T>(parse: (text: string) => T, text: string): T | null {
  try {
    return parse(text);
  } catch {
    return null;
  }
}

/**
 * Whether `afterburn discover` or `afterburn export` is run on a dispatch-outcomes file of at
 * least the run's --parallel-min-bytes (32 MiB unless the flag or its variable says otherwise).
 */
export function namesLargeDispatchLog(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const command = argv[2];
  if (command !== 'discover' && command !== 'export') return false;
  const source = flagValues(argv, '--source')[0] ?? env.AFTERBURN_SOURCE;
  if (source !== undefined && source !== '' && source !== SOURCE) return false;
  // An incremental run reads only what was appended: whether that needs a helper is known only
  // once the store's cursors are read, and a cron run every few minutes should not pay for one.
  const incrementalRun =
    booleanFlagIn(argv.slice(3), '--incremental') ??
    parsedOr(boolean, env.AFTERBURN_INCREMENTAL?.trim() ?? '') === true;
  if (command === 'discover' && incrementalRun) return false;
  // The run's own threshold: a run told to stay on one thread must not get a helper early.
  const asked = flagValues(argv, '--parallel-min-bytes')[0] || env.AFTERBURN_PARALLEL_MIN_BYTES?.trim();
  const threshold = asked ? parsedOr(positiveInteger, asked) : DEFAULT_PARALLEL_MIN_BYTES;
  if (threshold === null) return false;
  const given = flagValues(argv, '--path');
  const paths = given.length > 0 ? given : (env.AFTERBURN_DISPATCH_OUTCOMES_PATH ?? '').split(path.delimiter);
  return paths.some((file) => {
    if (file === '' || file === '-') return false;
    // Any path the stat refuses (ENOTDIR, ELOOP, ENAMETOOLONG, EACCES, …) is the run's to report.
    const info = parsedOr((name) => statSync(name, { throwIfNoEntry: false }), file);
    return info?.isFile() === true && info.size >= threshold;
  });
}

function flagValues(argv: readonly string[], flag: string): string[] {
  const values: string[] = [];
  for (let i = 3; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === flag && argv[i + 1] !== undefined) values.push(argv[i + 1] as string);
    else if (arg.startsWith(`${flag}=`)) values.push(arg.slice(flag.length + 1));
  }
  return values;
}
