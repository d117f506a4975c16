import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Progress, showsProgress } from '../../src/cli/progress.js';
import { FIXTURE, runCli } from '../helpers/cli.js';

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
  it('is shown only on a terminal stderr, and not while JSON is piped', () => {
    const tty = { isTTY: true };
    const pipe = {};
    const stderr = (isTTY: boolean) => Object.assign(new Writable(), isTTY ? { isTTY } : {});
    expect(showsProgress({ stderr: stderr(true), stdout: tty }, 'table')).toBe(true);
    expect(showsProgress({ stderr: stderr(true), stdout: tty }, 'json')).toBe(true);
    expect(showsProgress({ stderr: stderr(true), stdout: pipe }, 'markdown')).toBe(true);
    expect(showsProgress({ stderr: stderr(true), stdout: pipe }, 'json')).toBe(false);
    expect(showsProgress({ stderr: stderr(false), stdout: tty }, 'table')).toBe(false);
  });

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
