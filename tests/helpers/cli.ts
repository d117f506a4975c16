import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

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
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? tempDir(),
      env: baseEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.user ?? {}),
    });
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
    child.stdin.end(options.stdin ?? '');
  });
}
