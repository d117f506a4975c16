import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

/** The codes of the README's exit-code table, the one a CI step reads. */
function readmeExitCodes(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('### Exit codes')[1]?.split('\n### ')[0] ?? '';
  return [...section.matchAll(/^\| (\d+) \|/gm)].map((match) => match[1] as string);
}

describe('--help', () => {
  it('documents every exit code of the README, 70 included', async () => {
    const codes = readmeExitCodes();
    expect(codes).toEqual(['0', '1', '2', '70']);
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    const exitText = stdout.split('Exit codes:')[1] ?? '';
    for (const exitCode of codes) expect(exitText).toMatch(new RegExp(`(^|[ ,])${exitCode} `));
  });

  it('lists the metrics, baseline and compare commands in its synopsis', async () => {
    const { stdout } = await runCli(['--help']);
    for (const command of ['discover', 'metrics', 'baseline', 'compare', 'findings', 'report', 'export'])
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });
});

describe('README source table', () => {
  it('lists exactly the sources the binary registers, each with its docs page', async () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| \[`([a-z-]+)`\]\(docs\/sources\/\1\.md\) \|/gm)].map((m) => m[1]);
    const { stdout } = await runCli(['sources', '--json']);
    const registered = (JSON.parse(stdout) as { sources: { name: string }[] }).sources.map((s) => s.name);
    expect(registered).toHaveLength(6);
    expect([...listed].sort()).toEqual([...registered].sort());
  });
});
