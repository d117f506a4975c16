import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate.js';
import { discover } from '../../src/core/discover.js';
import type { RunReport } from '../../src/findings/schema.js';
import { FindingStore } from '../../src/findings/store.js';
import { resolveInputs } from '../../src/input/inputs.js';
import { dispatchOutcomes } from '../../src/sources/dispatch-outcomes/index.js';
import { tempDir } from '../helpers/cli.js';
import { countsAndFindings } from '../helpers/findings.js';
import { DEFAULT_OPTIONS } from '../helpers/records.js';
import { currentFile } from '../helpers/store.js';

const NOW = Date.UTC(2026, 5, 1);

function generated(seed: number, bytes: number): Buffer {
  const chunks: string[] = [];
  generateLog({ seed, targetBytes: bytes, write: (chunk) => chunks.push(chunk) });
  return Buffer.from(chunks.join(''));
}

interface Said {
  notices: string[];
  warnings: string[];
}

async function run(file: string, storeDir: string, incremental: boolean, said?: Said): Promise<RunReport> {
  return discover(
    {
      source: dispatchOutcomes,
      inputs: await resolveInputs([file], '/'),
      analysis: DEFAULT_OPTIONS,
      maxLineBytes: 4096,
      diagnostics: { skipped: () => {} },
      ...(incremental
        ? {
            incremental: {
              notice: (m: string) => said?.notices.push(m),
              warning: (m: string) => said?.warnings.push(m),
            },
          }
        : {}),
      build: 'test-build',
    },
    new FindingStore(storeDir, { now: () => NOW }),
    () => NOW,
  );
}

const results = (report: RunReport) => countsAndFindings(report);

/** A small deterministic generator (mulberry32), so the flipped positions are the same every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('a damaged incremental state', () => {
  it('is rebuilt with a warning or read exactly right, whichever bit of it flipped', async () => {
    const dir = tempDir('afterburn-flip-');
    const file = path.join(dir, 'outcomes.jsonl');
    const log = generated(11, 5_000);
    const half = log.indexOf(10, 2_500) + 1;
    writeFileSync(file, log.subarray(0, half));
    const store = path.join(dir, 'store');
    await run(file, store, true);
    appendFileSync(file, log.subarray(half));
    const expected = results(await run(file, path.join(dir, 'full'), false));
    const pristine = readFileSync(currentFile(store, 'state/dispatch-outcomes.state'));

    const headerEnd = 56 + pristine.readUInt32LE(20);
    const next = random(20261207);
    // Half the flips in the prefix and JSON header, half in the columns.
    const positions = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? Math.floor(next() * headerEnd)
        : headerEnd + Math.floor(next() * (pristine.length - headerEnd)),
    );
    for (const position of positions) {
      const damaged = Buffer.from(pristine);
      damaged[position] = (damaged[position] ?? 0) ^ (1 << Math.floor(next() * 8));
      // Each run commits a new store generation: damage the state of the current one.
      writeFileSync(currentFile(store, 'state/dispatch-outcomes.state'), damaged);
      const said: Said = { notices: [], warnings: [] };
      const report = await run(file, store, true, said);
      expect(results(report), `bit flipped at byte ${position}`).toEqual(expected);
      const told = [...said.warnings, ...said.notices];
      expect(told, `bit flipped at byte ${position}`).toHaveLength(1);
      expect(told[0]).toMatch(
        /is damaged \(.*\); rebuilding it from the logs|from another afterburn version/,
      );
      // Rebuilt from the logs: every line was read again.
      expect(report.counts_this_run).toEqual(expected.counts);
    }
  }, 120_000);

  it('notices a file cut back past its first 4 KiB and grown past the old cursor, and re-reads it', async () => {
    const dir = tempDir('afterburn-regrow-');
    const file = path.join(dir, 'outcomes.jsonl');
    const log = generated(12, 40_000);
    const cut = log.indexOf(10, 30_000) + 1;
    writeFileSync(file, log.subarray(0, cut));
    const store = path.join(dir, 'store');
    await run(file, store, true);
    // Cut back to 10 KB (the first 4 KiB unchanged), then other lines written past the old cursor.
    const kept = log.indexOf(10, 10_000) + 1;
    truncateSync(file, kept);
    appendFileSync(file, generated(13, 30_000));
    const said: Said = { notices: [], warnings: [] };
    const after = await run(file, store, true, said);
    expect(said.notices).toEqual([expect.stringContaining('was truncated or replaced')]);
    expect(results(after)).toEqual(results(await run(file, path.join(dir, 'full'), false)));
  });
});
