import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { busyLog } from '../helpers/logs.js';
import { currentFile, storeFiles } from '../helpers/store.js';

/**
 * A failure at every step of a commit, one step per run: the store must read as exactly the old
 * one (every file, byte for byte) until the step that switches CURRENT, exactly the new one
 * after it, and the next run must succeed. The failures come through the CLI's test-only hook
 * (AFTERBURN_TEST_FAIL_WRITE=ENOSPC@<step>), so exit codes and messages are the real ones.
 */
const NOW = Date.parse('2026-11-01T00:00:00.000Z');
const work = mkdtempSync(path.join(tmpdir(), 'afterburn-commit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function afterburn(args: string[], env: Record<string, string> = {}): Promise<InProcessResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const code = await run(args, {
    stdout,
    stderr,
    stdin: Readable.from([]),
    env: { TZ: 'UTC', ...env },
    cwd: work,
    homeDir: work,
    now: () => NOW,
  });
  return { code, stdout: out, stderr: err };
}

/** A store's files with generation numbers left out, for stores that took different paths there. */
function normalized(storeDir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const [file, content] of storeFiles(storeDir)) {
    files.set(file.replace(/^gen-\d+/, 'gen-N'), content.replace(/gen-\d+/g, 'gen-N'));
  }
  return files;
}

function generations(storeDir: string): string[] {
  return [...storeFiles(storeDir).keys()].filter(
    (file) => !/^(CURRENT|findings\.json|fix-list\.jsonl)$/.test(file),
  );
}

let scenarios = 0;

/**
 * Runs `args` against a copy of the store `prepare` made, once per step with that step failing.
 * A step whose failure changes nothing (closing a directory handle after its fsync) gives a run
 * that completes cleanly; three such runs in a row mean the steps have run out.
 */
async function failEveryStep(
  prepare: (storeDir: string) => Promise<void>,
  args: (storeDir: string) => string[],
) {
  scenarios += 1;
  const template = path.join(work, `template-${scenarios}`);
  await prepare(template);
  const old = storeFiles(template);
  const reference = path.join(work, `reference-${scenarios}`);
  cpSync(template, reference, { recursive: true, verbatimSymlinks: true });
  const succeeded = await afterburn(args(reference));
  expect(succeeded.code, succeeded.stderr).toBe(0);
  const expected = normalized(reference);

  const outcomes: ('old' | 'new' | 'clean')[] = [];
  for (let step = 1; outcomes.slice(-3).join() !== 'clean,clean,clean'; step += 1) {
    expect(step).toBeLessThan(400);
    const storeDir = path.join(work, `s${scenarios}-step-${step}`);
    cpSync(template, storeDir, { recursive: true, verbatimSymlinks: true });
    const failed = await afterburn(args(storeDir), { AFTERBURN_TEST_FAIL_WRITE: `ENOSPC@${step}` });
    const lines = failed.stderr.trimEnd().split('\n');
    if (
      failed.code === 0 &&
      generations(storeDir).every((file) => file.startsWith(currentGeneration(storeDir)))
    ) {
      expect(normalized(storeDir)).toEqual(expected);
      outcomes.push('clean');
      continue;
    }
    if (storeFiles(storeDir).get('CURRENT') === old.get('CURRENT') && failed.code === 2) {
      // Nothing was committed: all of the old store, and a message that says so.
      expect(storeFiles(storeDir), `step ${step}`).toEqual(old);
      expect(lines, `step ${step}`).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^afterburn: could not write .*: ENOSPC: injected failure of \w+, \w+ \(free disk space or fix permissions; the previous store is intact\)$/,
      );
      outcomes.push('old');
    } else {
      // Committed: the new store, whatever failed after the switch (a root link, an fsync, the
      // removal of the old generation); a failure the user must know of never claims otherwise.
      const committed = normalized(storeDir);
      expect(committed.get('gen-N/findings.json'), `step ${step}`).toEqual(
        expected.get('gen-N/findings.json'),
      );
      expect(readFileSync(currentFile(storeDir, 'fix-list.jsonl'), 'utf8')).toEqual(
        expected.get('gen-N/fix-list.jsonl'),
      );
      if (failed.code !== 0) {
        expect(failed.code).toBe(2);
        expect(lines).toHaveLength(1);
        expect(lines[0]).not.toContain('intact');
        expect(lines[0]).toMatch(/is committed|is in place/);
      }
      outcomes.push('new');
    }
    const next = await afterburn(args(storeDir));
    expect(next.code, `after step ${step}: ${next.stderr}`).toBe(0);
    if (outcomes.at(-1) === 'old') expect(normalized(storeDir), `after step ${step}`).toEqual(expected);
    rmSync(storeDir, { recursive: true, force: true });
  }
  // Every failure before the switch kept the old store, every one after it gave the new one.
  const effects = outcomes.filter((outcome) => outcome !== 'clean');
  const switchedAt = effects.indexOf('new');
  expect(switchedAt).toBeGreaterThan(8);
  expect(effects.slice(switchedAt).every((outcome) => outcome === 'new')).toBe(true);
  return outcomes;
}

