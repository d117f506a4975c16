import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUsageError, FIXTURE, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { busyLog } from '../helpers/logs.js';

/** Root reads any file whatever its mode, so as root the binary runs as `nobody` to see EACCES. */
const NOBODY = { uid: 65534, gid: 65534 };
const isRoot = process.getuid?.() === 0;

/** Starts a live process holding the store lock; resolves once it holds it. */
function holdLock(storeDir: string): Promise<{ pid: number; release: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'tests/findings/helpers/hold-lock.mjs'), storeDir],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (!chunk.includes('locked')) return;
      resolve({
        pid: child.pid as number,
        release: () =>
          new Promise((done) => {
            child.on('close', () => done());
            child.stdin.end();
          }),
      });
    });
  });
}

describe('e2e: error catalogue', () => {
  it('missing path', () =>
    expectUsageError(['discover', '--path', 'nope.jsonl'], /no such file or directory: nope\.jsonl/));
  it('no path at all', () =>
    expectUsageError(
      ['discover'],
      /no input for source dispatch-outcomes.*AFTERBURN_DISPATCH_OUTCOMES_PATH/,
    ));
  it('directory without logs', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'empty'));
    return expectUsageError(['discover', '--path', 'empty'], /no log files in empty/, { cwd: dir });
  });
  it('corrupt gzip', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'x.jsonl.gz'), 'this is not gzip');
    return expectUsageError(
      ['discover', '--path', 'x.jsonl.gz'],
      /x\.jsonl\.gz is not a readable gzip file/,
      { cwd: dir },
    );
  });
  it('unknown source', () =>
    expectUsageError(
      ['discover', '--source', 'nonsense', '--path', FIXTURE],
      /unknown source "nonsense".*dispatch-outcomes/,
    ));
  it('unknown flag', () => expectUsageError(['discover', '--bogus'], /unknown option '--bogus'/));
  it('unknown command', () => expectUsageError(['disocver'], /unknown command 'disocver'.*discover/));
  it('bad flag value', () =>
    expectUsageError(
      ['discover', '--path', FIXTURE, '--alpha', '2'],
      /invalid --alpha "2": must be a number between 0 and 1/,
    ));
  it('bad environment value names the variable', () =>
    expectUsageError(['discover', '--path', FIXTURE], /invalid AFTERBURN_MIN_SAMPLES "ten"/, {
      env: { AFTERBURN_MIN_SAMPLES: 'ten' },
    }));
  it('bad thread count, by flag or variable, on discover and export', async () => {
    await expectUsageError(
      ['discover', '--path', FIXTURE, '--threads', '0'],
      /invalid --threads "0": must be a whole number from 1 to 64/,
    );
    await expectUsageError(['export', '--path', FIXTURE, '--threads', 'all'], /invalid --threads "all"/);
    await expectUsageError(['discover', '--path', FIXTURE], /invalid AFTERBURN_THREADS "65"/, {
      env: { AFTERBURN_THREADS: '65' },
    });
  });
  it('bad format', () =>
    expectUsageError(
      ['discover', '--path', FIXTURE, '--format', 'xml'],
      /invalid --format "xml": use one of table, json, markdown/,
    ));
  it('corrupt store is an error and is left untouched', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, '.afterburn'));
    const file = path.join(dir, '.afterburn/findings.json');
    writeFileSync(file, '{"schema_version":1,"findings":[{"id":');
    await expectUsageError(
      ['discover', '--path', FIXTURE],
      /store .*findings\.json is corrupt.*never overwrites it/,
      { cwd: dir },
    );
    expect(readFileSync(file, 'utf8')).toBe('{"schema_version":1,"findings":[{"id":');
    await expectUsageError(['findings', 'list'], /is corrupt/, { cwd: dir });
  });
  it('store of an unknown schema_version, or with duplicate finding ids, is refused and left untouched', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, '.afterburn'));
    const file = path.join(dir, '.afterburn/findings.json');
    writeFileSync(file, '{"schema_version":0,"findings":[]}');
    await expectUsageError(
      ['findings', 'list'],
      /findings\.json is corrupt \(schema_version 0, which no afterburn writes\)/,
      {
        cwd: dir,
      },
    );
    const finding = (status: string) => ({
      id: 'friction-1',
      type: 'friction',
      source: 'dispatch-outcomes',
      description: 'd',
      confidence: 1,
      frequency: 1,
      sessions: [],
      evidence: 'e',
      verification: null,
      theme: 't',
      project_slug: null,
      created_at: '2026-10-01T00:00:00.000Z',
      status,
      occurrences: 1,
      first_seen: null,
      last_seen: null,
      scope: { arm: null },
      data: {},
    });
    const duplicated = JSON.stringify({
      schema_version: 1,
      findings: [finding('verified'), finding('rejected')],
    });
    writeFileSync(file, duplicated);
    await expectUsageError(
      ['findings', 'verify', 'friction-1', '--reject'],
      /is corrupt \(duplicate finding ids: friction-1 \(2 copies\)\) \(keep one copy of each id by hand/,
      { cwd: dir },
    );
    expect(readFileSync(file, 'utf8')).toBe(duplicated);
  });
  it('unreadable file', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    copyFileSync(FIXTURE, path.join(dir, 'x.jsonl'));
    chmodSync(path.join(dir, 'x.jsonl'), 0o000);
    await expectUsageError(
      ['discover', '--path', 'x.jsonl', '--store', path.join(tempDir(), 'store')],
      /^afterburn: cannot read x\.jsonl: EACCES \(check the file permissions\)$/,
      { cwd: dir, ...(isRoot ? { user: NOBODY } : {}) },
    );
  });
  it('store locked by a live process: waits AFTERBURN_LOCK_TIMEOUT_MS, then names the holder', async () => {
    const dir = tempDir();
    const storeDir = path.join(dir, '.afterburn');
    // A log without bad lines: stderr must hold nothing but the error.
    writeFileSync(path.join(dir, 'clean.jsonl'), busyLog(5));
    const holder = await holdLock(storeDir);
    try {
      const started = performance.now();
      const line = await expectUsageError(
        ['discover', '--path', 'clean.jsonl'],
        new RegExp(
          `^afterburn: store ${storeDir} is locked by pid ${holder.pid} on ${hostname()} since \\S+ running "hold-lock\\.mjs [^"]*" \\(wait for that run to finish, or remove ${storeDir}/lock if that process is gone\\)$`,
        ),
        { cwd: dir, env: { AFTERBURN_LOCK_TIMEOUT_MS: '300' } },
      );
      expect(line).toBeTruthy();
      // It waited rather than failing at once; the bound is loose because the machine may be busy.
      expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    } finally {
      await holder.release();
    }
    expect(existsSync(path.join(storeDir, 'lock'))).toBe(false);
    const after = await runCli(['discover', '--path', FIXTURE, '--format', 'json'], {
      cwd: dir,
      env: { AFTERBURN_LOCK_TIMEOUT_MS: '300' },
    });
    expect(after.code).toBe(0);
  });
  it('bad lock timeout', () =>
    expectUsageError(
      ['discover', '--path', FIXTURE],
      /invalid AFTERBURN_LOCK_TIMEOUT_MS "soon": must be a whole number/,
      {
        env: { AFTERBURN_LOCK_TIMEOUT_MS: 'soon' },
      },
    ));
  it('a path with terminal escapes is quoted inertly', async () => {
    const line = await expectUsageError(
      ['discover', '--path', '\u001b[2J\u001b[31mnope\u009b.jsonl'],
      /no such file or directory: /,
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(line).toContain('[2J [31mnope .jsonl');
  });
  it('a timestamp beyond the last representable date is skipped, not a crash', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'far.jsonl'),
      '{"kind":"dispatch","ts_dispatched":9000000000000000,"agent":"a","attempt_id":"x","prompt_fingerprint":"f","atomic_hook_outcome":"deny","block_reasons":["r"]}\n',
    );
    const result = await runCli(['discover', '--path', 'far.jsonl', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).counts).toMatchObject({ lines: 1, skipped: 1, dispatch: 0 });
    expect(result.stderr).toMatch(/far\.jsonl:1: skipped: dispatch field "ts_dispatched"/);
  });
  it('unknown finding id', async () => {
    const cwd = tempDir();
    expect((await runCli(['discover', '--path', FIXTURE], { cwd })).code).toBe(0);
    await expectUsageError(
      ['findings', 'show', 'friction-0000000000000000'],
      /no finding with id "friction-0000000000000000".*findings list/,
      { cwd },
    );
  });
  it('--debug adds a stack trace', async () => {
    const result = await runCli(['--debug', 'discover', '--path', 'nope.jsonl']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\n\s+at /);
  });
});

describe('e2e: help, version, schema', () => {
  it('--help lists every command and environment variable', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const word of [
      'discover',
      'findings',
      'schema',
      'sources',
      'AFTERBURN_DISPATCH_OUTCOMES_PATH',
      'AFTERBURN_STORE',
      'AFTERBURN_FAIL_ON',
    ]) {
      expect(result.stdout).toContain(word);
    }
  });
  it('no command shows the help on stderr and exits 2', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: afterburn');
  });
  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it('schema prints the JSON Schema of the run report and of a finding', async () => {
    const result = await runCli(['schema']);
    expect(result.code).toBe(0);
    const schemas = JSON.parse(result.stdout);
    expect(schemas.run_report.properties.counts.required).toEqual(
      expect.arrayContaining([
        'lines',
        'blank',
        'skipped',
        'dispatch',
        'finalize',
        'joined',
        'denied',
        'unmatched_dispatch',
        'unmatched_finalize',
        'duplicates',
      ]),
    );
    expect(schemas.finding.required).toEqual(
      expect.arrayContaining(['id', 'type', 'status', 'occurrences', 'scope', 'data']),
    );
  });
});
