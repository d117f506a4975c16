import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** The README's Install section, up to the next second-level heading. */
function installSection(): string {
  const section = read('README.md').split('\n## Install\n')[1];
  expect(section, 'README.md has an "## Install" section').toBeDefined();
  return (section as string).split('\n## ')[0] as string;
}

describe('README Install section', () => {
  it('names the Node majors CI tests and the engines field allows', () => {
    const install = installSection();
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    // Markdown wraps lines anywhere: compare with whitespace folded.
    expect(install.replace(/\s+/g, ' ')).toContain(`(\`engines\`: \`${engines}\`)`);
    const matrix = read('.github/workflows/ci.yml').match(/node: \[([^\]]+)\]/)?.[1];
    const majors = (matrix ?? '').split(',').map((major) => major.trim());
    expect(majors).toEqual(['20', '22', '24']);
    expect(install).toMatch(new RegExp(`Node\\.js ${majors.slice(0, -1).join(', ')} or ${majors.at(-1)}`));
    const lowest = Number(engines.replace(/^>=\s*/, ''));
    expect(lowest).toBe(Number(majors[0]));
  });

  it('shows a global install and npx', () => {
    const install = installSection();
    expect(install).toMatch(/npm install -g /);
    expect(install).toMatch(/npx afterburn/);
  });
});
