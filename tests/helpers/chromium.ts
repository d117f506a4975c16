import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { ROOT } from './cli.js';

/**
 * The browser the HTML report's test drives. `npm ci` brings it: @sparticuz/chromium ships a
 * brotli-compressed headless chromium for Linux x86_64 together with the few shared libraries it needs
 * (NSS, NSPR, expat) and a font, so the test needs nothing from the system package manager. A
 * CHROMIUM_PATH set by the user wins; where the packaged build cannot run (another OS or CPU), a system
 * chromium at /usr/bin/chromium is used.
 */
export interface BrowserChoice {
  executablePath: string;
  /** Extra environment for the browser process (the packaged libraries and font configuration). */
  env: Record<string, string>;
  origin: 'CHROMIUM_PATH' | 'packaged' | 'system';
}

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export interface Machine {
  chromiumPath: string | undefined;
  platform: NodeJS.Platform;
  arch: string;
  exists: (file: string) => boolean;
}

export type BrowserSource =
  | { origin: 'CHROMIUM_PATH' | 'system'; executablePath: string }
  | { origin: 'packaged' }
  | { origin: 'none'; reason: string };

/** Which browser to use, decided from the machine alone (no unpacking), so the order can be tested. */
export function browserSource(machine: Machine): BrowserSource {
  if (machine.chromiumPath) {
    if (!machine.exists(machine.chromiumPath)) {
      return { origin: 'none', reason: `CHROMIUM_PATH=${machine.chromiumPath} does not exist` };
    }
    return { origin: 'CHROMIUM_PATH', executablePath: machine.chromiumPath };
  }
  if (machine.platform === 'linux' && machine.arch === 'x64') return { origin: 'packaged' };
  if (machine.exists(SYSTEM_CHROMIUM)) return { origin: 'system', executablePath: SYSTEM_CHROMIUM };
  return {
    origin: 'none',
    reason: `@sparticuz/chromium runs only on Linux x86_64 (this is ${machine.platform} ${machine.arch}) and ${SYSTEM_CHROMIUM} is missing: set CHROMIUM_PATH to a chromium or chrome binary`,
  };
}

/** The regular files of an uncompressed tar archive (ustar or GNU headers, short names), in order. */
export function tarFiles(archive: Buffer): { name: string; data: Buffer }[] {
  const files: { name: string; data: Buffer }[] = [];
  const field = (start: number, length: number, at: number) =>
    archive
      .subarray(at + start, at + start + length)
      .toString('latin1')
      .replace(/\0.*$/s, '');
  let at = 0;
  while (at + 512 <= archive.length) {
    const name = field(0, 100, at);
    if (name === '') break; // the two zero blocks that end the archive
    const size = Number.parseInt(field(124, 12, at).trim() || '0', 8);
    const type = field(156, 1, at);
    const prefix = field(345, 155, at);
    if (type === '0' || type === '') {
      files.push({
        name: prefix ? `${prefix}/${name}` : name,
        data: archive.subarray(at + 512, at + 512 + size),
      });
    } else if (type !== '5') {
      throw new Error(`tar entry ${name} has type ${type}, which this reader does not unpack`);
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

function unpackTar(compressed: string, into: string): void {
  for (const file of tarFiles(brotliDecompressSync(readFileSync(compressed)))) {
    const target = path.join(into, file.name);
    if (!target.startsWith(`${into}${path.sep}`)) throw new Error(`tar entry ${file.name} leaves ${into}`);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.data, { mode: 0o755 });
  }
}

/**
 * Unpacks the packaged browser once per package version into node_modules/.cache. It is unpacked
 * beside the cache and renamed into place, so a run that was killed halfway, or two runs at once,
 * never leave a half-written browser that a later run would launch.
 */
export function unpackPackagedChromium(
  cacheRoot = path.join(ROOT, 'node_modules/.cache/afterburn-chromium'),
): {
  executablePath: string;
  env: Record<string, string>;
} {
  const require = createRequire(import.meta.url);
  // The package exports only its entry point (build/cjs/index.cjs), two levels below its root.
  const packageRoot = path.resolve(path.dirname(require.resolve('@sparticuz/chromium')), '../..');
  const { version } = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  const bin = path.join(packageRoot, 'bin');
  const dir = path.join(cacheRoot, version);
  const browserOf = (root: string) => ({
    executablePath: path.join(root, 'chromium'),
    env: { LD_LIBRARY_PATH: path.join(root, 'lib'), FONTCONFIG_FILE: path.join(root, 'fonts.conf') },
  });
  if (existsSync(path.join(dir, 'chromium'))) return browserOf(dir);

  mkdirSync(cacheRoot, { recursive: true });
  const staging = mkdtempSync(path.join(cacheRoot, `.${version}-`));
  try {
    writeFileSync(
      path.join(staging, 'chromium'),
      brotliDecompressSync(readFileSync(path.join(bin, 'chromium.br'))),
      {
        mode: 0o755,
      },
    );
    // Lambda's NSS, NSPR and expat: a machine with only Node and npm may have none of them.
    unpackTar(path.join(bin, 'al2023.tar.br'), staging);
    // The package's font (Open Sans); its own fonts.conf names Lambda's /tmp/fonts, so write ours.
    unpackTar(path.join(bin, 'fonts.tar.br'), staging);
    writeFileSync(
      path.join(staging, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(dir, 'fonts')}</dir>\n  <cachedir>${path.join(dir, 'fontconfig-cache')}</cachedir>\n</fontconfig>\n`,
    );
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another run renamed its copy into place first: use that one.
      if (!existsSync(path.join(dir, 'chromium'))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return browserOf(dir);
}

export function chooseBrowser(): BrowserChoice {
  const source = browserSource({
    chromiumPath: process.env.CHROMIUM_PATH,
    platform: process.platform,
    arch: process.arch,
    exists: existsSync,
  });
  switch (source.origin) {
    case 'none':
      throw new Error(source.reason);
    case 'packaged':
      return { ...unpackPackagedChromium(), origin: 'packaged' };
    default:
      return { executablePath: source.executablePath, env: {}, origin: source.origin };
  }
}
