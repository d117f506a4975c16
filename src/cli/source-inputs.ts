import path from 'node:path';
import { AfterburnError } from '../common/errors.js';
import { type InputFile, resolveInputs } from '../input/inputs.js';
import type { Source } from '../sources/types.js';
import type { CliIo } from './io.js';

/** The source's path variable may hold several paths separated like PATH (`:` on POSIX). */
export function envPaths(io: CliIo, variable: string): string[] | undefined {
  const value = io.env[variable];
  if (value === undefined) return undefined;
  return value
    .split(path.delimiter)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/**
 * What to read: --path, else the source's path variable, else (when `guess` allows it) the places
 * the source's logs usually live; none of them is a usage error naming both ways to give one.
 */
export function inputPaths(
  source: Source,
  flagPaths: string[] | undefined,
  io: CliIo,
  { guess }: { guess: boolean },
): string[] {
  const paths =
    flagPaths ??
    envPaths(io, source.pathEnvVar) ??
    (guess ? source.defaultPaths({ env: io.env, homeDir: io.homeDir }) : []);
  if (paths.length === 0) {
    throw new AfterburnError('missing_path', `no input for source ${source.name}`, {
      hint: `pass --path <file|dir|-> or set ${source.pathEnvVar}`,
    });
  }
  return paths;
}

/**
 * The input files behind the paths; a source that expands its own inputs (one run per directory
 * layout, …) also names them after the paths as given.
 */
export async function sourceInputs(
  source: Source,
  paths: string[],
  io: CliIo,
): Promise<{ inputs: InputFile[]; inputNames?: string[] }> {
  if (source.expandInputs) return { inputs: await source.expandInputs(paths, io.cwd), inputNames: paths };
  return { inputs: await resolveInputs(paths, io.cwd, source.logFiles) };
}
