import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  watch,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FindingStore } from '../../src/findings/store.js';
import { mulberry32 } from '../../src/stats/random.js';
import { BIN, baseEnv, FIXTURE, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { withoutTimes } from '../helpers/findings.js';
import { busyLog } from '../helpers/logs.js';
import { DAY, dispatchLine, finalizeLine, T0 } from '../helpers/records.js';
import { storeFiles } from '../helpers/store.js';

const PEAK_RSS = path.join(ROOT, 'tests/helpers/peak-rss.mjs');

/** Runs the real binary with the peak-RSS probe preloaded; returns the exit code and peak RSS in bytes. */
function runMeasured(
  args: string[],
  cwd: string,
): Promise<{ code: number | null; peakBytes: number; stderr: string }> {
  const rssFile = path.join(cwd, `rss-${Math.random().toString(16).slice(2)}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', PEAK_RSS, BIN, ...args], {
      cwd,
      env: baseEnv({ AFTERBURN_TEST_PEAK_RSS_FILE: rssFile }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, peakBytes: Number(readFileSync(rssFile, 'utf8')) * 1024, stderr });
    });
  });
}

/** What a correct run reports, without the store's timestamps (which depend on when it ran). */
function comparable(stdout: string): unknown {
  const report = JSON.parse(stdout) as {
    counts: unknown;
    verdict: unknown;
    findings: Record<string, unknown>[];
  };
  return {
    counts: report.counts,
    verdict: report.verdict,
    findings: withoutTimes(report.findings),
  };
}

describe('e2e: resource limits', () => {
  it('a 100 MB single line is skipped and counted without raising peak memory by 100 MB', async () => {
    const dir = tempDir();
    const valid = readFileSync(FIXTURE);
    writeFileSync(path.join(dir, 'small.jsonl'), valid);
    const big = path.join(dir, 'big.jsonl');
    const fd = openSync(big, 'w');
    try {
      writeSync(fd, valid);
      const megabyte = Buffer.alloc(1024 * 1024, 'x');
      writeSync(fd, '{"kind":"dispatch","padding":"');
      for (let i = 0; i < 100; i += 1) writeSync(fd, megabyte);
      writeSync(fd, '"}\n');
      writeSync(fd, valid);
    } finally {
      closeSync(fd);
    }
    try {
      const baseline = await runMeasured(['discover', '--path', 'small.jsonl', '--store', 's1'], dir);
      // One thread, like the baseline: a second thread's own heap would blur what the line costs.
      const huge = await runMeasured(
        ['discover', '--path', 'big.jsonl', '--store', 's2', '--parallel-min-bytes', String(2 ** 40)],
        dir,
      );
      expect(baseline.code).toBe(0);
      expect(huge.code).toBe(0);
      expect(huge.stderr).toMatch(/big\.jsonl:\d+: skipped: line longer than 4194304 bytes/);
      // Holding the line would cost at least its 100 MB; streaming costs a few chunks.
      expect(huge.peakBytes - baseline.peakBytes).toBeLessThan(50 * 1024 * 1024);
    } finally {
      rmSync(big, { force: true });
    }
  });

  it('NUL bytes, invalid UTF-8 and binary garbage are skipped and counted, valid lines around them are kept', async () => {
    const dir = tempDir();
    const good = [dispatchLine(), finalizeLine()];
    const bytes = Buffer.concat([
      Buffer.from(`${good[0]}\n`),
      Buffer.alloc(300, 0), // a log padded with zeros after a crash: one line of NULs
      Buffer.from(`${good[1]}\n`),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]), // invalid UTF-8
      Buffer.from(`${dispatchLine({ attempt_id: 'a2' }).slice(0, 30)}\u0000${'}'}\n`), // NUL inside a record
      Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x0a]), // gzip magic in a plain file
    ]);
    writeFileSync(path.join(dir, 'bin.jsonl'), bytes);
    const result = await runCli(['discover', '--path', 'bin.jsonl', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    // The NUL run has no newline of its own, so it and the finalize after it form one line.
    expect(report.counts).toMatchObject({ lines: 5, skipped: 4, dispatch: 1, finalize: 0, blank: 0 });
    expect(result.stderr).toContain('bin.jsonl:2: skipped: contains NUL bytes');
    expect(result.stderr).toContain('bin.jsonl:3: skipped: not valid UTF-8');
    expect(result.stderr).toContain('bin.jsonl:4: skipped: contains NUL bytes');
    expect(result.stderr).toMatch(/bin\.jsonl:5: skipped: (not valid UTF-8|contains NUL bytes)/);
  });

  it('timestamps that look like seconds are reported once, with the first line numbers and a count', async () => {
    const dir = tempDir();
    const seconds = Math.floor(T0 / 1000);
    const lines = [dispatchLine({ attempt_id: 'ms', prompt_fingerprint: 'ms', ts_dispatched: T0 + DAY })];
    for (let i = 0; i < 8; i += 1) {
      lines.push(
        dispatchLine({ attempt_id: `s${i}`, prompt_fingerprint: `s${i}`, ts_dispatched: seconds + i }),
        finalizeLine({ attempt_id: `s${i}`, prompt_fingerprint: `s${i}`, ts_completed: seconds + i + 60 }),
      );
    }
    writeFileSync(path.join(dir, 'sec.jsonl'), `${lines.join('\n')}\n`);
    const result = await runCli(['discover', '--path', 'sec.jsonl', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).counts).toMatchObject({ lines: 17, skipped: 0, joined: 8 });
    const notices = result.stderr.split('\n').filter((line) => line.includes('seconds'));
    expect(notices).toEqual([
      'afterburn: warning: 16 record(s) have ts_completed/ts_dispatched below 1e+11, which looks like epoch ' +
        'seconds rather than milliseconds (sec.jsonl:2, sec.jsonl:3, sec.jsonl:4, sec.jsonl:5, sec.jsonl:6 ' +
        'and 11 more); they are read as milliseconds (fix the producer to write epoch milliseconds)',
    ]);

    const fine = await runCli(['discover', '--path', FIXTURE, '--format', 'json']);
    expect(fine.stderr).not.toContain('seconds');
  });
});

describe('e2e: crash-safe store', () => {
  it('SIGKILL at random moments never leaves an unreadable store, and the next run is correct', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'busy.jsonl'), busyLog(600));
    const args = ['discover', '--path', 'busy.jsonl', '--format', 'json'];

    const started = performance.now();
    const reference = await runCli([...args, '--store', 'reference'], { cwd: dir });
    const runMs = performance.now() - started;
    expect(reference.code).toBe(0);
    const expected = comparable(reference.stdout);

    const storeDir = path.join(dir, '.afterburn');
    const store = new FindingStore(storeDir, { now: Date.now });

    const random = mulberry32(20261123);
    mkdirSync(storeDir, { recursive: true });
    let killed = 0;
    for (let round = 0; round < 6; round += 1) {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: baseEnv(), stdio: 'ignore' });
      const kill = (): boolean => child.kill('SIGKILL');
      // Even rounds kill at a random moment of the whole run; odd rounds aim at the store update,
      // a window of milliseconds: a random few ms after the run creates the store lock.
      const timer = setTimeout(kill, runMs * (round % 2 === 0 ? 0.3 + random() * 0.9 : 2));
      const watcher = watch(storeDir, (_event, name) => {
        if (round % 2 === 1 && name === 'lock') setTimeout(kill, random() * 15);
      });
      const signal = await new Promise<NodeJS.Signals | null>((resolve) => {
        child.on('close', (_code, sig) => resolve(sig));
      });
      clearTimeout(timer);
      watcher.close();
      if (signal === 'SIGKILL') killed += 1;

      // Readable: missing (never written) or complete; never torn.
      await expect(store.list()).resolves.toBeInstanceOf(Array);
      if (round === 2) {
        const next = await runCli(args, { cwd: dir });
        expect(next.code, next.stderr).toBe(0);
        expect(comparable(next.stdout)).toEqual(expected);
      }
    }
    expect(killed).toBeGreaterThan(0);
    const final = await runCli(args, { cwd: dir });
    expect(final.code, final.stderr).toBe(0);
    expect(comparable(final.stdout)).toEqual(expected);
    // No lock, no temporary and no old generation of a killed writer is left once a run completes.
    const files = [...storeFiles(storeDir).keys()].map((file) => file.replace(/^gen-\d+/, 'gen-N'));
    expect(files.sort()).toEqual([
      'CURRENT',
      'findings.json',
      'fix-list.jsonl',
      'gen-N/findings.json',
      'gen-N/fix-list.jsonl',
      'gen-N/runs/dispatch-outcomes.json',
    ]);
    // Each round spawns a fresh node; on a loaded machine that alone can take a second.
  }, 90_000);

  it("two runs at once on different logs never lose each other's findings", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.jsonl'), busyLog(40));
    writeFileSync(path.join(dir, 'b.jsonl'), readFileSync(FIXTURE));
    const [a, b] = await Promise.all([
      runCli(['discover', '--path', 'a.jsonl', '--format', 'json'], { cwd: dir }),
      runCli(['discover', '--path', 'b.jsonl', '--format', 'json'], { cwd: dir }),
    ]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const ids = (stdout: string): string[] => JSON.parse(stdout).findings.map((f: { id: string }) => f.id);
    const listed = await runCli(['findings', 'list', '--json'], { cwd: dir });
    expect(ids(`{"findings":${listed.stdout}}`).sort()).toEqual(
      [...new Set([...ids(a.stdout), ...ids(b.stdout)])].sort(),
    );
  });

  it('a failing write (ENOSPC, injected) leaves the previous store intact and exits 2 with one clear line', async () => {
    const dir = tempDir();
    // Logs without bad lines, so stderr holds nothing but the error.
    writeFileSync(path.join(dir, 'old.jsonl'), busyLog(30));
    const first = await runCli(['discover', '--path', 'old.jsonl', '--format', 'json'], { cwd: dir });
    expect(first.code).toBe(0);
    const storeDir = path.join(dir, '.afterburn');
    const before = storeFiles(storeDir);

    writeFileSync(path.join(dir, 'more.jsonl'), busyLog(50));
    const failed = await runCli(
      ['discover', '--path', 'old.jsonl', '--path', 'more.jsonl', '--format', 'json'],
      {
        cwd: dir,
        env: { AFTERBURN_TEST_FAIL_WRITE: 'ENOSPC' },
      },
    );
    expect(failed.code).toBe(2);
    expect(failed.stdout).toBe('');
    const lines = failed.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^afterburn: could not write .*findings\.json: ENOSPC: .* \(free disk space or fix permissions; the previous store is intact\)$/,
    );
    expect(storeFiles(storeDir)).toEqual(before);

    const retry = await runCli(
      ['discover', '--path', 'old.jsonl', '--path', 'more.jsonl', '--format', 'json'],
      {
        cwd: dir,
      },
    );
    expect(retry.code).toBe(0);
    expect(storeFiles(storeDir)).not.toEqual(before);
  });
});
