import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { generateClaudeCodeTree } from '../../bench/claude-code-tree.js';
import { DamagedStateFile } from '../../src/findings/state-file.js';
import { claudeCodeAdapter, summarize } from '../../src/sources/claude-code/index.js';
import { TranscriptReader } from '../../src/sources/claude-code/reader.js';
import { call, PROJECT, sessionFiles } from '../helpers/claude-code.js';

const root = mkdtempSync(path.join(tmpdir(), 'afterburn-cc-incremental-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A small tree in the real shape (bench generator) plus the helpers' edge cases, as lines per file. */
function treeFiles(): [string, string[]][] {
  generateClaudeCodeTree(root, { seed: 11, targetBytes: 600_000, files: 24 });
  const files: [string, string[]][] = [];
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.jsonl')) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.push([path.relative(root, file), readFileSync(file, 'utf8').trimEnd().split('\n')]);
  }
  files.sort(([a], [b]) => (a < b ? -1 : 1));
  const edge = sessionFiles({
    project: PROJECT,
    sessionId: 'sess-edge',
    calls: [
      call(1, { transcript: { responses: [{ input: 4 }, { input: 6 }], repeat: 2, apiError: true } }),
      call(2, { outcome: 'async', transcript: { responses: [{ input: 7 }] } }),
      call(3, { outcome: 'is_error', errorText: 'ENOENT' }),
      call(4, { outcome: 'missing' }),
      call(5, { outcome: 'missing' }),
    ],
    extraLines: [
      // Interrupted: an error result with no toolUseResult at all.
      JSON.stringify({
        type: 'user',
        sessionId: 'sess-edge',
        timestamp: '2026-03-09T10:00:00.000Z',
        message: {
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_5',
              is_error: true,
              content: '[Request interrupted by user for tool use]',
            },
          ],
        },
      }),
      '{"type":"user","message":',
      '[1]',
      '',
      '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"to\\u006flu_4"}]}}',
    ],
  });
  return [...files, ...edge];
}

const FILES = treeFiles();
const quiet = { skipped: () => {} };

function fullRun(files: readonly [string, string[]][]) {
  const session = claudeCodeAdapter.open(quiet);
  for (const [name, lines] of files) {
    session.beginInput?.(undefined);
    for (const [index, text] of lines.entries()) session.acceptLine(text, { input: name, line: index + 1 });
  }
  return session.finish();
}

describe('claude-code per-file state', () => {
  it('reading only the lines that can matter gives the counts and records of parsing every line', () => {
    const fast = new TranscriptReader(quiet);
    const full = new TranscriptReader(quiet, false);
    for (const [name, lines] of FILES) {
      fast.beginInput(undefined);
      full.beginInput(undefined);
      for (const [index, text] of lines.entries()) {
        fast.acceptLine(text, { input: name, line: index + 1 });
        full.acceptLine(text, { input: name, line: index + 1 });
      }
    }
    const a = summarize(fast.inputs(), quiet);
    const b = summarize(full.inputs(), quiet);
    expect(a.counts).toEqual(b.counts);
    expect(a.dataset).toEqual(b.dataset);
    // The tree has every case in it: otherwise this compares nothing.
    expect(a.counts).toMatchObject({ async_completed: expect.any(Number), rejected: expect.any(Number) });
    expect(a.counts.async_completed).toBeGreaterThan(0);
    expect(a.counts.rejected).toBeGreaterThan(0);
    expect(a.counts.compactions).toBeGreaterThan(0);
    expect(a.counts.skipped).toBeGreaterThan(0);
  });

  it('files split at random points over several runs, states saved as JSON, equal one full run', () => {
    const expected = fullRun(FILES);
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 2 }), {
          minLength: FILES.length,
          maxLength: FILES.length,
        }),
        (cutsPerFile) => {
          // Three runs: up to the first cut, up to the second, then the rest (a new file appears
          // in a later run when its first cuts are at 0).
          const cuts = FILES.map(([, lines], i) => {
            const [a, b] = (cutsPerFile[i] as number[]).map((x) =>
              Math.min(lines.length, Math.floor(x * (lines.length + 1))),
            );
            return [0, Math.min(a as number, b as number), Math.max(a as number, b as number), lines.length];
          });
          let states: unknown[] = FILES.map(() => undefined);
          let result = expected;
          for (let run = 0; run < 3; run++) {
            const session = claudeCodeAdapter.open(quiet);
            FILES.forEach(([name, lines], i) => {
              const [from, to] = [cuts[i]?.[run] as number, cuts[i]?.[run + 1] as number];
              session.beginInput?.(states[i]);
              for (let line = from; line < to; line++) {
                session.acceptLine(lines[line] as string, { input: name, line: line + 1 });
              }
              states[i] = JSON.parse(JSON.stringify(session.endInput?.()));
            });
            result = session.finish();
            states = [...states];
          }
          expect(result.counts).toEqual(expected.counts);
          expect(result.dataset).toEqual(expected.dataset);
        },
      ),
      { seed: 20261207, numRuns: 25 },
    );
  });

  it('a damaged saved state is a corrupt_store error, never a crash or a silent restart', () => {
    const session = claudeCodeAdapter.open(quiet);
    expect(() => session.beginInput?.({ v: 1, counts: [1, 2] })).toThrow(
      /incremental state of claude-code is corrupt/,
    );
    expect(() => claudeCodeAdapter.checkSaved?.({ v: 99 })).toThrow(/corrupt/);
    // Its cause marks a state to discard and rebuild from the logs, as for the other sources.
    let thrown: unknown;
    try {
      session.beginInput?.({ v: 1, counts: [1, 2] });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).cause).toBeInstanceOf(DamagedStateFile);
    const good = fullRun(FILES.slice(0, 1));
    expect(good.counts.lines).toBeGreaterThan(0);
  });
});
