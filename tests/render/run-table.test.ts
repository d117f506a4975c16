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
});
