import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { Progress, showsProgress } from '../../src/cli/progress.js';
import { FIXTURE, runCli, tempDir } from '../helpers/cli.js';

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('progress', () => {
  it('is shown exactly when stderr is a terminal, whatever stdout is', () => {
    const stderr = (isTTY: boolean) => Object.assign(new Writable(), isTTY ? { isTTY } : {});
    expect(showsProgress({ stderr: stderr(true) })).toBe(true);
    expect(showsProgress({ stderr: stderr(false) })).toBe(false);
  });

  // The command itself, with the terminal injected: stdout is a file (no isTTY), stderr a terminal.
  for (const format of ['json', 'table', 'markdown']) {
    it(`reaches a terminal stderr while --format ${format} goes to a file, and never stdout`, async () => {
      const stdout = capture();
      const stderr = capture();
      let clock = 1_000_000;
      const io: CliIo = {
        stdout: stdout.stream,
        stderr: Object.assign(stderr.stream, { isTTY: true }),
        stdin: Readable.from([]),
        env: { TZ: 'UTC', NO_COLOR: '1' },
        cwd: tempDir(),
        homeDir: tempDir(),
        // Every reading of the clock is a second later, so the line is due at the first update.
        now: () => (clock += 1000),
      };
      const code = await run(['discover', '--path', FIXTURE, '--format', format], io);
      expect(code, stderr.text()).toBe(0);
      const drawn = stderr.text();
      expect(drawn.startsWith('\r\x1b[K'), drawn).toBe(true);
      expect(drawn.slice(4)).toMatch(/^afterburn: 0\.1 MB of 0\.1 MB \(100%\), \d+\.\d MB\/s, \d+\.\d s/);
      expect(stdout.text()).not.toMatch(/\r|MB\/s/);
      if (format === 'json') expect(() => JSON.parse(stdout.text())).not.toThrow();
    });
  }

  it('draws bytes of total, rate and elapsed after a short delay, across inputs, and clears itself', () => {
    const out = capture();
    let now = 1_000_000;
    const progress = new Progress(out.stream, 4 * 1024 * 1024, () => now);
    progress.update(1024 * 1024);
    expect(out.text()).toBe(''); // a quick run never shows it
    now += 1000;
    progress.update(2 * 1024 * 1024);
    expect(out.text()).toBe('\r\x1b[Kafterburn: 2.0 MB of 4.0 MB (50%), 2.0 MB/s, 1.0 s');
    progress.nextInput();
    now += 1000;
    progress.update(1024 * 1024);
    expect(out.text()).toContain('3.0 MB of 4.0 MB (75%), 1.5 MB/s, 2.0 s');
    progress.finish();
    expect(out.text().endsWith('\r\x1b[K')).toBe(true);
  });

  it('never reaches a piped stderr or stdout (the real binary)', async () => {
    const result = await runCli(['discover', '--path', FIXTURE, '--format', 'table']);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/\r|MB\/s/);
    expect(result.stdout).not.toMatch(/\r|MB\/s/);
  });
});
