import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStoreLock } from '../../src/findings/lock.js';
import { FindingStore } from '../../src/findings/store.js';
import { saveBaseline } from '../../src/health/baselines.js';
import { currentFile } from '../helpers/store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'afterburn-leftovers-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOW = Date.parse('2026-11-01T00:00:00.000Z');
const store = (): FindingStore => new FindingStore(dir, { now: () => NOW });
const run = { source: 'dispatch-outcomes', summary: { ok: true }, state: { cursor: 1 } };

/** A temporary as a killed writer leaves it: our naming pattern, a dead pid, an hour old. */
function orphan(where: string, target: string, kind: 'file' | 'symlink' | 'dir' = 'file'): string {
  const file = path.join(where, `.${target}.999999.0123456789ab.tmp`);
  mkdirSync(where, { recursive: true });
  if (kind === 'file') writeFileSync(file, 'x'.repeat(4096));
  if (kind === 'symlink') symlinkSync('gen-1/findings.json', file);
  if (kind === 'dir') {
    mkdirSync(path.join(file, 'state'), { recursive: true });
    writeFileSync(path.join(file, 'state', 'dispatch-outcomes.state'), 'half');
  }
  if (kind !== 'symlink') {
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(file, old, old);
  }
  return file;
}

describe('what killed runs leave in a store', () => {
  it('is removed from every directory the store writes by the next commit', async () => {
    await store().upsert([], run);
    const generation = path.dirname(currentFile(dir, 'findings.json'));
    const planted = [
      orphan(dir, 'findings.json'),
      orphan(dir, 'fix-list.jsonl', 'symlink'),
      orphan(dir, 'CURRENT'),
      orphan(dir, 'gen-2', 'dir'),
      orphan(generation, 'findings.json'),
      orphan(path.join(generation, 'runs'), 'dispatch-outcomes.json'),
      orphan(path.join(generation, 'state'), 'dispatch-outcomes.state'),
      orphan(path.join(dir, 'baselines'), 'nightly.json'),
    ];
    // A generation CURRENT does not name: built by a run killed after renaming it, before the switch.
    mkdirSync(path.join(dir, 'gen-7', 'state'), { recursive: true });
    writeFileSync(path.join(dir, 'gen-7', 'state', 'dispatch-outcomes.state'), 'x'.repeat(65_536));
    planted.push(path.join(dir, 'gen-7'));

    await store().upsert([], run);
    for (const file of planted) expect(existsSync(file), file).toBe(false);
    expect(readdirSync(dir).sort()).toEqual([
      'CURRENT',
      'baselines',
      'findings.json',
      'fix-list.jsonl',
      'gen-2',
    ]);
  });

  it('is removed from runs/ and state/ of a store in the flat layout, which then moves into a generation', async () => {
    writeFileSync(path.join(dir, 'findings.json'), '{"schema_version":1,"findings":[]}\n');
    const planted = [
      orphan(dir, 'findings.json'),
      orphan(path.join(dir, 'runs'), 'dispatch-outcomes.json'),
      orphan(path.join(dir, 'state'), 'dispatch-outcomes.state'),
    ];
    await store().upsert([], run);
    for (const file of planted) expect(existsSync(file), file).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['CURRENT', 'findings.json', 'fix-list.jsonl', 'gen-1']);
  });

  it('is removed by a baseline save too', async () => {
    const planted = orphan(path.join(dir, 'baselines'), 'nightly.json');
    await saveBaseline(dir, {
      name: 'nightly',
      source: 'dispatch-outcomes',
      saved_at: 'now',
      inputs: [],
      metrics: [],
    });
    expect(existsSync(planted)).toBe(false);
    expect(readdirSync(path.join(dir, 'baselines'))).toEqual(['nightly.json']);
  });

  it('is never touched while another run holds the lock: only the holder writes, so only it cleans', async () => {
    await store().upsert([], run);
    const generationTemp = path.join(dir, '.gen-2.424242.0123456789ab.tmp');
    let waiting: Promise<unknown> | undefined;
    await withStoreLock(dir, async () => {
      // The holder is building its generation: a temporary as young as it gets, and one that
      // looks an hour old (a slow holder), neither of which a waiting run may remove.
      mkdirSync(path.join(generationTemp, 'state'), { recursive: true });
      const aged = orphan(dir, 'CURRENT');
      waiting = store().upsert([], run);
      await sleep(300);
      expect(existsSync(generationTemp)).toBe(true);
      expect(existsSync(aged)).toBe(true);
      rmSync(generationTemp, { recursive: true });
    });
    await waiting;
    expect(readdirSync(dir).sort()).toEqual(['CURRENT', 'findings.json', 'fix-list.jsonl', 'gen-2']);
  });
});
