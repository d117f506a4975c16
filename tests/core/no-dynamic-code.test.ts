import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Data from logs must never become code: no eval, no Function constructor, no vm. */
const DYNAMIC_CODE = [/\beval\s*\(/, /\bnew\s+Function\b/, /\bFunction\s*\(/, /from\s+['"](?:node:)?vm['"]/];

describe('no dynamic code', () => {
  it('src/ never uses eval, the Function constructor or node:vm', () => {
    const files = sources(path.join(ROOT, 'src'));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return DYNAMIC_CODE.filter((pattern) => pattern.test(text)).map(
        (pattern) => `${path.relative(ROOT, file)}: ${pattern}`,
      );
    });
    expect(offenders).toEqual([]);
  });
});
