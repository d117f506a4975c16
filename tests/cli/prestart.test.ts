import { truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpersToPrestart, namesLargeDispatchLog } from '../../src/cli/prestart.js';
import { tempDir } from '../helpers/cli.js';

describe('starting the helper thread before the CLI loads', () => {
  const dir = tempDir('afterburn-prestart-');
  const large = path.join(dir, 'large.jsonl');
  const small = path.join(dir, 'small.jsonl');
  writeFileSync(large, '');
  // Sparse: 32 MiB of size without 32 MiB on disk.
  truncateSync(large, 32 * 1024 * 1024);
  writeFileSync(small, '{}\n');
  const argv = (...args: string[]) => ['node', 'afterburn', ...args];

  it('happens for discover on a dispatch-outcomes file of 32 MiB or more, by flag or variable', () => {
    expect(namesLargeDispatchLog(argv('discover', '--path', large), {})).toBe(true);
    // export parses the same way, and has no incremental mode to wait for.
    expect(namesLargeDispatchLog(argv('export', '--path', large), { AFTERBURN_INCREMENTAL: '1' })).toBe(true);
    expect(namesLargeDispatchLog(argv('export', '--path', small), {})).toBe(false);
    expect(namesLargeDispatchLog(argv('discover', `--path=${large}`, '--format', 'json'), {})).toBe(true);
    expect(namesLargeDispatchLog(argv('discover', '--path', small, '--path', large), {})).toBe(true);
    expect(namesLargeDispatchLog(argv('discover'), { AFTERBURN_DISPATCH_OUTCOMES_PATH: large })).toBe(true);
    expect(
      namesLargeDispatchLog(argv('discover', '--source', 'dispatch-outcomes', '--path', large), {}),
    ).toBe(true);
  });

  it('does not happen for small files, stdin, directories, missing files, other sources or commands', () => {
    expect(namesLargeDispatchLog(argv('discover', '--path', small), {})).toBe(false);
    expect(namesLargeDispatchLog(argv('discover', '--path', '-'), {})).toBe(false);
    expect(namesLargeDispatchLog(argv('discover', '--path', dir), {})).toBe(false);
    expect(namesLargeDispatchLog(argv('discover', '--path', path.join(dir, 'nope')), {})).toBe(false);
    expect(namesLargeDispatchLog(argv('discover', '--source', 'workrail', '--path', large), {})).toBe(false);
    expect(
      namesLargeDispatchLog(argv('discover', '--path', large), { AFTERBURN_SOURCE: 'claude-code' }),
    ).toBe(false);
    expect(namesLargeDispatchLog(argv('report', '--path', large), {})).toBe(false);
  });

  it('does not happen for incremental runs, which may have only a few new bytes to read', () => {
    expect(namesLargeDispatchLog(argv('discover', '--path', large, '--incremental'), {})).toBe(false);
    expect(namesLargeDispatchLog(argv('discover', '--path', large), { AFTERBURN_INCREMENTAL: '1' })).toBe(
      false,
    );
    expect(namesLargeDispatchLog(argv('discover', '--path', large), { AFTERBURN_INCREMENTAL: 'true' })).toBe(
      false,
    );
    expect(namesLargeDispatchLog(argv('discover', '--path', large), { AFTERBURN_INCREMENTAL: '0' })).toBe(
      true,
    );
    // --no-incremental beats the variable, as in the run itself; the last of the two flags wins.
    const off = argv('discover', '--path', large, '--no-incremental');
    expect(namesLargeDispatchLog(off, { AFTERBURN_INCREMENTAL: '1' })).toBe(true);
    expect(
      namesLargeDispatchLog(argv('discover', '--path', large, '--no-incremental', '--incremental'), {}),
    ).toBe(false);
  });

  it("follows the run's own --parallel-min-bytes, by flag or variable", () => {
    const never = String(2 ** 40);
    expect(namesLargeDispatchLog(argv('discover', '--path', large, '--parallel-min-bytes', never), {})).toBe(
      false,
    );
    expect(
      namesLargeDispatchLog(argv('discover', `--parallel-min-bytes=${never}`, '--path', large), {}),
    ).toBe(false);
    expect(
      namesLargeDispatchLog(argv('discover', '--path', large), { AFTERBURN_PARALLEL_MIN_BYTES: never }),
    ).toBe(false);
    expect(namesLargeDispatchLog(argv('discover', '--path', small, '--parallel-min-bytes', '2'), {})).toBe(
      true,
    );
    expect(namesLargeDispatchLog(argv('discover', '--path', large, '--parallel-min-bytes', 'lots'), {})).toBe(
      false,
    );
  });

  it('starts as many helpers as the run will use: one per core up to four, or --threads less one', () => {
    const run = argv('discover', '--path', large);
    expect(helpersToPrestart(run, {}, 2)).toBe(1);
    expect(helpersToPrestart(run, {}, 1)).toBe(0);
    expect(helpersToPrestart(run, {}, 16)).toBe(3);
    expect(helpersToPrestart(argv('discover', '--path', large, '--threads', '1'), {}, 16)).toBe(0);
    expect(helpersToPrestart(argv('export', '--threads=6', '--path', large), {}, 2)).toBe(5);
    expect(helpersToPrestart(run, { AFTERBURN_THREADS: '3' }, 16)).toBe(2);
    // The flag beats its variable; a bad value starts nothing (the run reports it).
    expect(
      helpersToPrestart(argv('discover', '--path', large, '--threads', '2'), { AFTERBURN_THREADS: '5' }, 8),
    ).toBe(1);
    expect(helpersToPrestart(argv('discover', '--path', large, '--threads', 'many'), {}, 8)).toBe(0);
    expect(helpersToPrestart(run, { AFTERBURN_THREADS: '0' }, 8)).toBe(0);
    expect(helpersToPrestart(argv('discover', '--path', small), {}, 8)).toBe(0);
  });
});