function currentGeneration(storeDir: string): string {
  return readFileSync(path.join(storeDir, 'CURRENT'), 'utf8').trim();
}

const log = path.join(work, 'busy.jsonl');
const more = path.join(work, 'more.jsonl');
writeFileSync(log, busyLog(22));
writeFileSync(more, busyLog(40).split('\n').slice(60).join('\n'));

describe('a failure at any step of a store commit', () => {
  it('discover: the old store until CURRENT switches, the new one after, and the next run succeeds', async () => {
    await failEveryStep(
      async (storeDir) => {
        expect(
          (await afterburn(['discover', '--path', log, '--store', storeDir, '--format', 'json'])).code,
        ).toBe(0);
      },
      (storeDir) => ['discover', '--path', log, '--path', more, '--store', storeDir, '--format', 'json'],
    );
  }, 120_000);

  it('incremental discover: the state is part of the commit', async () => {
    const growing = path.join(work, 'growing.jsonl');
    const lines = busyLog(30).split('\n');
    writeFileSync(growing, `${lines.slice(0, 40).join('\n')}\n`);
    const args = (storeDir: string) => [
      'discover',
      '--incremental',
      '--path',
      growing,
      '--store',
      storeDir,
      '--format',
      'json',
    ];
    await failEveryStep(async (storeDir) => {
      expect((await afterburn(args(storeDir))).code).toBe(0);
      appendFileSync(growing, lines.slice(40).join('\n'));
    }, args);
  }, 120_000);

  it('findings verify', async () => {
    let id = '';
    await failEveryStep(
      async (storeDir) => {
        const report = await afterburn(['discover', '--path', log, '--store', storeDir, '--format', 'json']);
        id = (JSON.parse(report.stdout) as { findings: { id: string }[] }).findings[0]?.id ?? '';
      },
      (storeDir) => ['findings', 'verify', id, '--note', 'checked', '--store', storeDir],
    );
  }, 120_000);

  it('the first commit to a store of the flat layout (before generations) migrates it whole or not at all', async () => {
    await failEveryStep(
      async (storeDir) => {
        const args = ['discover', '--incremental', '--path', log, '--store', storeDir, '--format', 'json'];
        expect((await afterburn(args)).code).toBe(0);
        flatten(storeDir);
      },
      (storeDir) => ['discover', '--path', log, '--path', more, '--store', storeDir, '--format', 'json'],
    );
  }, 120_000);
});

/** Turns a store into the flat layout of afterburn before generations: every file at the root. */
function flatten(storeDir: string): void {
  const generation = currentGeneration(storeDir);
  for (const file of ['CURRENT', 'findings.json', 'fix-list.jsonl']) rmSync(path.join(storeDir, file));
  for (const entry of ['findings.json', 'fix-list.jsonl', 'runs', 'state']) {
    renameSync(path.join(storeDir, generation, entry), path.join(storeDir, entry));
  }
  rmSync(path.join(storeDir, generation), { recursive: true });
}
