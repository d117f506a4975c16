import { describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate.js';
import { decodeStateFile, encodeStateFile } from '../../src/findings/state-file.js';
import { collectSegments } from '../../src/sources/dispatch-outcomes/index.js';
import type { Segment } from '../../src/sources/dispatch-outcomes/segment.js';
import { loadSegment, storeSegment } from '../../src/sources/dispatch-outcomes/segment-state.js';
import { dispatchLine, finalizeLine } from '../helpers/records.js';

function segmentOf(seed: number, bytes: number): Segment {
  const collector = collectSegments({ skipped: () => {} });
  const text: string[] = [];
  generateLog({ seed, targetBytes: bytes, write: (chunk) => text.push(chunk) });
  text
    .join('')
    .split('\n')
    .forEach((line, i) => {
      if (line !== '') collector.acceptLine(line, { input: 'x.jsonl', line: i + 1 });
    });
  collector.acceptLine(finalizeLine({ input_tokens: undefined }), { input: 'x.jsonl', line: 0 });
  return collector.segment();
}

const plain = (segment: Segment): unknown => ({
  ...segment,
  dispatches: Object.fromEntries(
    Object.entries(segment.dispatches).map(([k, v]) => [k, typeof v === 'number' ? v : [...v]]),
  ),
  finalizes: Object.fromEntries(
    Object.entries(segment.finalizes).map(([k, v]) => [k, typeof v === 'number' ? v : [...v]]),
  ),
});

describe('stored segments', () => {
  it('come back from a state file exactly as they were', () => {
    const segment = segmentOf(3, 60_000);
    expect(segment.dispatches.length).toBeGreaterThan(50);
    const file = Buffer.concat(encodeStateFile({ segment: storeSegment(segment) }));
    const restored = loadSegment(
      (decodeStateFile(file) as { segment: unknown }).segment,
      'dispatch-outcomes',
    );
    expect(plain(restored)).toEqual(plain(segment));
    // Read into memory at an odd offset, the columns cannot be viewed in place and are copied.
    const shifted = Buffer.alloc(file.length + 1).subarray(1);
    file.copy(shifted);
    const copied = loadSegment((decodeStateFile(shifted) as { segment: unknown }).segment, 'x');
    expect(copied.finalizes.at.byteOffset % 8).toBe(0);
    expect(plain(copied)).toEqual(plain(segment));
    // NaN (unknown) survives: JSON could not carry it, the bytes do.
    expect([...restored.finalizes.inputTokens].some(Number.isNaN)).toBe(true);
  });

  it('keep only the strings of their own input, not those of the inputs read before it', () => {
    const collector = collectSegments({ skipped: () => {} });
    const location = { input: 'x.jsonl', line: 1 };
    collector.beginInput(undefined);
    collector.acceptLine(
      dispatchLine({ agent: 'alpha', atomic_hook_outcome: 'deny', block_reasons: ['old reason'] }),
      location,
    );
    collector.acceptLine(
      finalizeLine({ agent: 'alpha', status: 'failed', suggested_registry_edit: { a: 1 } }),
      location,
    );
    collector.endInput();
    collector.beginInput(undefined);
    collector.acceptLine(
      dispatchLine({ agent: 'beta', attempt_id: 'b1', rationalization_match: 'just this once' }),
      location,
    );
    collector.acceptLine(finalizeLine({ agent: 'gamma', attempt_id: 'b1' }), location);
    const stored = collector.endInput() as ReturnType<typeof storeSegment>;
    expect(stored.arms.sort()).toEqual(['beta', 'gamma']);
    expect(stored.statuses).toEqual(['completed']);
    expect(stored.reasonLists).toEqual([]);
    expect(stored.rationalizations).toEqual(['just this once']);
    expect(stored.suggestions).toEqual([]);
    // Restored, every row still names the same strings.
    const restored = loadSegment(stored, 'dispatch-outcomes');
    expect(restored.arms[restored.dispatches.arm[0] as number]).toBe('beta');
    expect(restored.arms[restored.finalizes.arm[0] as number]).toBe('gamma');
    expect(restored.rationalizations[restored.dispatches.rationalization[0] as number]).toBe(
      'just this once',
    );
    expect(restored.dispatches.reasons[0]).toBe(-1);
  });

  it('refuse block reasons that are not a list of strings', () => {
    const stored = storeSegment(segmentOf(4, 20_000));
    const reasonLists = stored.reasonLists.map(() => '{"a":1}');
    expect(reasonLists.length).toBeGreaterThan(0);
    expect(() => loadSegment({ ...stored, reasonLists }, 'dispatch-outcomes')).toThrow(
      /block reasons are not a list of strings/,
    );
  });

  it('refuse a missing column', () => {
    const stored = storeSegment(segmentOf(5, 20_000));
    const { at: _dropped, ...columns } = stored.dispatches.columns;
    expect(() =>
      loadSegment({ ...stored, dispatches: { ...stored.dispatches, columns } }, 'dispatch-outcomes'),
    ).toThrow(/column at is missing/);
  });

  it('refuse flags, times and counts that no line could have produced', () => {
    const stored = storeSegment(segmentOf(6, 20_000));
    const withColumn = (kind: 'dispatches' | 'finalizes', name: string, bytes: Buffer) => ({
      ...stored,
      [kind]: { ...stored[kind], columns: { ...stored[kind].columns, [name]: bytes } },
    });
    const dispatches = stored.dispatches.length;
    const finalizes = stored.finalizes.length;
    expect(() => loadSegment(withColumn('dispatches', 'allowed', Buffer.alloc(dispatches, 7)), 'x')).toThrow(
      /allowed is not a flag/,
    );
    const times = new Float64Array(finalizes).fill(Number.NaN);
    expect(() => loadSegment(withColumn('finalizes', 'at', Buffer.from(times.buffer)), 'x')).toThrow(
      /ts_completed is not a time/,
    );
    const tokens = new Float64Array(finalizes).fill(-3);
    expect(() =>
      loadSegment(withColumn('finalizes', 'inputTokens', Buffer.from(tokens.buffer)), 'x'),
    ).toThrow(/inputTokens is not a count/);
  });
});
