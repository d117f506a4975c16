import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { currentGeneration, currentGenerationSync } from '../../src/findings/generations.js';

const work = mkdtempSync(path.join(tmpdir(), 'afterburn-generations-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function store(name: string, current: string | null): string {
  const dir = path.join(work, name);
  mkdirSync(dir);
  if (current !== null) writeFileSync(path.join(dir, 'CURRENT'), current);
  return dir;
}

describe('currentGenerationSync', () => {
  it('gives what currentGeneration gives: the flat layout, and the generation CURRENT names', async () => {
    const flat = store('flat', null);
    expect(currentGenerationSync(flat)).toEqual({ name: null, number: 0, dir: flat });
    expect(currentGenerationSync(flat)).toEqual(await currentGeneration(flat));
    const named = store('named', 'gen-12\n');
    expect(currentGenerationSync(named)).toEqual({
      name: 'gen-12',
      number: 12,
      dir: path.join(named, 'gen-12'),
    });
    expect(currentGenerationSync(named)).toEqual(await currentGeneration(named));
  });

  it('refuses a CURRENT that names no generation with the same error', async () => {
    const corrupt = store('corrupt', 'gen-0\n');
    const message = /store .* is corrupt \(CURRENT does not name a generation\)/;
    expect(() => currentGenerationSync(corrupt)).toThrow(message);
    await expect(currentGeneration(corrupt)).rejects.toThrow(message);
  });
});
