import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { buildProgram, run } from '../../src/cli/main.js';
import { FIXTURE, tempDir } from '../helpers/cli.js';

/**
 * Every boolean flag behaves alike on every command: `--flag` and AFTERBURN_FLAG=1|true turn it on,
 * `--no-flag` and AFTERBURN_FLAG=0|false turn it off, a flag beats its variable, and a bad value is
 * exit 2 naming the variable.
 */

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function runIn(cwd: string, argv: string[], env: Record<string, string> = {}): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString());
        done();
      },
    });
  const io: CliIo = {
    stdout: sink((text) => {
      stdout += text;
    }),
    stderr: sink((text) => {
      stderr += text;
    }),
    stdin: Readable.from([]),
    env: { TZ: 'UTC', NO_COLOR: '1', ...env },
    cwd,
    homeDir: cwd,
    now: () => Date.UTC(2026, 0, 1),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function trendRequiresAcceptance(out: Outcome): boolean {
  const report = JSON.parse(out.stdout) as {
    findings: { type: string; data: { require_acceptance: boolean } }[];
  };
  const trend = report.findings.find((f) => f.type === 'efficiency_trend');
  if (!trend) throw new Error('no efficiency_trend finding');
  return trend.data.require_acceptance;
}

interface Family {
  name: string;
  /** The name of the commander command the flag belongs to. */
  command: string;
  flag: string;
  env: string;
  /** The command line without the flag, and a fresh directory to run it in when the run writes. */
  argv: (dir: string) => string[];
  /** Whether the run shows the flag on. */
  isOn: (out: Outcome) => boolean;
  /** Variables the command needs, e.g. to make the flag's effect visible. */
  baseEnv?: Record<string, string>;
  /** The flag decides a gate, so its effect is the exit code (1 or 0) rather than the output. */
  gates?: boolean;
}

let seeded: { store: string; id: string; rejected: string; baselineDir: string; short: string };

beforeAll(async () => {
  const dir = tempDir();
  const out = await runIn(dir, ['discover', '--path', FIXTURE, '--format', 'json']);
  expect(out.code, out.stderr).toBe(0);
  const report = JSON.parse(out.stdout) as { findings: { id: string }[] };
  const id = report.findings[0]?.id ?? '';
  // A store with one finding rejected, for --show-rejected.
  const rejected = path.join(tempDir(), 'store');
  cpSync(path.join(dir, '.afterburn'), rejected, { recursive: true });
  const verify = await runIn(dir, ['findings', 'verify', id, '--reject', '--store', rejected]);
  expect(verify.code, verify.stderr).toBe(0);
  // A baseline and a current log that measures nothing, for --allow-unmeasured.
  const baselineDir = tempDir();
  const saved = await runIn(baselineDir, ['baseline', 'save', 'b', '--path', FIXTURE]);
  expect(saved.code, saved.stderr).toBe(0);
  writeFileSync(path.join(baselineDir, 'empty.jsonl'), '');
  // A store from a log shorter than the health windows, whose rates are unmeasured, for --unmeasured.
  const shortDir = tempDir();
  const head = readFileSync(FIXTURE, 'utf8').split('\n').slice(0, 60).join('\n');
  writeFileSync(path.join(shortDir, 'short.jsonl'), `${head}\n`);
  const short = await runIn(shortDir, ['discover', '--path', 'short.jsonl', '--format', 'json']);
  expect(short.code, short.stderr).toBe(0);
  seeded = {
    store: path.join(dir, '.afterburn'),
    id,
    rejected,
    baselineDir,
    short: path.join(shortDir, '.afterburn'),
  };
});

/** A copy of the store with a rejected finding. */
function rejectedStore(dir: string): string {
  const store = path.join(dir, 'store');
  cpSync(seeded.rejected, store, { recursive: true });
  return store;
}

const REJECTED_HIDDEN = /--show-rejected shows/;

/** A copy of the seeded store, so a run that changes it leaves the next run the same start. */
function seededStore(dir: string): string {
  const store = path.join(dir, 'store');
  cpSync(seeded.store, store, { recursive: true });
  return store;
}

const GITHUB_ON = /GITHUB_STEP_SUMMARY is not set/;

const FAMILIES: Family[] = [
  {
    name: 'discover --require-acceptance',
    command: 'discover',
    flag: '--require-acceptance',
    env: 'AFTERBURN_REQUIRE_ACCEPTANCE',
    argv: () => ['discover', '--path', FIXTURE, '--format', 'json'],
    isOn: trendRequiresAcceptance,
  },
  {
    name: 'discover --incremental',
    command: 'discover',
    flag: '--incremental',
    env: 'AFTERBURN_INCREMENTAL',
    argv: () => ['discover', '--path', FIXTURE, '--format', 'json'],
    isOn: (out) => 'counts_this_run' in JSON.parse(out.stdout),
  },
  {
    name: 'discover --github',
    command: 'discover',
    flag: '--github',
    env: 'AFTERBURN_GITHUB',
    argv: () => ['discover', '--path', FIXTURE, '--format', 'json'],
    isOn: (out) => GITHUB_ON.test(out.stderr),
  },
  {
    name: 'report --github',
    command: 'report',
    flag: '--github',
    env: 'AFTERBURN_GITHUB',
    argv: (dir) => ['report', '--store', seededStore(dir), '--format', 'markdown'],
    isOn: (out) => GITHUB_ON.test(out.stderr),
  },
  {
    name: 'findings list --json',
    command: 'list',
    flag: '--json',
    env: 'AFTERBURN_JSON',
    argv: (dir) => ['findings', 'list', '--store', seededStore(dir)],
    isOn: (out) => parsesAsJson(out.stdout),
  },
  {
    name: 'findings show --json',
    command: 'show',
    flag: '--json',
    env: 'AFTERBURN_JSON',
    argv: (dir) => ['findings', 'show', seeded.id, '--store', seededStore(dir)],
    isOn: (out) => parsesAsJson(out.stdout),
  },
  {
    name: 'findings list --unmeasured',
    command: 'list',
    flag: '--unmeasured',
    env: 'AFTERBURN_UNMEASURED',
    argv: () => ['findings', 'list', '--no-json', '--store', seeded.short],
    // A row (its id starts with a letter) marked unmeasured; the closing count line starts with a digit.
    isOn: (out) => /^[a-z]\S*\s+unmeasured\s/m.test(out.stdout),
  },
  {
    name: 'metrics --json',
    command: 'metrics',
    flag: '--json',
    env: 'AFTERBURN_JSON',
    argv: () => ['metrics', '--path', FIXTURE],
    isOn: (out) => parsesAsJson(out.stdout),
  },
  {
    name: 'sources --json',
    command: 'sources',
    flag: '--json',
    env: 'AFTERBURN_JSON',
    argv: () => ['sources'],
    isOn: (out) => parsesAsJson(out.stdout),
  },
  {
    name: 'export --otel',
    command: 'export',
    flag: '--otel',
    env: 'AFTERBURN_OTEL',
    argv: () => ['export', '--path', FIXTURE],
    isOn: (out) => out.stdout.includes('"gen_ai.agent.name"'),
  },
  {
    name: 'discover --gate-arms',
    command: 'discover',
    flag: '--gate-arms',
    env: 'AFTERBURN_GATE_ARMS',
    // The fixture's global verdict passes while one arm fails: only a gate on every arm fails.
    argv: () => ['discover', '--path', FIXTURE, '--format', 'json', '--fail-on', 'fail'],
    isOn: (out) => out.code === 1,
    gates: true,
  },
  {
    name: 'discover --show-rejected',
    command: 'discover',
    flag: '--show-rejected',
    env: 'AFTERBURN_SHOW_REJECTED',
    argv: (dir) => ['discover', '--path', FIXTURE, '--store', rejectedStore(dir), '--format', 'markdown'],
    isOn: (out) => !REJECTED_HIDDEN.test(out.stdout + out.stderr),
  },
  {
    name: 'report --show-rejected',
    command: 'report',
    flag: '--show-rejected',
    env: 'AFTERBURN_SHOW_REJECTED',
    argv: (dir) => ['report', '--store', rejectedStore(dir), '--format', 'markdown'],
    isOn: (out) => !REJECTED_HIDDEN.test(out.stdout + out.stderr),
  },
  {
    name: 'compare --allow-unmeasured',
    command: 'compare',
    flag: '--allow-unmeasured',
    env: 'AFTERBURN_ALLOW_UNMEASURED',
    argv: (dir) => {
      cpSync(seeded.baselineDir, dir, { recursive: true });
      return ['compare', '--baseline', 'b', '--path', path.join(dir, 'empty.jsonl'), '--format', 'json'];
    },
    // Nothing measured fails the compare unless unmeasured metrics are allowed.
    isOn: (out) => out.code === 0,
    gates: true,
  },
  {
    name: '--debug (any command)',
    command: 'afterburn',
    flag: '--debug',
    env: 'AFTERBURN_DEBUG',
    argv: () => ['discover', '--path', 'missing.jsonl'],
    isOn: (out) => /\n\s+at /.test(out.stderr),
  },
];

describe.each(FAMILIES)('$name', (family) => {
  const cases: [string, string[], Record<string, string>, boolean][] = [
    ['the flag', [family.flag], {}, true],
    ['the --no- flag', [`--no-${family.flag.slice(2)}`], {}, false],
    ['=1', [], { [family.env]: '1' }, true],
    ['=true', [], { [family.env]: 'true' }, true],
    ['=0', [], { [family.env]: '0' }, false],
    ['=false', [], { [family.env]: 'false' }, false],
    ['the --no- flag over =1', [`--no-${family.flag.slice(2)}`], { [family.env]: '1' }, false],
    ['the flag over =0', [family.flag], { [family.env]: '0' }, true],
    ['the last of the flag and its --no- flag', [family.flag, `--no-${family.flag.slice(2)}`], {}, false],
  ];
  it.each(cases)('%s', async (_label, flags, env, on) => {
    const dir = tempDir();
    const out = await runIn(dir, [...family.argv(dir), ...flags], { ...family.baseEnv, ...env });
    if (family.flag !== '--debug' && !family.gates) expect(out.code, out.stderr).toBe(0);
    expect(family.isOn(out), out.stderr).toBe(on);
  });

  it('a bad variable is exit 2 naming it', async () => {
    const dir = tempDir();
    const out = await runIn(dir, family.argv(dir), { ...family.baseEnv, [family.env]: 'maybe' });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`afterburn: invalid ${family.env} "maybe": use true or false (or 1/0)`);
  });
});

