import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The README and docs/ are the user's manual: a moved page or a renamed heading must not leave a
// dead link behind, nothing may point outside the repository (../shared is not shipped), and the
// README stays small enough to read. No markdown parser is a dependency, so links are found with a
// regex over the text outside code fences and code spans.

const ROOT = path.resolve(import.meta.dirname, '../..');
const README_LIMIT_BYTES = 20_000;

interface Link {
  readonly target: string;
  readonly line: number;
}

interface Page {
  readonly text: string;
  readonly links: readonly Link[];
  readonly anchors: ReadonlySet<string>;
}

/** The text with fenced code blocks blanked out (line numbers kept) and code spans removed. */
function proseLines(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return '';
    }
    if (marker !== undefined) {
      fence = marker;
      return '';
    }
    return line.replace(/(`+)[^`]*?\1/g, '');
  });
}

/** GitHub's heading ids: lowercase, punctuation dropped (letters, digits, `-`, `_` and spaces kept), each space a `-`, repeats suffixed -1, -2, …. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (marker !== undefined) {
      fence = marker;
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const text = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Inline links and images, `[text](target "title")`, outside code. */
function markdownLinks(markdown: string): Link[] {
  const links: Link[] = [];
  proseLines(markdown).forEach((line, index) => {
    for (const match of line.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+"[^"]*")?\s*\)/g)) {
      const raw = match[1] ?? '';
      links.push({ target: raw.startsWith('<') ? raw.slice(1, -1) : raw, line: index + 1 });
    }
  });
  return links;
}

/** One message per problem: a missing file, an anchor no heading has, a pointer at ../shared. */
function linkProblems(file: string, pages: ReadonlyMap<string, Page>): string[] {
  const page = pages.get(file);
  if (page === undefined) throw new Error(`not a parsed page: ${file}`);
  const problems: string[] = [];
  const where = (line: number) => `${path.relative(ROOT, file)}:${line}`;
  page.text.split('\n').forEach((line, index) => {
    if (line.includes('../shared'))
      problems.push(`${where(index + 1)}: points at ../shared (outside the repository)`);
  });
  for (const { target, line } of page.links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
    const hash = target.indexOf('#');
    const filePart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const resolved = filePart === '' ? file : path.resolve(path.dirname(file), filePart);
    if (!resolved.startsWith(ROOT + path.sep)) {
      problems.push(`${where(line)}: ${target} leaves the repository`);
      continue;
    }
    if (!existsSync(resolved)) {
      problems.push(`${where(line)}: ${target}: no such file`);
      continue;
    }
    if (anchor === undefined) continue;
    const linked = pages.get(resolved);
    if (linked === undefined) {
      problems.push(`${where(line)}: ${target}: an anchor into a file that is not a checked markdown page`);
    } else if (!linked.anchors.has(anchor)) {
      problems.push(`${where(line)}: ${target}: no heading with the id "${anchor}"`);
    }
  }
  return problems;
}

function parsePage(text: string): Page {
  return { text, links: markdownLinks(text), anchors: headingAnchors(text) };
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}

function parseAll(files: readonly string[], read: (file: string) => string): Map<string, Page> {
  return new Map(files.map((file) => [file, parsePage(read(file))]));
}

describe('docs link checker', () => {
  it('derives GitHub heading ids', () => {
    const anchors = headingAnchors(
      [
        '# Contract additions (schema_version stays 1)',
        '## Big logs, cron and bigger engines',
        '### The `claude-code` source: [transcripts](x.md)',
        '## Usage',
        '## Usage',
        '```',
        '# not a heading',
        '```',
      ].join('\n'),
    );
    expect([...anchors]).toEqual([
      'contract-additions-schema_version-stays-1',
      'big-logs-cron-and-bigger-engines',
      'the-claude-code-source-transcripts',
      'usage',
      'usage-1',
    ]);
  });

  it('finds links outside code only', () => {
    const links = markdownLinks(
      [
        'see [a](a.md#x) and ![img](<b c.png> "title")',
        '`[no](code.md)`',
        '```',
        '[no](fenced.md)',
        '```',
        '[c](#y)',
      ].join('\n'),
    );
    expect(links).toEqual([
      { target: 'a.md#x', line: 1 },
      { target: 'b c.png', line: 1 },
      { target: '#y', line: 6 },
    ]);
  });

  it('reports a missing file, a missing anchor on either page, and ../shared', () => {
    const readme = path.join(ROOT, 'README.md');
    const page = path.join(ROOT, 'docs', 'health.md');
    const texts = new Map([
      [
        readme,
        [
          '# Top',
          '[ok](docs/health.md#rates) [ok](#top) [web](https://example.com/#nowhere)',
          '[gone](docs/nowhere.md)',
          '[bad anchor](docs/health.md#no-such-heading)',
          '[bad local](#bottom)',
          'the spec is ../shared/docs/contract.md',
        ].join('\n'),
      ],
      [page, '# Rates\n'],
    ]);
    const pages = parseAll([readme, page], (file) => texts.get(file) ?? '');
    expect(linkProblems(readme, pages)).toEqual([
      'README.md:6: points at ../shared (outside the repository)',
      'README.md:3: docs/nowhere.md: no such file',
      'README.md:4: docs/health.md#no-such-heading: no heading with the id "no-such-heading"',
      'README.md:5: #bottom: no heading with the id "bottom"',
    ]);
    expect(linkProblems(page, pages)).toEqual([]);
  });
});

describe('README and docs/', () => {
  const files = [path.join(ROOT, 'README.md'), ...markdownFiles(path.join(ROOT, 'docs'))];
  const pages = parseAll(files, (file) => readFileSync(file, 'utf8'));

  it('has docs pages to check', () => {
    expect(files.length).toBeGreaterThan(1);
  });

  it.each(files.map((file) => [path.relative(ROOT, file), file]))(
    '%s: every relative link and anchor resolves, nothing points at ../shared',
    (_name, file) => {
      expect(linkProblems(file, pages)).toEqual([]);
    },
  );

  it('links every docs page from the README', () => {
    const readme = path.join(ROOT, 'README.md');
    const linked = new Set(
      (pages.get(readme)?.links ?? []).map((link) => path.resolve(ROOT, link.target.split('#')[0] ?? '')),
    );
    const unlinked = files
      .filter((file) => file !== readme && !linked.has(file))
      .map((f) => path.relative(ROOT, f));
    expect(unlinked).toEqual([]);
  });

  it(`keeps the README under ${README_LIMIT_BYTES} bytes`, () => {
    expect(statSync(path.join(ROOT, 'README.md')).size).toBeLessThanOrEqual(README_LIMIT_BYTES);
  });
});
