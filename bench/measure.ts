import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { median } from '../src/stats/quantiles.js';

/** The checkout the bench runs from, and what every case shares: the seed of its logs, a MiB. */
export const ROOT = path.resolve(import.meta.dirname, '..');
export const SEED = 4242;
export const MB = 1024 * 1024;

/** The median of a case's rounds (there is always at least one). */
export const medianOf = (values: number[]): number => median(values) as number;

export interface Sample {
  ms: number;
  rssMb: number;
  /** User + system CPU time of the process; NaN where no probe ran. */
  cpuMs: number;
}

/**
 * Runs a program as a shell would (so the CLI gets the node flags of its #! line) with the peak
 * RSS probe preloaded through NODE_OPTIONS.
 */
export function measure(
  program: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Sample {
  const scratch = mkdtempSync(path.join(tmpdir(), 'afterburn-bench-run-'));
  const rssFile = path.join(scratch, 'rss');
  const preload = `--import=${pathToFileURL(path.join(ROOT, 'bench/rss.mjs')).href}`;
  const started = process.hrtime.bigint();
  const result = spawnSync(program, args, {
    cwd: scratch,
    env: {
      ...process.env,
      ...env,
      NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' '),
      BENCH_RSS_FILE: rssFile,
      AFTERBURN_STORE: path.join(scratch, 'store'),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * MB,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(
      `${program} ${args.join(' ')} exited ${result.status}: ${result.stderr.toString().slice(-2000)}`,
    );
  }
  // A program that is not Node (ccusage's native binary) leaves no RSS probe file.
  const [rssKb, cpuMs] = existsSync(rssFile)
    ? (readFileSync(rssFile, 'utf8').split(' ').map(Number) as [number, number])
    : [Number.NaN, Number.NaN];
  rmSync(scratch, { recursive: true, force: true });
  return { ms, rssMb: rssKb / 1024, cpuMs };
}
