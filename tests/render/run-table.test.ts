import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE, runCli, tempDir } from '../helpers/cli.js';

/** The terminal table of the sample log, colour off, at a fixed width: any change shows in review. */
async function fixtureTable(columns: number, extra: Record<string, string> = {}): Promise<string> {
  const cwd = tempDir();
  copyFileSync(FIXTURE, path.join(cwd, 'outcomes.jsonl'));
  const result = await runCli(['discover', '--path', 'outcomes.jsonl', '--format', 'table'], {
    cwd,
    env: { COLUMNS: String(columns), ...extra },
  });
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('terminal table of the sample log', () => {
  it('at 120 columns shows every column', async () => {
    const table = await fixtureTable(120);
    await expect(table).toMatchFileSnapshot('__snapshots__/fixture-table-120.txt');
    expect(table).not.toContain('compact (');
    for (const line of table.split('\n')) expect([...line].length).toBeLessThanOrEqual(120);
  });

  it('under 100 columns drops the secondary columns and says so', async () => {
    const table = await fixtureTable(80);
    await expect(table).toMatchFileSnapshot('__snapshots__/fixture-table-80.txt');
    expect(table).toMatch(/compact \(80 cols\): .* hidden/);
    for (const header of ['FIRST → LAST DECILE', 'CACHE P50', 'KIND', 'ARMS'])
      expect(table).not.toContain(header);
    for (const header of ['VERDICT', 'TOKENS/DAY', 'MK P', 'REMEDIATION', 'SUGGESTION'])
      expect(table).toContain(header);
    for (const line of table.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('colours verdicts only when asked (FORCE_COLOR), and NO_COLOR wins', async () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for escape sequences
    const ansiEscape = /\u001b\[/;
    const forced = await fixtureTable(120, { FORCE_COLOR: '1', NO_COLOR: '' });
    expect(forced).toMatch(ansiEscape);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing escape sequences
    expect(forced.replace(/\u001b\[[0-9;]*m/g, '')).toBe(await fixtureTable(120));
    expect(await fixtureTable(120, { FORCE_COLOR: '1' })).not.toMatch(ansiEscape);
  });

  it('hides rejected findings (counted in a closing line), marks verified ones; --show-rejected shows and marks them', async () => {
    const cwd = tempDir();
    copyFileSync(FIXTURE, path.join(cwd, 'outcomes.jsonl'));
    const env = { COLUMNS: '120' };
    const first = await runCli(['discover', '--path', 'outcomes.jsonl', '--format', 'json'], { cwd, env });
    const findings = JSON.parse(first.stdout).findings as {
      id: string;
      type: string;
      scope: { arm: string | null };
      data: { rank?: number };
    }[];
    const reviewer = findings.find((f) => f.type === 'efficiency_trend' && f.scope.arm === 'reviewer');
    const topFriction = findings.find((f) => f.type === 'friction' && f.data.rank === 1);
    const latency = findings.find((f) => f.type === 'latency' && f.scope.arm === null);
    for (const [id, extra] of [
      [reviewer?.id, ['--reject']],
      [latency?.id, ['--reject']],
      [topFriction?.id, []],
    ] as const) {
      expect((await runCli(['findings', 'verify', id as string, ...extra], { cwd })).code).toBe(0);
    }
    const table = (await runCli(['report', '--format', 'table'], { cwd, env })).stdout;
    await expect(table).toMatchFileSnapshot('__snapshots__/fixture-table-reviewed.txt');
    expect(table).not.toMatch(/^\s+reviewer\s+FAIL/m);
    expect(table).not.toMatch(/^\s+all arms\s+\d+\s+[\d,]+/m);
    expect(table).toMatch(/prompt names more than 3 files \(verified\)/);
    expect(table.trimEnd().split('\n').at(-1)).toBe('2 rejected findings hidden; --show-rejected shows them');
    // discover's own output shows the same.
    const rerun = await runCli(['discover', '--path', 'outcomes.jsonl', '--format', 'table'], { cwd, env });
    expect(rerun.stdout).toBe(table);
    const shown = (await runCli(['report', '--format', 'table', '--show-rejected'], { cwd, env })).stdout;
    expect(shown).toMatch(/^\s+reviewer \(rejected\)\s+FAIL/m);
    expect(shown).not.toContain('rejected findings hidden');
    const markdown = (
      await runCli(['report', '--format', 'markdown'], { cwd, env: { AFTERBURN_SHOW_REJECTED: 'false' } })
    ).stdout;
    expect(markdown).not.toMatch(/\| reviewer \| \**FAIL/);
    expect(markdown).toContain('prompt names more than 3 files \\(verified\\)');
    expect(markdown.trimEnd().split('\n').at(-1)).toBe(
      '_2 rejected findings hidden; --show-rejected shows them_',
    );
    const page = (await runCli(['report', '--format', 'html'], { cwd })).stdout;
    expect(page).toContain('<p class="note">2 rejected findings hidden; --show-rejected shows them</p>');
    expect(page).not.toContain('<h3>reviewer');
    const pageAll = (
      await runCli(['report', '--format', 'html'], { cwd, env: { AFTERBURN_SHOW_REJECTED: '1' } })
    ).stdout;
    expect(pageAll).toContain('<h3>reviewer (rejected)</h3>');
    // The JSON report is the contract's: every finding, with its status.
    const json = JSON.parse((await runCli(['report', '--format', 'json'], { cwd })).stdout);
    expect(json.findings.find((f: { id: string }) => f.id === reviewer?.id).status).toBe('rejected');
  });
});
