import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateClaudeCodeTree } from './claude-code-tree.js';
import { MB, measure, medianOf, ROOT, type Sample, SEED } from './measure.js';

/**
 * The Claude Code case of `npm run bench`: a generated transcript tree in the real shape
 * (claude-code-tree.ts, seeded), timed with `afterburn discover --source claude-code` and with
 * ccusage (`ccusage daily --json --offline`, CLAUDE_CONFIG_DIR pointing at the tree) in the same
 * rounds, alternating; then `discover --incremental` after one new session file, against a full
 * run. ccusage is installed under the bench directory at bench time, never as a dependency.
 * Before timing, an untimed check that both read the same data (checkSameData).
 */
/** The newest ccusage with a linux-x64 native binary on the registry when this was written. */
export const CCUSAGE_VERSION = '20.0.24';

function ccusageBinary(benchDir: string): string {
  const prefix = path.join(benchDir, `ccusage-${CCUSAGE_VERSION}`);
  const binary = path.join(prefix, 'node_modules/.bin/ccusage');
  if (!existsSync(binary)) {
    mkdirSync(prefix, { recursive: true });
    const npm = spawnSync(
      'npm',
      ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', `ccusage@${CCUSAGE_VERSION}`],
      { stdio: 'inherit' },
    );
    if (npm.status !== 0) throw new Error(`npm install ccusage@${CCUSAGE_VERSION} failed`);
  }
  return binary;
}

export async function claudeCodeBench(options: {
  readonly benchDir: string;
  readonly quick: boolean;
  readonly rounds: number;
  readonly extraArgs: readonly string[];
}): Promise<void> {
  const targetMb = options.quick ? 24 : 500;
  const files = options.quick ? 60 : 600;
  const config = path.join(options.benchDir, `claude-code-${SEED}-${targetMb}mb-${files}`);
  const tree = path.join(config, 'projects');
  if (!existsSync(path.join(config, 'done'))) {
    rmSync(config, { recursive: true, force: true });
    const made = generateClaudeCodeTree(tree, { seed: SEED, targetBytes: targetMb * MB, files });
    writeFileSync(path.join(config, 'done'), JSON.stringify(made));
  }
  const made = JSON.parse(readFileSync(path.join(config, 'done'), 'utf8')) as {
    bytes: number;
    files: number;
  };
  const ccusage = ccusageBinary(options.benchDir);
  const afterburn = path.join(ROOT, 'bin/afterburn.js');
  const discoverArgs = [
    'discover',
    '--source',
    'claude-code',
    '--path',
    tree,
    '--format',
    'json',
    ...options.extraArgs,
  ];
  const ccusageEnv = { CLAUDE_CONFIG_DIR: config };
  const checked = checkSameData(ccusage, ccusageEnv, afterburn, discoverArgs);
  const ours: Sample[] = [];
  const theirs: Sample[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    theirs.push(measure(ccusage, ['daily', '--json', '--offline'], ccusageEnv));
    ours.push(measure(afterburn, discoverArgs));
  }
  // Incremental: a store that has read the tree, then one new session file before each run.
  const store = mkdtempSync(path.join(tmpdir(), 'afterburn-bench-cc-store-'));
  const scratch = mkdtempSync(path.join(tmpdir(), 'afterburn-bench-cc-new-'));
  const incrementalArgs = [...discoverArgs, '--incremental', '--store', store];
  measure(afterburn, incrementalArgs);
  const incremental: Sample[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    // One session of the tree's size per file, written into the tree's first project.
    const fresh = path.join(scratch, String(round));
    generateClaudeCodeTree(fresh, { seed: SEED + 1 + round, targetBytes: (targetMb * MB) / files, files: 1 });
    const added = addNewSession(fresh, tree);
    incremental.push(measure(afterburn, incrementalArgs));
    // The next round adds its own new session to the tree as the last run left it.
    rmSync(added, { force: true });
  }
  rmSync(store, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
  const oursMs = medianOf(ours.map((s) => s.ms));
  const theirsMs = medianOf(theirs.map((s) => s.ms));
  const incrementalMs = medianOf(incremental.map((s) => s.ms));
  console.log('');
  console.log(
    `claude-code tree: ${(made.bytes / MB).toFixed(0)} MB in ${made.files} files, ccusage ${CCUSAGE_VERSION}, ${options.rounds} rounds (medians)`,
  );
  console.log(
    `both read the same ${checked.sessions} sessions; ccusage's totals: ${checked.inputTokens} input, ${checked.outputTokens} output, ${checked.cacheReadTokens} cache-read tokens`,
  );
  console.log(
    'ccusage ms | discover ms | discover/ccusage | discover RSS MB | incremental ms (1 new session) | incremental/discover',
  );
  console.log(
    [
      theirsMs.toFixed(0),
      oursMs.toFixed(0),
      (oursMs / theirsMs).toFixed(2),
      Math.max(...ours.map((s) => s.rssMb)).toFixed(0),
      incrementalMs.toFixed(0),
      (incrementalMs / oursMs).toFixed(2),
    ].join(' | '),
  );
}

/**
 * Untimed: that ccusage reads the tree afterburn reads. Pointed at the wrong directory (or
 * skipping files by date or cache), it would answer fast over nothing; so its sessions must be
 * afterburn's, and its token totals not zero.
 */
function checkSameData(
  ccusage: string,
  env: Readonly<Record<string, string>>,
  afterburn: string,
  discoverArgs: readonly string[],
): { sessions: number; inputTokens: number; outputTokens: number; cacheReadTokens: number } {
  const run = (program: string, args: readonly string[], extraEnv: Readonly<Record<string, string>> = {}) => {
    const result = spawnSync(program, args, {
      env: { ...process.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 * MB,
    });
    if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} exited ${result.status}`);
    return JSON.parse(result.stdout.toString()) as unknown;
  };
  const theirs = run(ccusage, ['session', '--json', '--offline'], env) as {
    session: unknown[];
    totals: { inputTokens: number; outputTokens: number; cacheReadTokens: number };
  };
  const store = mkdtempSync(path.join(tmpdir(), 'afterburn-bench-cc-check-'));
  const ours = run(afterburn, [...discoverArgs, '--store', store]) as { counts: { sessions: number } };
  rmSync(store, { recursive: true, force: true });
  if (theirs.session.length !== ours.counts.sessions || theirs.totals.inputTokens <= 0) {
    throw new Error(
      `ccusage did not read the tree afterburn read: ${theirs.session.length} sessions and ${theirs.totals.inputTokens} input tokens against afterburn's ${ours.counts.sessions} sessions`,
    );
  }
  return { sessions: ours.counts.sessions, ...theirs.totals };
}

/** Copies the one session file generated under `from` into `tree`'s first project; returns its path. */
function addNewSession(from: string, tree: string): string {
  const project = '-home-dev-project-0';
  const name = readdirSync(path.join(from, project)).find((entry) => entry.endsWith('.jsonl'));
  if (name === undefined) throw new Error(`no session was generated under ${from}`);
  const destination = path.join(tree, project, name);
  copyFileSync(path.join(from, project, name), destination);
  return destination;
}
