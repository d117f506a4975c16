import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE, runCli, tempDir } from '../helpers/cli.js';

/** Every user error: exit 2, exactly one line on stderr naming the problem and the fix, no stack trace. */
async function expectUsageError(
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
  it('unknown finding id', () =>
    expectUsageError(
      ['findings', 'show', 'friction-0000000000000000'],
      /no finding with id "friction-0000000000000000".*findings list/,
    ));
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
