import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE, runCli, tempDir } from '../helpers/cli.js';

/**
 * The formatting rules of issue #16 (one way to write numbers and missing values), checked on the
 * sample log's table and markdown, colour off and at a fixed width, beside their snapshots.
 */
async function sample(format: 'table' | 'markdown'): Promise<string> {
  const cwd = tempDir();
  copyFileSync(FIXTURE, path.join(cwd, 'outcomes.jsonl'));
  const result = await runCli(['discover', '--path', 'outcomes.jsonl', '--format', format], {
    cwd,
    env: { COLUMNS: '120', NO_COLOR: '1' },
  });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

/** The cells of the markdown table rows (header and body; not the `|---|` line). */
function markdownRows(markdown: string): { header: boolean; cells: string[] }[] {
  const lines = markdown.split('\n');
  return lines.flatMap((line, i) => {
    if (!line.startsWith('| ')) return [];
    const cells = line
      .slice(2, -2)
      .split(' | ')
      .map((cell) => cell.trim());
    return [{ header: (lines[i + 1] ?? '').startsWith('|---'), cells }];
  });
}

function expectCommonRules(text: string): void {
  expect(text).not.toMatch(/\((?:s|es)\)/); // `1 lines`, `dispatch(es)`
  expect(text).not.toMatch(/\b1 (?:lines|dispatches|finalizes|inputs|arms|duplicates)\b/);
  expect(text).not.toContain('undefined');
  expect(text).not.toMatch(/(?:^|[\s|])-0(?:[\s|]|$)/m);
  expect(text).not.toMatch(/p = 0\.0+\b(?!\d)/);
  expect(text).not.toMatch(/\d\.\d*e-\d/);
}

describe('markdown of the sample log', () => {
  it('matches its snapshot and follows the number, case and escaping rules', async () => {
    const markdown = await sample('markdown');
    await expect(markdown).toMatchFileSnapshot('__snapshots__/fixture-markdown.md');
    expectCommonRules(markdown);
    const rows = markdownRows(markdown);
    expect(rows.filter((r) => r.header).length).toBeGreaterThanOrEqual(5);
    for (const { header, cells } of rows) {
      for (const cell of cells) {
        // Thousands separators: no bare run of four or more digits as a number.
        expect(cell, cell).not.toMatch(/^[+-]?\d{4,}(?:\.\d+)?$/);
        // Nothing unescaped that markdown would read as markup.
        expect(cell, cell).not.toMatch(/(?<!\\)[_*`[\]|]/);
      }
      if (header) {
        for (const cell of cells) {
          // One case: sentence case, never the terminal's capitals.
          expect(cell[0], cell).toBe(cell[0]?.toUpperCase());
          if (/[A-Z]{2}/.test(cell)) expect(cell, cell).not.toBe(cell.toUpperCase());
        }
      }
    }
    expect(markdown).toContain('| Rate | Value | N | State |');
    expect(markdown).toContain('| first\\_pass\\_success\\_rate | 0.84 | 50/50 | above until ≤ 0.7 |');
    expect(markdown).toContain('### Gate friction: 7 denied dispatches');
    expect(markdown).toContain('246 lines');
  });
});

describe('terminal table of the sample log, the same rules', () => {
  it('writes counts with separators, slopes with significant digits and p-values as bounds', async () => {
    const table = await sample('table');
    expectCommonRules(table);
    expect(table).toMatch(/^afterburn · dispatch-outcomes · 1 input · verdict PASS$/m);
    expect(table).toMatch(/^ {2}reviewer +FAIL +42 +-7\.9 +0\.084 /m);
    expect(table).toMatch(/^ {2}coder +PASS +57 +-171 +< 0\.0001 /m);
    expect(table).toMatch(/^ {2}all arms +117 +133,692 +227,691 +238,415$/m);
    expect(table).toMatch(/^ {2}first_pass_success_rate +0\.84 +50\/50 +above until ≤ 0\.7$/m);
  });
});
