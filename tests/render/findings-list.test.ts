import { copyFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isUnmeasured } from '../../src/findings/measured.js';
import type { Finding } from '../../src/findings/schema.js';
import { renderFindingDetail, shortIds } from '../../src/render/findings.js';
import { FIXTURE, runCli, tempDir } from '../helpers/cli.js';

/** `findings list` and `findings show` on the sample log's store, colour off (NO_COLOR). */
let cwd: string;
let stored: Finding[];

beforeAll(async () => {
  cwd = tempDir();
  copyFileSync(FIXTURE, path.join(cwd, 'outcomes.jsonl'));
  const run = await runCli(['discover', '--path', 'outcomes.jsonl'], { cwd });
  expect(run.code, run.stderr).toBe(0);
  stored = JSON.parse((await runCli(['findings', 'list', '--json'], { cwd })).stdout);
});

async function table(columns: number, args: string[] = []): Promise<string> {
  const result = await runCli(['findings', 'list', '--no-json', ...args], {
    cwd,
    env: { COLUMNS: String(columns) },
  });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

/** The table's data rows, without the header and the closing line. */
function rows(text: string): string[] {
  return text.split('\n').slice(1, text.split('\n').indexOf(''));
}

describe('findings list', () => {
  it('fits 80 columns and shows the scope, so the per-arm rows can be told apart', async () => {
    const text = await table(80);
    await expect(text).toMatchFileSnapshot('__snapshots__/findings-list-80.txt');
    for (const line of text.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(text.split('\n')[0]).toMatch(/^ID +STATUS +SCOPE +N +SUMMARY$/);
    const body = rows(text);
    // Every stored finding but the three of planner's rates its 4 tasks leave unmeasured (findings-unmeasured.test.ts).
    expect(body).toHaveLength(stored.filter((f) => !isUnmeasured(f)).length);
    expect(stored.length - body.length).toBe(3);
    // Without their ids, no two rows read the same.
    const withoutIds = body.map((row) => row.replace(/^\S+\s+/, ''));
    expect(new Set(withoutIds).size).toBe(body.length);
    for (const arm of ['all arms', 'coder', 'reviewer', 'planner'])
      expect(body.some((row) => row.includes(`  ${arm}  `) && / (PASS|FAIL|INCONCLUSIVE) /.test(row))).toBe(
        true,
      );
  });

  it('fits 120 columns too, and every shortened id is one findings show accepts', async () => {
    const text = await table(120);
    for (const line of text.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(120);
    const ids = rows(text).map((row) => row.split(/\s+/)[0] as string);
    for (const id of ids.slice(0, 3)) {
      const shown = await runCli(['findings', 'show', id, '--json'], { cwd });
      expect(shown.code, shown.stderr).toBe(0);
      expect(JSON.parse(shown.stdout).id.startsWith(id)).toBe(true);
    }
  });

  it('prints JSON when stdout is not a terminal, as discover does; --no-json keeps the table', async () => {
    const piped = await runCli(['findings', 'list', '--type', 'friction'], { cwd });
    expect(piped.code, piped.stderr).toBe(0);
    const listed = JSON.parse(piped.stdout) as Finding[];
    expect(listed.map((f) => f.id)).toEqual(stored.filter((f) => f.type === 'friction').map((f) => f.id));
    expect(await table(80, ['--type', 'friction'])).toMatch(/^ID +STATUS/);
  });

  it('says when a filter matches nothing', async () => {
    expect(await table(80, ['--status', 'verified'])).toBe('no findings match\n');
  });
});

describe('shortIds', () => {
  it('keeps 8 hex characters, more where two ids of the store share them', () => {
    const all = ['friction-0123456789abcdef', 'friction-01234567ffffffff', 'latency-89abcdef01234567'];
    const short = shortIds(all, all);
    expect(short.get('latency-89abcdef01234567')).toBe('latency-89abcdef');
    expect(short.get('friction-0123456789abcdef')).toBe('friction-012345678');
    expect(short.get('friction-01234567ffffffff')).toBe('friction-01234567f');
  });

  it('gives the shortest prefix of 8+ hash characters that no other id of the store starts with', () => {
    // Stems of 7 to 9 characters make ids that share the 8 kept characters, and more, often.
    const hash = fc
      .tuple(
        fc.constantFrom('', '0000000', '00000000', '000000001'),
        fc.string({ unit: fc.constantFrom('0', '1', 'a'), maxLength: 4 }),
      )
      .map(([stem, tail]) => stem + tail);
    const id = fc.tuple(fc.constantFrom('friction', 'latency'), hash).map(([type, h]) => `${type}-${h}`);
    fc.assert(
      fc.property(fc.uniqueArray(id, { minLength: 1, maxLength: 30 }), (all) => {
        const short = shortIds(all, all);
        for (const full of all) {
          const text = short.get(full) as string;
          const base = Math.min(full.length, full.lastIndexOf('-') + 1 + 8);
          const sharedBy = (prefix: string) =>
            all.some((other) => other !== full && other.startsWith(prefix));
          expect(full.startsWith(text)).toBe(true);
          expect(text.length).toBeGreaterThanOrEqual(base);
          if (text !== full) expect(sharedBy(text)).toBe(false);
          if (text.length > base) expect(sharedBy(text.slice(0, -1))).toBe(true);
        }
      }),
      { seed: 16, numRuns: 300 },
    );
  });
});

describe('findings show', () => {
  const trendOf = () => stored.find((f) => f.type === 'efficiency_trend' && f.scope.arm === null) as Finding;

  it('is a summary of a screen, not the whole record: verdict, numbers, evidence, status', async () => {
    const trend = trendOf();
    const result = await runCli(['findings', 'show', trend.id.slice(0, 20), '--no-json'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(50);
    expect(result.stdout).toMatch(/^verdict +PASS$/m);
    expect(result.stdout).toMatch(/^evidence +n = 103 /m);
    expect(result.stdout).toMatch(/^status +candidate \(not reviewed/m);
    expect(result.stdout).toMatch(/^ {2}theil_sen_slope +-132$/m);
    expect(result.stdout).toMatch(/^ {2}daily +\d+ values \(--json shows them\)$/m);
    expect(result.stdout).toContain(`all fields: afterburn findings show ${trend.id} --json`);
  });

  it('shows a friction finding’s remediation and a review with its note', async () => {
    const friction = stored.find((f) => f.type === 'friction') as Finding;
    const dir = tempDir();
    copyFileSync(FIXTURE, path.join(dir, 'outcomes.jsonl'));
    expect((await runCli(['discover', '--path', 'outcomes.jsonl'], { cwd: dir })).code).toBe(0);
    await runCli(['findings', 'verify', friction.id, '--note', 'seen in the gate log'], { cwd: dir });
    const result = await runCli(['findings', 'show', friction.id, '--no-json'], { cwd: dir });
    expect(result.stdout).toMatch(
      new RegExp(`^remediation +${escapeRegExp(String(friction.data.remediation))}$`, 'm'),
    );
    expect(result.stdout).toMatch(/^status +verified\n +\S+ verified: seen in the gate log$/m);
  });

  it('prints the full JSON when stdout is not a terminal, and with --json', async () => {
    const trend = trendOf();
    const piped = await runCli(['findings', 'show', trend.id], { cwd });
    expect(JSON.parse(piped.stdout)).toEqual(trend);
  });

  it('renders the same summary for the same finding (snapshot, fixed times)', async () => {
    const trend = {
      ...trendOf(),
      created_at: '2026-10-02T00:00:00.000Z',
      updated_at: '2026-10-02T00:00:00.000Z',
    };
    await expect(renderFindingDetail(trend)).toMatchFileSnapshot('__snapshots__/finding-show-trend.txt');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
