import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINDING_TYPES } from '../../src/findings/schema.js';
import { expectUsageError, FIXTURE, runCli, tempDir } from '../helpers/cli.js';

/** Errors that name what is really wrong, in words, never an internal code such as store_write. */
let cwd: string;

beforeAll(async () => {
  cwd = tempDir();
  const run = await runCli(['discover', '--path', FIXTURE], { cwd });
  expect(run.code, run.stderr).toBe(0);
  const saved = await runCli(['baseline', 'save', 'b', '--path', FIXTURE], { cwd });
  expect(saved.code, saved.stderr).toBe(0);
  writeFileSync(path.join(cwd, 'a-file'), 'not a store\n');
});

describe('findings list and show', () => {
  it('--type bogus is a usage error naming the valid types', async () => {
    const line = await expectUsageError(
      ['findings', 'list', '--type', 'bogus'],
      /invalid --type "bogus": use one of/,
      {
        cwd,
      },
    );
    for (const type of FINDING_TYPES) expect(line).toContain(type);
  });

  it('AFTERBURN_TYPE=bogus too, naming the variable', () =>
    expectUsageError(['findings', 'list'], /invalid AFTERBURN_TYPE "bogus": use one of efficiency_trend/, {
      cwd,
      env: { AFTERBURN_TYPE: 'bogus' },
    }));

  it.each([
    ['list', ['findings', 'list']],
    ['show', ['findings', 'show', 'friction-0000']],
    ['verify', ['findings', 'verify', 'friction-0000']],
  ])('findings %s on a store that does not exist says so', async (_name, args) => {
    const dir = tempDir();
    await expectUsageError(
      [...args, '--store', 'nowhere'],
      /^afterburn: no store at nowhere \(run afterburn discover first/,
      {
        cwd: dir,
      },
    );
    // Reading never creates it.
    expect(existsSync(path.join(dir, 'nowhere'))).toBe(false);
  });

  it('an id prefix under 4 characters says it needs 4+', () =>
    expectUsageError(
      ['findings', 'show', 'fri'],
      /finding id prefix "fri" is too short: it needs 4\+ characters/,
      {
        cwd,
      },
    ));
});

describe('--store that is a file', () => {
  it.each([
    ['findings list', ['findings', 'list']],
    ['discover', ['discover', '--path', FIXTURE]],
    ['report', ['report']],
    ['baseline save', ['baseline', 'save', 'x', '--path', FIXTURE]],
    ['compare', ['compare', '--baseline', 'b', '--path', FIXTURE]],
  ])('%s says it is not a directory', async (_name, args) => {
    await expectUsageError([...args, '--store', 'a-file'], /^afterburn: store a-file is not a directory \(/, {
      cwd,
    });
  });

  it('a path under a file, too', () =>
    expectUsageError(
      ['findings', 'list', '--store', 'a-file/store'],
      /store a-file\/store is not a directory/,
      {
        cwd,
      },
    ));
});

describe('--out', () => {
  it('report --out into a missing directory says the directory does not exist', () =>
    expectUsageError(
      ['report', '--out', 'missing/r.html'],
      /^afterburn: cannot write missing\/r\.html: the directory missing does not exist \(create it first/,
      { cwd },
    ));

  it('export --out into a missing directory says the same', async () => {
    // export names the fixture's skipped line on stderr before it writes: the error is the last line.
    const result = await runCli(['export', '--path', FIXTURE, '--out', 'missing/rows.csv'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^afterburn: cannot write missing\/rows\.csv: the directory missing does not exist \(create it first/,
    );
  });

  it('report --out onto a directory says it is one', () => {
    mkdirSync(path.join(cwd, 'reports.html'), { recursive: true });
    return expectUsageError(
      ['report', '--out', 'reports.html'],
      /cannot write reports\.html: it is a directory/,
      {
        cwd,
      },
    );
  });

  it.each([
    [
      'report',
      ['report', '--out', 'r.htm1'],
      /extension \.htm1 \(use one of \.html, \.htm, \.md, \.json, \.txt, or pass --format\)/,
    ],
    ['report without extension', ['report', '--out', 'report'], /from its name \(no extension\)/],
    [
      'export',
      ['export', '--path', FIXTURE, '--out', 'rows.xlsx'],
      /extension \.xlsx \(use one of \.parquet, \.csv, \.ndjson, \.jsonl, or pass --format\)/,
    ],
  ])(
    '%s: an unknown extension is a usage error naming the known ones, and writes nothing',
    async (_name, args, pattern) => {
      const dir = tempDir();
      const store = args[0] === 'report' ? ['--store', path.join(cwd, '.afterburn')] : [];
      const result = await runCli([...args, ...store], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^afterburn: cannot tell the format of --out /);
      expect(result.stderr).toMatch(pattern);
      expect(existsSync(path.join(dir, args[args.indexOf('--out') + 1] as string))).toBe(false);
    },
  );

  it('an unknown extension with --format writes that format', async () => {
    const result = await runCli(['report', '--out', 'r.htm1', '--format', 'markdown'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('wrote the markdown report to r.htm1');
  });
});

describe('compare limits', () => {
  // The log does not exist: had it been read first, the error would be about the path.
  it.each([
    [
      '--max-drop',
      ['--max-drop', 'completion_rate'],
      {},
      /invalid --max-drop "completion_rate": expected metric=value/,
    ],
    [
      '--max-rise',
      ['--max-rise', 'ms_elapsed_p95=-1'],
      {},
      /invalid --max-rise "ms_elapsed_p95=-1": must be a number of at least 0/,
    ],
    ['AFTERBURN_MAX_DROP', [], { AFTERBURN_MAX_DROP: 'x=y' }, /invalid AFTERBURN_MAX_DROP "x=y"/],
  ])('a bad %s is rejected before the log is read', async (_name, flags, env, pattern) => {
    await expectUsageError(['compare', '--baseline', 'b', '--path', 'not-there.jsonl', ...flags], pattern, {
      cwd,
      env,
    });
  });
});
