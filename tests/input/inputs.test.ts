import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveInputs } from '../../src/input/inputs.js';
import { CLAUDE_CODE_LAYOUT } from '../../src/sources/claude-code/index.js';
import { tempDir } from '../helpers/cli.js';

function touch(root: string, relative: string): void {
  const file = path.join(root, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '{}\n');
}

describe('resolveInputs with a source layout', () => {
  it('the default layout reads only the top directory, oldest rotation first', async () => {
    const root = tempDir();
    for (const name of ['b.jsonl', 'b.jsonl.1', 'a.jsonl', 'notes.txt', 'sub/c.jsonl']) touch(root, name);
    const names = (await resolveInputs([root], '/')).map((input) =>
      path.relative(root, input.path as string),
    );
    expect(names).toEqual(['a.jsonl', 'b.jsonl.1', 'b.jsonl']);
  });

  it('the claude-code layout walks the tree, including subagents/, and skips meta files and directory links', async () => {
    const root = tempDir();
    for (const name of [
      'proj-b/s2.jsonl',
      'proj-a/s1.jsonl',
      'proj-a/s1/subagents/agent-x.jsonl',
      'proj-a/s1/subagents/agent-x.meta.json',
      'proj-a/s1/tool-results/out.txt',
    ]) {
      touch(root, name);
    }
    symlinkSync(path.join(root, 'proj-a'), path.join(root, 'loop'));
    await expect(resolveInputs(['projects'], root, CLAUDE_CODE_LAYOUT)).rejects.toThrow(
      /no such file or directory: projects/,
    );
    const found = await resolveInputs([root], '/', CLAUDE_CODE_LAYOUT);
    expect(found.map((input) => path.relative(root, input.path as string))).toEqual([
      'proj-a/s1.jsonl',
      'proj-a/s1/subagents/agent-x.jsonl',
      'proj-b/s2.jsonl',
    ]);
    expect(found[1]?.name).toBe(path.join(root, 'proj-a/s1/subagents/agent-x.jsonl'));
  });

  it('a tree with no transcripts names what the source reads', async () => {
    const root = tempDir();
    touch(root, 'a/b/notes.txt');
    await expect(resolveInputs([root], '/', CLAUDE_CODE_LAYOUT)).rejects.toMatchObject({
      message: `no log files in ${root}`,
      hint: expect.stringMatching(/recursively for \*\.jsonl/),
    });
  });
});
