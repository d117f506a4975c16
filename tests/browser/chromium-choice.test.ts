import { describe, expect, it } from 'vitest';
import { browserSource, SYSTEM_CHROMIUM, tarFiles } from '../helpers/chromium.js';

const linux = { chromiumPath: undefined, platform: 'linux' as const, arch: 'x64', exists: () => false };

describe('which browser the HTML report test drives', () => {
  it('is the packaged chromium on Linux x86_64, with no system browser needed', () => {
    expect(browserSource(linux)).toEqual({ origin: 'packaged' });
  });

  it('is CHROMIUM_PATH when set, and a missing CHROMIUM_PATH is an error, not a fallback', () => {
    expect(
      browserSource({ ...linux, chromiumPath: '/opt/chrome', exists: (f) => f === '/opt/chrome' }),
    ).toEqual({
      origin: 'CHROMIUM_PATH',
      executablePath: '/opt/chrome',
    });
    const missing = browserSource({
      ...linux,
      chromiumPath: '/opt/none',
      exists: (f) => f === SYSTEM_CHROMIUM,
    });
    expect(missing).toEqual({ origin: 'none', reason: 'CHROMIUM_PATH=/opt/none does not exist' });
  });

  it('falls back to /usr/bin/chromium where the packaged one cannot run, else names what to set', () => {
    const arm = { ...linux, arch: 'arm64' };
    expect(browserSource({ ...arm, exists: (f) => f === SYSTEM_CHROMIUM })).toEqual({
      origin: 'system',
      executablePath: SYSTEM_CHROMIUM,
    });
    const none = browserSource(arm);
    expect(none.origin).toBe('none');
    expect(none.origin === 'none' && none.reason).toContain('set CHROMIUM_PATH');
  });
});

/** A ustar header block for one entry. */
function header(name: string, size: number, type: string): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 'latin1');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write(type, 156, 'latin1');
  block.write('ustar\0', 257, 'latin1');
  return block;
}

describe('tarFiles', () => {
  it('reads regular files across padding and skips directories', () => {
    const body = Buffer.from('x'.repeat(600));
    const archive = Buffer.concat([
      header('lib', 0, '5'),
      header('lib/a.so', body.length, '0'),
      body,
      Buffer.alloc(1024 - body.length),
      header('b.conf', 2, '0'),
      Buffer.from('ok'),
      Buffer.alloc(510),
      Buffer.alloc(1024),
    ]);
    const files = tarFiles(archive);
    expect(files.map((f) => [f.name, f.data.toString()])).toEqual([
      ['lib/a.so', body.toString()],
      ['b.conf', 'ok'],
    ]);
  });

  it('refuses entries it would unpack wrongly (links)', () => {
    expect(() => tarFiles(Buffer.concat([header('lib/x.so', 0, '2'), Buffer.alloc(1024)]))).toThrow(/type 2/);
  });
});
