import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type CliResult, FIXTURE, ROOT, tempDir } from '../helpers/cli.js';
import { project, shell } from '../helpers/recipe-shell.js';
import { T0 } from '../helpers/records.js';

/**
 * Every shell, YAML and JSON block in the README and docs/ is a recipe, marked by the
 * `<!-- recipe: NAME -->` line above it, and runs here as a user would run it: from the markdown
 * itself, against the built binary, in a temporary project whose node_modules/.bin holds
 * `afterburn` (so `npx afterburn` and `afterburn` both resolve offline), with the fixtures the
 * recipe names. A recipe that breaks, or a new block without a runner, fails `npm test`.
 */

interface Recipe {
  readonly name: string;
  readonly page: string;
  readonly line: number;
  readonly lang: string;
  readonly body: string;
}

const RECIPE_LANGS = new Set(['sh', 'bash', 'shell', 'yaml', 'yml', 'json']);

function pages(): string[] {
  const docs = (dir: string): string[] =>
    readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) return docs(relative);
      return entry.name.endsWith('.md') ? [relative] : [];
    });
  return ['README.md', ...docs('docs')];
}

/** The fenced blocks of one page, with the recipe marker above each (or null). */
function fencedBlocks(
  markdown: string,
): { marker: string | null; lang: string; line: number; body: string }[] {
  const lines = markdown.split('\n');
  const blocks: { marker: string | null; lang: string; line: number; body: string }[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^(`{3,})(\S*)\s*$/.exec(lines[i] as string);
    if (!open) continue;
    const fence = open[1] as string;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && !(lines[i] as string).startsWith(fence); i += 1)
      body.push(lines[i] as string);
    const marker = /^<!-- recipe: ([a-z0-9-]+) -->$/.exec(lines[start - 1] ?? '')?.[1] ?? null;
    blocks.push({ marker, lang: open[2] ?? '', line: start + 1, body: `${body.join('\n')}\n` });
  }
  return blocks;
}

function allRecipes(): { recipes: Recipe[]; unmarked: string[] } {
  const recipes: Recipe[] = [];
  const unmarked: string[] = [];
  for (const page of pages()) {
    for (const block of fencedBlocks(readFileSync(path.join(ROOT, page), 'utf8'))) {
      if (block.marker === null) {
        if (RECIPE_LANGS.has(block.lang)) unmarked.push(`${page}:${block.line}`);
        continue;
      }
      recipes.push({ name: block.marker, page, line: block.line, lang: block.lang, body: block.body });
    }
  }
  return { recipes, unmarked };
}

function copyInto(dir: string, relative: string, from = FIXTURE): string {
  const target = path.join(dir, relative);
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(from, target);
  return target;
}

/** One arm of the sample log: coder's input tokens fall (PASS), reviewer's stay flat (FAIL). */
function armLog(arm: 'coder' | 'reviewer'): string {
  const lines = readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`"agent":"${arm}"`));
  return `${lines.join('\n')}\n`;
}

/** A merge-queue export (JSONL) of `count` merges, every `nth` needing a second attempt. */
function mergeQueueLog(count: number, nth: number): string {
  return `${Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      work_item_id: `w${i}`,
      project: 'alpha',
      story_id: `s${i}`,
      attempts: i % nth === 0 ? 2 : 1,
      last_verdict: 'approved',
      merged_at: new Date(T0 + i * 3_600_000).toISOString(),
    }),
  ).join('\n')}\n`;
}

const lines = (body: string) => body.split('\n').filter((line) => line.trim() !== '');
const withoutComment = (line: string) => line.replace(/\s+#.*$/, '').trim();

type Runner = (recipe: Recipe) => Promise<void>;

const RUNNERS: Record<string, Runner> = {
  /** `npm ci` is the install this checkout already had, `npm test` is this run: the middle line runs. */
  async 'quick-start'(recipe) {
    const [install, discover, test] = lines(recipe.body);
    expect(install).toBe('npm ci');
    expect(test).toBe('npm test');
    const dir = project();
    copyInto(dir, 'fixtures/outcomes.jsonl');
    const run = await shell(discover as string, { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    // Piped, it prints the JSON run report; the torn line is named on stderr (README, Quick start).
    // The run verdict is the all-arms one (docs/verdict.md): PASS, with reviewer's arm FAIL.
    const report = JSON.parse(run.stdout) as {
      verdict: string;
      findings: { subject?: unknown; verdict?: string }[];
    };
    expect(report.verdict).toBe('pass');
    expect(report.findings.some((f) => f.verdict === 'fail' && JSON.stringify(f).includes('reviewer'))).toBe(
      true,
    );
    expect(run.stderr).toContain('afterburn: warning: fixtures/outcomes.jsonl:124: skipped: not valid JSON');
  },

  /** In a copy of the checkout, so the prepare script's build cannot race the other tests' dist/. */
  async 'install-from-checkout'(recipe) {
    const [install, link, version] = lines(recipe.body).map(withoutComment);
    expect(install).toBe('npm ci');
    const checkout = checkoutCopy();
    const prefix = tempDir('afterburn-prefix-');
    const env = { npm_config_prefix: prefix };
    const linked = await shell(`${link}`, { cwd: checkout, env: withPrefix(env, prefix) });
    expect(linked.code, linked.stderr).toBe(0);
    const shown = await shell(version as string, { cwd: tempDir(), env: withPrefix(env, prefix) });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout.trim()).toBe(packageVersion());
  },

  async 'install-from-tarball'(recipe) {
    const [pack, install] = lines(recipe.body).map(withoutComment);
    const checkout = checkoutCopy();
    const prefix = tempDir('afterburn-prefix-');
    const env = withPrefix({ npm_config_prefix: prefix, npm_config_prefer_offline: 'true' }, prefix);
    const packed = await shell(pack as string, { cwd: checkout, env });
    expect(packed.code, packed.stderr).toBe(0);
    expect(existsSync(path.join(checkout, `afterburn-${packageVersion()}.tgz`))).toBe(true);
    const installed = await shell(install as string, { cwd: checkout, env });
    expect(installed.code, installed.stderr).toBe(0);
    const shown = await shell('afterburn --version', { cwd: tempDir(), env });
    expect(shown.stdout.trim()).toBe(packageVersion());
  },

  /**
   * The crontab line as cron runs it: the command after the five schedule fields, by /bin/sh, with
   * cron's bare environment. Its absolute paths are moved under a temporary root.
   */
  async cron(recipe) {
    const entry = recipe.body.replace(/\\\n\s*/g, ' ').trim();
    const fields = /^(\S+) (\S+) (\S+) (\S+) (\S+) (.*)$/.exec(entry);
    expect(fields, entry).not.toBeNull();
    const command = fields?.[6] as string;
    // Flags-free: everything comes from the environment.
    expect(command).not.toMatch(/afterburn discover .*--/);
    const root = tempDir('afterburn-cron-');
    const moved = command.replace(/(^|[\s=])\/(?!dev\/)/g, `$1${root}/`);
    const cd = /^cd (\S+) &&/.exec(moved)?.[1] as string;
    const log = /AFTERBURN_DISPATCH_OUTCOMES_PATH=(\S+)/.exec(moved)?.[1] as string;
    const store = /AFTERBURN_STORE=(\S+)/.exec(moved)?.[1] as string;
    mkdirSync(cd, { recursive: true });
    project(cd);
    copyInto(path.dirname(log), path.basename(log));
    const cronEnv = {
      SHELL: '/bin/sh',
      LOGNAME: 'cron',
      PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
    };
    const first = await shell(moved, { cwd: root, env: cronEnv, shellPath: '/bin/sh' });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe('');
    const stored = await shell(`afterburn findings list --json --store ${store}`, { cwd: cd });
    expect((JSON.parse(stored.stdout) as unknown[]).length).toBeGreaterThan(0);
    // The next run reads only what was appended since.
    writeFileSync(log, `${readFileSync(log, 'utf8')}${armLog('coder').split('\n')[0]}\n`);
    const second = await shell(moved.replace('>/dev/null', ''), {
      cwd: root,
      env: cronEnv,
      shellPath: '/bin/sh',
    });
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout) as { counts_this_run: { lines: number } }).counts_this_run.lines).toBe(
      1,
    );
  },

  /** The workflow's steps in order, as the runner would take them, on a failing and a passing log. */
  async 'github-actions'(recipe) {
    const workflow = parseYaml(recipe.body) as {
      jobs: Record<
        string,
        { steps: { uses?: string; run?: string; if?: string; with?: Record<string, unknown> }[] }
      >;
    };
    const [job] = Object.values(workflow.jobs);
    const steps = job?.steps ?? [];
    const runJob = async (log: string) => {
      const dir = project();
      mkdirSync(path.join(dir, 'logs'));
      writeFileSync(path.join(dir, 'logs/outcomes.jsonl'), log);
      const summary = path.join(dir, 'step-summary.md');
      const env = { GITHUB_ACTIONS: 'true', CI: 'true', GITHUB_STEP_SUMMARY: summary };
      const results: CliResult[] = [];
      let failed = false;
      for (const step of steps) {
        if (failed && step.if !== 'always()') continue;
        if (step.uses?.startsWith('actions/checkout@')) continue; // the project directory is the checkout
        if (step.uses?.startsWith('actions/setup-node@')) {
          expect([20, 22, 24]).toContain(Number(step.with?.['node-version']));
          continue;
        }
        if (step.uses?.startsWith('actions/upload-artifact@')) {
          expect(existsSync(path.join(dir, String(step.with?.path)))).toBe(true);
          continue;
        }
        expect(step.uses, 'a step this harness does not know').toBeUndefined();
        if (step.run === 'npm ci') continue; // the project's install, done above
        const result = await shell(step.run as string, { cwd: dir, env });
        results.push(result);
        if (result.code !== 0) failed = true;
      }
      return { results, summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '', dir };
    };

    // Tokens that stay flat: the gate fails the job, and the report still runs.
    const failing = await runJob(armLog('reviewer'));
    const [gate, report] = failing.results;
    expect(gate?.code, gate?.stderr).toBe(1);
    expect(gate?.stdout).toContain('reviewer');
    expect(gate?.stderr).toMatch(/^::error .*reviewer/m);
    expect(failing.summary).toContain('FAIL');
    expect(report?.code, report?.stderr).toBe(0);
    expect(readFileSync(path.join(failing.dir, 'afterburn-report.html'), 'utf8')).toMatch(
      /^<!doctype html>/i,
    );
    expect(report?.stderr).not.toMatch(/::error|GITHUB_STEP_SUMMARY/);

    const passing = await runJob(armLog('coder'));
    expect(passing.results.map((r) => r.code)).toEqual([0, 0]);
  },

  /**
   * The export line runs here and the SQL file it names runs in DuckDB (through @duckdb/node-api,
   * since `npm ci` brings no duckdb binary) on what it wrote: every arm's row comes back.
   */
  async duckdb(recipe) {
    const body = lines(recipe.body);
    const exportLine = body[0] as string;
    const sqlFile = /^duckdb -f (\S+)$/.exec(body[1] ?? '')?.[1];
    expect(sqlFile, body[1]).toBeDefined();
    const dir = project();
    copyInto(dir, 'logs/outcomes.jsonl');
    const run = await shell(exportLine, { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      await connection.run(`SET file_search_path = '${dir}'`);
      const sql = readFileSync(path.join(ROOT, sqlFile as string), 'utf8');
      const rows = (await connection.runAndReadAll(sql)).getRowObjectsJS();
      const arms = rows.map((row) => row.agent).filter((agent: unknown) => agent !== null);
      expect(arms.length).toBeGreaterThan(0);
      expect(rows.some((row) => row.agent === null)).toBe(true);
    } finally {
      connection.closeSync();
    }
  },

  /** Written as afterburn.config.json in the working directory, where a run picks it up. */
  async 'health-config'(recipe) {
    const dir = project();
    writeFileSync(path.join(dir, 'afterburn.config.json'), recipe.body);
    writeFileSync(path.join(dir, 'queue.jsonl'), mergeQueueLog(40, 5));
    const run = await shell('afterburn metrics --source merge-queue --path queue.jsonl --json', { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const metrics = (JSON.parse(run.stdout) as { metrics: { name: string; window: number | null }[] })
      .metrics;
    expect(metrics.find((m) => m.name === 'first_pass_merge_rate')?.window).toBe(30);
  },

  /** After `baseline save release-1.4`, on an export as good as the baseline: the gate passes. */
  async 'compare-gate'(recipe) {
    const dir = project();
    writeFileSync(path.join(dir, 'export.csv'), mergeQueueCsv(120, 5));
    const saved = await shell('afterburn baseline save release-1.4 --source merge-queue --path export.csv', {
      cwd: dir,
    });
    expect(saved.code, saved.stderr).toBe(0);
    const summary = path.join(dir, 'step-summary.md');
    const run = await shell(recipe.body, { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(run.code, run.stderr).toBe(0);
    // Markdown escapes the underscores of a metric name, like every other cell.
    expect(readFileSync(summary, 'utf8')).toContain('first\\_pass\\_merge\\_rate');
    // And a worse export breaches the default limit: exit 1, as the nightly gate needs.
    writeFileSync(path.join(dir, 'export.csv'), mergeQueueCsv(120, 1));
    // first_pass_merge_rate has no default limit: the limit comes from the environment, the command is the recipe's.
    const worse = await shell(recipe.body, {
      cwd: dir,
      env: { GITHUB_STEP_SUMMARY: summary, AFTERBURN_MAX_DROP: 'first_pass_merge_rate=0.05' },
    });
    expect(worse.code, worse.stderr).toBe(1);
  },
};

function mergeQueueCsv(count: number, nth: number): string {
  const rows = lines(mergeQueueLog(count, nth)).map((line) => {
    const row = JSON.parse(line) as Record<string, string | number>;
    return [row.work_item_id, row.project, row.story_id, row.attempts, row.last_verdict, row.merged_at].join(
      ',',
    );
  });
  return `work_item_id,project,story_id,attempts,last_verdict,merged_at\n${rows.join('\n')}\n`;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function withPrefix(env: Record<string, string>, prefix: string): Record<string, string> {
  return { ...env, PATH: `${path.join(prefix, 'bin')}:${path.dirname(process.execPath)}:/usr/bin:/bin` };
}

/** The checkout's sources with its installed node_modules, so an install there needs no registry. */
function checkoutCopy(): string {
  const dir = tempDir('afterburn-checkout-');
  for (const entry of [
    'package.json',
    'package-lock.json',
    'README.md',
    'bin',
    'src',
    'scripts',
    'tsconfig.json',
  ]) {
    copyTree(path.join(ROOT, entry), path.join(dir, entry));
  }
  // Each package linked, not node_modules itself: whatever npm does to the copy's node_modules stays there.
  const linkAll = (from: string, to: string) => {
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) {
      if (name === '.cache' || name === '.bin') continue;
      if (name.startsWith('@')) linkAll(path.join(from, name), path.join(to, name));
      else symlinkSync(path.join(from, name), path.join(to, name));
    }
  };
  linkAll(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

function copyTree(from: string, to: string): void {
  mkdirSync(path.dirname(to), { recursive: true });
  if (!readdirSafe(from)) {
    copyFileSync(from, to);
    return;
  }
  mkdirSync(to, { recursive: true });
  for (const name of readdirSafe(from) ?? []) copyTree(path.join(from, name), path.join(to, name));
}

function readdirSafe(dir: string): string[] | null {
  try {
    return readdirSync(dir);
  } catch {
    return null;
  }
}

const { recipes, unmarked } = allRecipes();

describe('the recipes in the README and docs/', () => {
  it('are all marked, each with a runner, and every runner has its recipe', () => {
    expect(unmarked, 'blocks without a <!-- recipe: NAME --> line above').toEqual([]);
    const names = recipes.map((r) => r.name);
    expect(names.filter((name) => !(name in RUNNERS))).toEqual([]);
    expect(Object.keys(RUNNERS).filter((name) => !names.includes(name))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(recipes.map((r) => [`${r.name} (${r.page}:${r.line})`, r] as const))(
    '%s runs',
    async (_label, recipe) => {
      await (RUNNERS[recipe.name] as Runner)(recipe);
    },
    120_000,
  );
});
