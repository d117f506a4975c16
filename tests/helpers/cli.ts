import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { expect } from 'vitest';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/afterburn.js');
export const FIXTURE = path.join(ROOT, 'fixtures/outcomes.jsonl');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: nothing of the developer's AFTERBURN_* or colour settings leaks into a test. */
export function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', NO_COLOR: '1' };
  return { ...env, ...extra };
}

export function tempDir(prefix = 'afterburn-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

let worldReadableBin: string | undefined;

/**
 * The built binary copied into a directory every user can read. Another user cannot always reach the
 * checkout (one under a private directory such as `mktemp -d` makes, mode 700), so a run as that user
 * runs this copy of the same build; it is copied once per test file, after the global build.
 */
function binForAnyUser(): string {
  if (worldReadableBin) return worldReadableBin;
  const root = tempDir('afterburn-bin-');
  for (const dir of ['bin', 'dist']) cpSync(path.join(ROOT, dir), path.join(root, dir), { recursive: true });
  // Whatever the checkout's umask made of them, every user may read the copies.
  chmodSync(root, 0o755);
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    chmodSync(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
  }
  worldReadableBin = path.join(root, 'bin/afterburn.js');
  return worldReadableBin;
}

/** Runs the real binary (compiled JavaScript, as users run it). */
export function runCli(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string>;
    stdin?: string | Buffer;
    /** Run as another user (root only), e.g. to test permissions that root would bypass. */
    user?: { uid: number; gid: number };
  } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [options.user ? binForAnyUser() : BIN, ...args], {
    cwd: options.cwd ?? tempDir(),
    env: baseEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.user ?? {}),
  });
  const result = collectOutput(child);
  child.stdin.end(options.stdin ?? '');
  return result;
}

/** A started process's stdout and stderr as text, and how it ended; resolves when it exits. */
export function collectOutput(
  child: ChildProcessByStdio<Writable | null, Readable, Readable>,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Every user error: exit 2, exactly one line on stderr naming the problem and the fix, no stack trace. */
export async function expectUsageError(
  args: string[],
  pattern: RegExp,
  options: Parameters<typeof runCli>[1] = {},
): Promise<string> {
  const result = await runCli(args, options);
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^afterburn: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}
