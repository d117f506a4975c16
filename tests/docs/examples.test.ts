import { readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';
import { project, shell } from '../helpers/recipe-shell.js';

/**
 * Every `afterburn …` or `npx afterburn …` command of the README and docs/ that names a sample
 * under fixtures/ runs here as written, in a checkout-like project (fixtures/ beside it, the
 * store in a temporary directory), and must exit as the page says (0 unless the text right after
 * it names another exit code) with output worth reading. The commands of one page run in page
 * order in one project, so `baseline save` before `compare` works as a reader would run them.
 * The marked recipes (quick start, cron, CI) have their own runners in recipes.test.ts.
 */

interface Example {
  readonly page: string;
  readonly line: number;
  readonly command: string;
  readonly exit: number;
}

function pages(dir = 'docs'): string[] {
  const below = readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return pages(relative).filter((page) => page !== 'README.md');
    return entry.name.endsWith('.md') ? [relative] : [];
  });
  return dir === 'docs' ? ['README.md', ...below] : below;
}

const COMMAND = /^(npx )?afterburn\s/;
const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Code spans (a span may wrap a line: the line break is a space) and the lines of fenced blocks. */
function examplesOf(page: string, markdown: string): Example[] {
  const examples: Example[] = [];
  const fence = /^(`{3,}).*\n([\s\S]*?)^\1\s*$/gm;
  for (const block of markdown.matchAll(fence)) {
    const start = lineOf(markdown, block.index) + 1;
    (block[2] as string).split('\n').forEach((text, i) => {
      examples.push({ page, line: start + i, command: text.trim(), exit: 0 });
    });
  }
  const prose = markdown.replace(fence, (block) => block.replace(/[^\n]/g, ' '));
  for (const span of prose.matchAll(/(?<!`)(`+)(?!`)([\s\S]+?)(?<!`)\1(?!`)/g)) {
    const after = prose.slice(span.index + span[0].length, span.index + span[0].length + 80);
    const stated = /^[^`.;]*?exit (\d+)/.exec(after)?.[1];
    examples.push({
      page,
      line: lineOf(prose, span.index),
      command: (span[2] as string).replace(/\s+/g, ' ').trim(),
      exit: stated === undefined ? 0 : Number(stated),
    });
  }
  return examples
    .filter((example) => COMMAND.test(example.command) && /(^|\s|=)fixtures\//.test(example.command))
    .sort((a, b) => a.line - b.line);
}

const all = pages().flatMap((page) => examplesOf(page, readFileSync(path.join(ROOT, page), 'utf8')));
// Node 20 has no Map.groupBy.
const byPage = new Map<string, Example[]>();
for (const example of all) byPage.set(example.page, [...(byPage.get(example.page) ?? []), example]);

/** A checkout as the docs assume it: the samples in fixtures/, afterburn runnable by npx. */
function checkout(): string {
  const dir = project(tempDir('afterburn-example-'));
  symlinkSync(path.join(ROOT, 'fixtures'), path.join(dir, 'fixtures'));
  return dir;
}

/** Output worth reading: JSON with findings or metrics in it, or text (a table, metric lines). */
function expectMeaningful(stdout: string, label: string): void {
  expect(stdout.trim(), `${label}: no output`).not.toBe('');
  if (!stdout.trimStart().startsWith('{')) return;
  const json = JSON.parse(stdout) as { findings?: unknown[]; metrics?: unknown[]; deltas?: unknown[] };
  const items = json.findings ?? json.metrics ?? json.deltas;
  expect(items?.length ?? 0, `${label}: nothing found`).toBeGreaterThan(0);
}

describe('the examples in the README and docs/ that name a sample', () => {
  it('exist for every source, so each sample is shown somewhere', () => {
    const sources = new Set(
      all.map((example) => /--source (\S+)/.exec(example.command)?.[1] ?? 'dispatch-outcomes'),
    );
    expect([...sources].sort()).toEqual([
      'claude-code',
      'dispatch-outcomes',
      'flynn-audit',
      'merge-queue',
      'task-completions',
      'workrail',
    ]);
  });

  it('finds code spans that wrap a line and reads the exit code the text states', () => {
    const page =
      'See `afterburn compare --baseline b --path\nfixtures/x.csv` (a drop: exit 1) and `ls fixtures/`.';
    expect(examplesOf('p.md', page)).toEqual([
      { page: 'p.md', line: 1, command: 'afterburn compare --baseline b --path fixtures/x.csv', exit: 1 },
    ]);
  });

  it.each([...byPage.entries()])(
    '%s: each runs as written',
    async (page, examples) => {
      const dir = checkout();
      for (const example of examples) {
        const label = `${page}:${example.line}: ${example.command}`;
        const run = await shell(example.command, {
          cwd: dir,
          env: { AFTERBURN_STORE: path.join(dir, 'store') },
        });
        expect(run.code, `${label}\n${run.stderr}`).toBe(example.exit);
        expectMeaningful(run.stdout, label);
      }
    },
    120_000,
  );
});
