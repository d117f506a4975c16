import { appendFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate.js';
import { discover } from '../../src/core/discover.js';
import type { RunReport } from '../../src/findings/schema.js';
import { decodeStateFile } from '../../src/findings/state-file.js';
import { FindingStore } from '../../src/findings/store.js';
import { resolveInputs } from '../../src/input/inputs.js';
import { loadHistory, storeHistory } from '../../src/sources/dispatch-outcomes/history.js';
import { dispatchOutcomes } from '../../src/sources/dispatch-outcomes/index.js';
import { tempDir } from '../helpers/cli.js';
import { countsAndFindings } from '../helpers/findings.js';
import { DEFAULT_OPTIONS } from '../helpers/records.js';
import { currentFile } from '../helpers/store.js';

const NOW = Date.UTC(2026, 5, 1);

function lines(seed: number, bytes: number): string[] {
  const chunks: string[] = [];
  generateLog({ seed, targetBytes: bytes, write: (chunk) => chunks.push(chunk) });
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line !== '');
}

async function run(paths: string[], store: string, incremental: boolean, stdin?: string): Promise<RunReport> {
  return discover(
    {
      source: dispatchOutcomes,
      inputs: await resolveInputs(paths, '/'),
      // As the CLI passes them: findings' verification commands name the directory, not its files.
      givenPaths: paths,
      analysis: DEFAULT_OPTIONS,
      maxLineBytes: 4096,
      diagnostics: { skipped: () => {} },
      ...(stdin === undefined ? {} : { stdin: Readable.from([Buffer.from(stdin)]) }),
      ...(incremental ? { incremental: { notice: () => {} } } : {}),
      build: 'test-build',
    },
    new FindingStore(store, { now: () => NOW }),
    () => NOW,
  );
}

const results = (report: RunReport) => countsAndFindings(report);

/** The state the store keeps for dispatch-outcomes, decoded. */
function stateOf(store: string): { cursors: { names: string[] }; history: unknown; analysis: unknown } {
  return decodeStateFile(readFileSync(currentFile(store, 'state/dispatch-outcomes.state'))) as {
    cursors: { names: string[] };
    history: unknown;
    analysis: unknown;
  };
}

describe('the one history of dispatch-outcomes', () => {
  it('drops exactly the records of files gone or read again, keeps the rest, and never keeps stdin', async () => {
    const dir = tempDir('afterburn-history-');
    const logs = path.join(dir, 'logs');
    mkdirSync(logs);
    const all = lines(21, 60_000);
    const file = (i: number) => path.join(logs, `part-${i}.jsonl`);
    // Five files of interleaved lines, so a finalize and its dispatch often sit in different files.
    for (let i = 0; i < 5; i += 1) {
      writeFileSync(file(i), `${all.filter((_, n) => n % 6 === i).join('\n')}\n`);
    }
    const fromStdin = `${all.filter((_, n) => n % 6 === 5).join('\n')}\n`;
    const store = path.join(dir, 'store');
    await run([logs, '-'], store, true, fromStdin);
    rmSync(file(1));
    writeFileSync(file(2), `${lines(22, 5_000).join('\n')}\n`);
    appendFileSync(file(3), `${lines(23, 5_000).join('\n')}\n`);
    writeFileSync(file(5), `${lines(24, 5_000).join('\n')}\n`);
    const after = await run([logs, '-'], store, true, fromStdin);
    const full = await run([logs, '-'], path.join(dir, 'full'), false, fromStdin);
    expect(results(after)).toEqual(results(full));
    // The stdin lines are counted this run, every run, and not kept for the next.
    const withoutStdin = await run([logs], store, true);
    expect(results(withoutStdin)).toEqual(results(await run([logs], path.join(dir, 'full2'), false)));
    expect(stateOf(store).cursors.names).toHaveLength(5);
  });

  it('costs a cursor per file beyond the records, not a segment per file', async () => {
    const dir = tempDir('afterburn-history-');
    const logs = path.join(dir, 'logs');
    mkdirSync(logs);
    const one = lines(25, 200_000).slice(0, 400);
    one.forEach((line, i) => {
      writeFileSync(path.join(logs, `part-${String(i).padStart(4, '0')}.jsonl`), `${line}\n`);
    });
    const single = path.join(dir, 'single');
    mkdirSync(single);
    writeFileSync(path.join(single, 'part-0000.jsonl'), `${one.join('\n')}\n`);
    const stateBytes = async (input: string, store: string): Promise<number> => {
      const report = await run([input], store, true);
      expect(results(report)).toEqual(results(await run([input], `${store}-full`, false)));
      return statSync(currentFile(store, 'state/dispatch-outcomes.state')).size;
    };
    const many = await stateBytes(logs, path.join(dir, 'many'));
    const whole = await stateBytes(single, path.join(dir, 'one'));
    // The same records, so the same history and findings: what is left is the cost of a file.
    // Its name and 128 bytes of cursor; a segment per file cost about 1,400 bytes each.
    expect((many - whole) / (one.length - 1)).toBeLessThan(250);
  });

  it('refuses a history whose rows name an input it does not have, or whose counts do not add up', async () => {
    const dir = tempDir('afterburn-history-');
    const file = path.join(dir, 'outcomes.jsonl');
    writeFileSync(file, `${lines(26, 10_000).join('\n')}\n`);
    const store = path.join(dir, 'store');
    await run([file], store, true);
    const history = loadHistory(stateOf(store).history, 1, 'dispatch-outcomes');
    expect(() => loadHistory(storeHistory(history), 1, 'dispatch-outcomes')).not.toThrow();
    const elsewhere = { ...history, dispatchInput: history.dispatchInput.map(() => 1) };
    expect(() => loadHistory(storeHistory(elsewhere), 1, 'x')).toThrow(/a row names no input/);
    const counts = history.inputCounts.slice();
    counts[0] = (counts[0] as number) + 1;
    expect(() => loadHistory(storeHistory({ ...history, inputCounts: counts }), 1, 'x')).toThrow(
      /input counts do not add up/,
    );
    expect(() => loadHistory(storeHistory(history), 2, 'x')).toThrow(/input counts missing/);
  });
});
