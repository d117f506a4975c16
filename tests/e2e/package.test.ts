import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { ROOT, tempDir } from '../helpers/cli.js';

/**
 * The published package: `npm pack`, installed from the tarball into an empty project (from the npm
 * cache where it can: `npm ci` leaves the tarballs there, but not always the registry metadata an
 * install needs, so the registry is asked for what is missing), runs with Node alone. The global
 * setup has already built dist/.
 */
const NPM_CLI = path.join(path.dirname(process.execPath), '../lib/node_modules/npm/bin/npm-cli.js');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

function npm(args: string[], cwd: string): string {
  const command = existsSync(NPM_CLI) ? process.execPath : 'npm';
  const prefix = existsSync(NPM_CLI) ? [NPM_CLI] : [];
  return execFileSync(command, [...prefix, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

let project: string;
let bin: string;

function afterburn(args: string[]): { code: number | null; stdout: string; stderr: string } {
  // Only Node on the PATH-less environment: no tsx, no TypeScript, no developer tools.
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: project,
    env: { HOME: project, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  const packDir = tempDir('afterburn-pack-');
  const tarball = npm(['pack', '--ignore-scripts', '--silent', '--pack-destination', packDir], ROOT)
    .trim()
    .split('\n')
    .at(-1) as string;
  project = tempDir('afterburn-install-');
  writeFileSync(path.join(project, 'package.json'), '{"name":"consumer","private":true}\n');
  npm(
    [
      'install',
      '--prefer-offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      path.join(packDir, tarball),
    ],
    project,
  );
  bin = path.join(project, 'node_modules/afterburn/bin/afterburn.js');
}, 120_000);

describe('packaging', () => {
  it('installs compiled JavaScript with its runtime dependencies only', () => {
    const installed = readdirSync(path.join(project, 'node_modules'));
    expect(installed).toContain('afterburn');
    for (const devOnly of ['typescript', 'tsx', 'vitest', '@biomejs'])
      expect(installed).not.toContain(devOnly);
    const files = readdirSync(path.join(project, 'node_modules/afterburn'));
    expect(files.sort()).toEqual(['README.md', 'bin', 'dist', 'docs', 'package.json'].sort());
    // The README's links into docs/ must resolve in the installed copy too, not only in a checkout.
    const installedReadme = readFileSync(path.join(project, 'node_modules/afterburn/README.md'), 'utf8');
    const docLinks = [...installedReadme.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((match) => match[1] as string);
    expect(docLinks.length).toBeGreaterThan(0);
    for (const link of docLinks)
      expect(existsSync(path.join(project, 'node_modules/afterburn', link)), link).toBe(true);
    expect(existsSync(path.join(project, 'node_modules/afterburn/dist/main.js'))).toBe(true);
    // What lets an incremental run with nothing new reuse the last analysis (docs/big-logs.md, Incremental runs).
    expect(readFileSync(path.join(project, 'node_modules/afterburn/dist/build-id'), 'utf8')).toMatch(
      /^[0-9a-f]{32}\n$/,
    );
  });

  it("runs as a program through npm's bin link, with the node flags of its #! line", () => {
    // The shell path users take (npx, cron): the kernel runs `env -S node <flags>`, so a flag
    // node rejected, or an env without -S, would fail here.
    const result = spawnSync(path.join(project, 'node_modules/.bin/afterburn'), ['--version'], {
      cwd: project,
      env: { HOME: project, NO_COLOR: '1', PATH: path.dirname(process.execPath) },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });

  it('prints its version', () => {
    const result = afterburn(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });

  it('--help lists every command and every environment variable the code reads', () => {
    const help = afterburn(['--help']);
    expect(help.code).toBe(0);
    const sink = new PassThrough();
    const program = buildProgram(
      { stdout: sink, stderr: sink, stdin: sink, env: {}, cwd: project, homeDir: project, now: () => 0 },
      () => {},
    );
    for (const command of program.commands) {
      expect(help.stdout).toMatch(new RegExp(`^\\s+${command.name()}\\b`, 'm'));
      for (const sub of command.commands) {
        const subHelp = afterburn([command.name(), '--help']);
        expect(subHelp.stdout).toMatch(new RegExp(`^\\s+${sub.name()}\\b`, 'm'));
      }
    }
    const cliDir = path.join(ROOT, 'src/cli');
    const variables = new Set<string>();
    for (const file of readdirSync(cliDir)) {
      const text = readFileSync(path.join(cliDir, file), 'utf8');
      for (const match of text.matchAll(/\benv(?:\.|: ')([A-Z][A-Z0-9_]+)/g))
        variables.add(match[1] as string);
    }
    expect(variables.size).toBeGreaterThan(10);
    for (const variable of variables) expect(help.stdout).toContain(variable);
  });
});
