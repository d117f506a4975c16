import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, type CliResult, collectOutput, tempDir } from './cli.js';

/**
 * What the docs tests (recipes, examples) run a documented command in: a shell with only the
 * PATH a user's machine has plus the project's bin, in a temporary project whose
 * node_modules/.bin holds `afterburn`, so `npx afterburn` and `afterburn` both resolve offline.
 */
const NPM_CACHE = process.env.npm_config_cache || path.join(os.homedir(), '.npm');

/** Runs a script as a shell would, with only the PATH a user's machine has plus the project's bin. */
export function shell(
  script: string,
  options: { cwd: string; env?: Record<string, string>; shellPath?: string },
): Promise<CliResult> {
  return collectOutput(
    spawn(options.shellPath ?? 'bash', ['-e', '-c', script], {
      cwd: options.cwd,
      env: {
        PATH: `${path.join(options.cwd, 'node_modules/.bin')}:${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
        HOME: options.cwd,
        TZ: 'UTC',
        NO_COLOR: '1',
        npm_config_update_notifier: 'false',
        // HOME is the sandbox, but npm keeps using the user's cache (where `npm ci` left the tarballs).
        npm_config_cache: NPM_CACHE,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/** A project that has installed afterburn: what `npm ci` in the user's repository leaves behind. */
export function project(dir = tempDir('afterburn-recipe-')): string {
  mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{"name":"recipe-project","private":true}\n');
  symlinkSync(BIN, path.join(dir, 'node_modules/.bin/afterburn'));
  return dir;
}