describe('every boolean flag of every command', () => {
  const commands = (command: Command): Command[] => [command, ...command.commands.flatMap(commands)];
  const program = buildProgram(
    {
      stdout: new Writable(),
      stderr: new Writable(),
      stdin: Readable.from([]),
      env: {},
      cwd: '/',
      homeDir: '/',
      now: () => 0,
    },
    () => {},
  );

  it('has its --no- form beside it and, but for --reject, a variable', () => {
    const flags: string[] = [];
    for (const command of commands(program)) {
      const longs = new Set(command.options.map((option) => option.long));
      for (const option of command.options) {
        if (option.required || option.optional || option.negate || option.long === '--version') continue;
        flags.push(`${command.name()} ${option.long}`);
        expect(longs.has(`--no-${option.long?.slice(2)}`), `${command.name()} ${option.long}`).toBe(true);
        if (option.long !== '--reject') expect(option.description).toMatch(/\(env: AFTERBURN_[A-Z_]+/);
      }
    }
    // Each one is covered by a family above, or is --reject (below).
    const covered = new Set([...FAMILIES.map((f) => `${f.command} ${f.flag}`), 'verify --reject']);
    expect(flags.filter((flag) => !covered.has(flag))).toEqual([]);
    expect(flags.length).toBe(covered.size);
  });
});

describe('findings verify --reject', () => {
  it('rejects with --reject, verifies with --no-reject or neither, and the last one wins', async () => {
    const status = async (flags: string[]) => {
      const dir = tempDir();
      const out = await runIn(dir, ['findings', 'verify', seeded.id, '--store', seededStore(dir), ...flags]);
      expect(out.code, out.stderr).toBe(0);
      return out.stdout.trim().split(': ')[1];
    };
    expect(await status(['--reject'])).toBe('rejected');
    expect(await status([])).toBe('verified');
    expect(await status(['--no-reject'])).toBe('verified');
    expect(await status(['--reject', '--no-reject'])).toBe('verified');
    expect(await status(['--no-reject', '--reject'])).toBe('rejected');
  });
});
