import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE, runCli, tempDir } from '../helpers/cli.js';

/**
 * A log shorter than the health windows (50 tasks, 100 dispatches) leaves its rates unmeasured.
 * Those findings are stored (compare and the next run need them) but are not candidates with a
 * confidence: the table leaves them out and says how many, --unmeasured lists them marked
 * `unmeasured`, JSON keeps every stored finding with confidence 0, and show says why.
 */
interface Stored {
  id: string;
  type: string;
  status: string;
  confidence: number;
  data: Record<string, unknown>;
}

let cwd: string;
let stored: Stored[];
const unmeasured = (f: Stored) =>
  (f.type === 'rolling_rate' && f.data.value === null) ||
  ((f.type === 'latency' || f.type === 'distribution') && f.data.p50 === null);

async function list(args: string[]): Promise<string> {
  const result = await runCli(['findings', 'list', ...args], { cwd, env: { COLUMNS: '120' } });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

const rows = (text: string) => text.split('\n').slice(1, text.split('\n').indexOf(''));

beforeAll(async () => {
  cwd = tempDir();
  const head = readFileSync(FIXTURE, 'utf8').split('\n').slice(0, 60).join('\n');
  writeFileSync(path.join(cwd, 'short.jsonl'), `${head}\n`);
  const run = await runCli(['discover', '--path', 'short.jsonl'], { cwd });
  expect(run.code, run.stderr).toBe(0);
  stored = JSON.parse(await list(['--json'])) as Stored[];
});

describe('findings that measured nothing yet', () => {
  it('exist on the short log: rates whose window is not full, a latency of one task', () => {
    const types = new Set(stored.filter(unmeasured).map((f) => f.type));
    expect(types).toEqual(new Set(['rolling_rate', 'latency']));
  });

  it('are left out of the table, which says how many and how to list them', async () => {
    const text = await list(['--no-json']);
    const hidden = stored.filter(unmeasured).length;
    expect(rows(text)).toHaveLength(stored.length - hidden);
    expect(text).not.toMatch(/ – \(n \d+\/\d+\)/);
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      `${hidden} unmeasured findings not listed (too few values yet); --unmeasured lists them`,
    );
    // A filter that leaves only unmeasured ones says so rather than "no findings match".
    expect(await list(['--no-json', '--type', 'rolling_rate'])).toMatch(
      /^no findings match: \d+ unmeasured findings not listed/,
    );
  });

  it('are listed with --unmeasured as unmeasured, never as candidates', async () => {
    const listed = rows(await list(['--no-json', '--unmeasured']));
    expect(listed).toHaveLength(stored.length);
    const marked = listed.filter((row) => /^\S+\s+unmeasured\s/.test(row));
    expect(marked).toHaveLength(stored.filter(unmeasured).length);
    for (const row of listed.filter((r) => / – \(n \d+\/\d+\)/.test(r)))
      expect(row).toMatch(/\sunmeasured\s/);
  });

  it('stay in JSON with confidence 0 (every stored finding, as before), unless --no-unmeasured', async () => {
    for (const finding of stored.filter(unmeasured)) {
      expect(finding.confidence, finding.id).toBe(0);
      expect(finding.status).toBe('candidate');
    }
    const measuredOnly = JSON.parse(await list(['--json', '--no-unmeasured'])) as Stored[];
    expect(measuredOnly.map((f) => f.id)).toEqual(stored.filter((f) => !unmeasured(f)).map((f) => f.id));
  });

  it('show says it is unmeasured instead of a confidence and a review to do', async () => {
    const rate = stored.find((f) => f.type === 'rolling_rate') as Stored;
    const shown = await runCli(['findings', 'show', rate.id, '--no-json'], { cwd });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^confidence +– \(unmeasured: window not full or too few values\)/m);
    expect(shown.stdout).toMatch(/^status +unmeasured \(nothing to review until a run measures it\)/m);
    expect(shown.stdout).not.toContain('findings verify');
  });

  it('on the full sample are only planner’s: 4 tasks, ending before the global window filled', async () => {
    const dir = tempDir();
    expect((await runCli(['discover', '--path', FIXTURE], { cwd: dir })).code).toBe(0);
    const all = JSON.parse((await runCli(['findings', 'list', '--json'], { cwd: dir })).stdout) as (Stored & {
      scope: { arm: string | null };
    })[];
    const hidden = all.filter(unmeasured);
    expect(hidden.map((f) => f.scope.arm)).toEqual(['planner', 'planner', 'planner']);
    const text = (await runCli(['findings', 'list', '--no-json'], { cwd: dir })).stdout;
    expect(rows(text)).toHaveLength(all.length - 3);
    expect(text).toContain('3 unmeasured findings not listed');
  });
});
