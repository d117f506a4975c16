import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, createWriteStream, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BIN, baseEnv, type CliResult, collectOutput, FIXTURE, runCli, tempDir } from '../helpers/cli.js';

/**
 * Named pipes, `<(cat x)` and /dev/stdin are read as streams, like stdin: never sized, split or
 * seeked (a seek is the ESPIPE these used to fail with). Every test has a time limit: a read that
 * hangs fails the test instead of CI.
 */
function fifo(dir: string, name = 'outcomes.jsonl'): string {
  const file = path.join(dir, name);
  const made = spawnSync('mkfifo', [file]);
  expect(made.status, String(made.stderr)).toBe(0);
  return file;
}

/** Starts the binary; resolves when it exits. */
function start(args: string[], cwd: string): Promise<CliResult> {
  return collectOutput(
    spawn(process.execPath, [BIN, ...args], { cwd, env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] }),
  );
}

/** Opens the pipe for writing (which waits for its reader), writes the fixture and closes it. */
function writeFixtureInto(pipe: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const writer = createWriteStream(pipe);
    writer.on('error', reject);
    writer.end(readFileSync(FIXTURE), () => resolve());
  });
}

const reference = (async () =>
  JSON.parse((await runCli(['discover', '--path', FIXTURE, '--format', 'json'])).stdout))();

describe('e2e: named pipes and character devices as --path', () => {
  it('discover reads a FIFO whose writer writes and closes, with the counts of the file', async () => {
    const dir = tempDir();
    const pipe = fifo(dir);
    const run = start(
      ['discover', '--path', pipe, '--store', path.join(dir, 'store'), '--format', 'json'],
      dir,
    );
    await writeFixtureInto(pipe);
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).counts).toEqual((await reference).counts);
  }, 30_000);

  it('waits, like cat, for a writer that opens the FIFO only later', async () => {
    const dir = tempDir();
    const pipe = fifo(dir);
    let exited = false;
    const run = start(
      ['discover', '--path', pipe, '--store', path.join(dir, 'store'), '--format', 'json'],
      dir,
    );
    void run.then(() => {
      exited = true;
    });
    await sleep(1500);
    expect(exited).toBe(false);
    await writeFixtureInto(pipe);
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).counts).toEqual((await reference).counts);
  }, 30_000);

  it('--incremental reads a FIFO in full every time, as it reads stdin, and keeps no cursor for it', async () => {
    const dir = tempDir();
    const pipe = fifo(dir);
    const args = [
      'discover',
      '--incremental',
      '--path',
      pipe,
      '--store',
      path.join(dir, 'store'),
      '--format',
      'json',
    ];
    for (let round = 0; round < 2; round += 1) {
      const run = start(args, dir);
      await writeFixtureInto(pipe);
      const result = await run;
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout);
      // The fixture's last line is complete, so a stream counts every line each time.
      expect(report.counts).toEqual((await reference).counts);
      expect(report.counts_this_run).toEqual((await reference).counts);
    }
  }, 30_000);

  it('export reads a FIFO', async () => {
    const dir = tempDir();
    const pipe = fifo(dir);
    const run = start(['export', '--path', pipe], dir);
    await writeFixtureInto(pipe);
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    const fromFile = await runCli(['export', '--path', FIXTURE]);
    expect(result.stdout).toBe(fromFile.stdout);
    expect(result.stdout.length).toBeGreaterThan(0);
  }, 30_000);

  it('a process substitution, --path <(cat x), is read like the file', async () => {
    const dir = tempDir();
    const script = 'exec "$0" "$1" discover --path <(cat "$2") --store "$3" --format json';
    const result = spawnSync(
      'bash',
      ['-c', script, process.execPath, BIN, FIXTURE, path.join(dir, 'store')],
      {
        env: baseEnv(),
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).counts).toEqual((await reference).counts);
  }, 30_000);

  it('a socket (what /dev/stdin is when a parent gives a socket pair as stdin) says to use -', async () => {
    const result = await runCli(['discover', '--path', '/dev/stdin'], { stdin: readFileSync(FIXTURE) });
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'afterburn: cannot read /dev/stdin: it is a socket (pipe its data to stdin and pass --path - instead)',
    ]);
  });
});

const NOBODY = { uid: 65534, gid: 65534 };
const isRoot = process.getuid?.() === 0;

/** One line on stderr, exit 2, no stack trace: from the bin's prestart as from the CLI. */
async function expectPathError(args: string[], pattern: RegExp, options: Parameters<typeof runCli>[1] = {}) {
  const result = await runCli(args, options);
  expect(result.stderr).not.toMatch(/\n\s+at |node:fs/);
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('e2e: paths the system refuses', () => {
  for (const command of ['discover', 'export']) {
    it(`${command}: a path through a file (ENOTDIR)`, () =>
      expectPathError(
        [command, '--path', `${FIXTURE}/x.jsonl`],
        /^afterburn: no such file or directory: .*x\.jsonl/,
      ));

    it(`${command}: a loop of symbolic links (ELOOP)`, async () => {
      const dir = tempDir();
      symlinkSync(path.join(dir, 'b.jsonl'), path.join(dir, 'a.jsonl'));
      symlinkSync(path.join(dir, 'a.jsonl'), path.join(dir, 'b.jsonl'));
      await expectPathError(
        [command, '--path', 'a.jsonl'],
        /^afterburn: cannot read a\.jsonl: ELOOP \(.*loop of symbolic links/,
        {
          cwd: dir,
        },
      );
    });

    it(`${command}: a 5,000-character path (ENAMETOOLONG)`, () =>
      expectPathError(
        [command, '--path', `${'a'.repeat(5000)}.jsonl`],
        /^afterburn: cannot read a+\.jsonl: ENAMETOOLONG \(/,
      ));
  }

  it('the variable of a source path goes through the same check', () =>
    expectPathError(['discover'], /^afterburn: no such file or directory: .*x\.jsonl/, {
      env: { AFTERBURN_DISPATCH_OUTCOMES_PATH: `${FIXTURE}/x.jsonl` },
    }));

  it('a file under a directory that cannot be searched (EACCES)', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    mkdirSync(path.join(dir, 'locked'));
    copyFileSync(FIXTURE, path.join(dir, 'locked', 'x.jsonl'));
    chmodSync(path.join(dir, 'locked'), 0o000);
    // Root searches any directory: the run is made as nobody then, whom the mode does stop.
    await expectPathError(
      ['discover', '--path', 'locked/x.jsonl', '--store', path.join(tempDir(), 'store')],
      /^afterburn: cannot read locked\/x\.jsonl: EACCES \(/,
      { cwd: dir, ...(isRoot ? { user: NOBODY } : {}) },
    );
  });
});
