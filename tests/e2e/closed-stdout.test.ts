import { spawn } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, baseEnv, type CliResult, FIXTURE, runCli, tempDir } from '../helpers/cli.js';
import { busyLog } from '../helpers/logs.js';

/**
 * `afterburn … | head -1`: the reader closes the pipe before afterburn has written everything.
 * That is not an error (no EPIPE message, no internal error), and the exit code stays the
 * command's own: 0, or 1 when its gate failed, so `set -o pipefail` still sees a failed gate.
 */
function withStdoutClosed(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: baseEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Closed before the child can have started, so its first write to stdout meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: '', stderr }));
  });
}

let store: string;
/** Enough rows that export writes several batches and waits for stdout to drain between them. */
let bigLog: string;

beforeAll(async () => {
  const dir = tempDir();
  const seeded = await runCli(['discover', '--path', FIXTURE, '--store', 'store'], { cwd: dir });
  expect(seeded.code, seeded.stderr).toBe(0);
  store = path.join(dir, 'store');
  bigLog = path.join(dir, 'big.jsonl');
  writeFileSync(bigLog, busyLog(20_000));
});

const quiet = (stderr: string) => stderr.replace(/^afterburn: warning: .*skipped: not valid JSON\n/m, '');

describe('e2e: stdout closed early (| head)', () => {
  it.each([
    ['findings list', () => ['findings', 'list', '--store', store]],
    ['findings list --no-json', () => ['findings', 'list', '--no-json', '--store', store]],
    ['report --format json', () => ['report', '--store', store, '--format', 'json']],
    ['report --format html', () => ['report', '--store', store, '--format', 'html']],
    ['schema', () => ['schema']],
    ['export', () => ['export', '--path', FIXTURE]],
    ['export of many rows', () => ['export', '--path', bigLog]],
    ['metrics', () => ['metrics', '--path', FIXTURE]],
  ])('%s exits 0 and says nothing', async (_name, args) => {
    const out = await withStdoutClosed(args(), tempDir());
    expect(quiet(out.stderr)).toBe('');
    expect(out.signal).toBeNull();
    expect(out.code).toBe(0);
  });

  it('discover whose gate passes exits 0, and it stored its findings', async () => {
    const dir = tempDir();
    const out = await withStdoutClosed(['discover', '--path', FIXTURE, '--store', 'store'], dir);
    expect(quiet(out.stderr)).toBe('');
    expect(out.code).toBe(0);
    const listed = await runCli(['findings', 'list', '--store', 'store'], { cwd: dir });
    expect(JSON.parse(listed.stdout).length).toBeGreaterThan(10);
  });

  it.each([
    ['', {}],
    // The summary is appended after the report was printed: the run is still busy when EPIPE arrives.
    [' under --github', { GITHUB_STEP_SUMMARY: 'summary.md' }],
  ])('discover whose gate fails still exits 1 and says why%s', async (_label, env) => {
    const dir = tempDir();
    cpSync(store, path.join(dir, 'store'), { recursive: true });
    const out = await withStdoutClosed(
      [
        'discover',
        '--path',
        FIXTURE,
        '--store',
        'store',
        '--fail-on',
        'fail',
        '--gate-arms',
        '--no-github',
      ].concat('GITHUB_STEP_SUMMARY' in env ? ['--github'] : []),
      dir,
      env,
    );
    expect(out.stderr).toMatch(/afterburn: gate failed: 1 of 3 arms fail: reviewer/);
    expect(out.stderr).not.toMatch(/EPIPE|internal error/);
    expect(out.code).toBe(1);
  });

  it('--help says so beside the exit codes', async () => {
    const help = await runCli(['--help']);
    expect(help.stdout).toMatch(
      /Exit codes: [\s\S]*stdout closed early \(\| head\) is not an\s+error: the command finishes and keeps its own code/,
    );
  });
});
