import { describe, expect, it } from 'vitest';
import { type SavedInput as Cursor, loadCursors, storeCursors } from '../../src/core/cursor-table.js';

const hash = (digit: string) => digit.repeat(64);

const cursors: Cursor[] = [
  {
    name: 'logs/outcomes.jsonl',
    kind: 'file',
    identity: {
      dev: 64768,
      ino: 2 ** 40 + 3,
      size: 1234,
      mtimeMs: 1796643061137.2659,
      headLength: 1234,
      headHash: hash('a'),
      tailLength: 0,
      tailHash: hash('0'),
    },
    offset: 1234,
    lineNo: 7,
  },
  {
    name: 'logs/outcomes.jsonl.1.gz',
    kind: 'gzip',
    identity: {
      dev: 1,
      ino: 2,
      size: 99,
      mtimeMs: 5,
      headLength: 0,
      headHash: hash('e'),
      tailLength: 0,
      tailHash: hash('f'),
    },
    offset: 0,
    lineNo: 3,
  },
];

describe('the cursor table', () => {
  it('gives back every cursor exactly, with its segment where one is kept', () => {
    expect(loadCursors(storeCursors(cursors))).toEqual(cursors);
    const withSegments = loadCursors(storeCursors(cursors), ['one', { two: 2 }]);
    expect(withSegments?.map((cursor) => cursor.segment)).toEqual(['one', { two: 2 }]);
  });

  it('costs a cursor its name and 128 bytes', () => {
    const stored = storeCursors(cursors);
    expect(stored.numbers.byteLength + stored.hashes.byteLength).toBe(2 * 128);
  });

  it('does not hold together when a length, a kind or a count is wrong', () => {
    const stored = storeCursors(cursors);
    expect(loadCursors({ ...stored, names: ['only one'] })).toBeNull();
    expect(loadCursors({ ...stored, kinds: 'fx' })).toBeNull();
    expect(loadCursors({ ...stored, hashes: stored.hashes.subarray(1) })).toBeNull();
    expect(loadCursors(stored, ['one segment for two inputs'])).toBeNull();
    const numbers = new Float64Array(stored.numbers.slice().buffer);
    numbers[2] = -1;
    expect(loadCursors({ ...stored, numbers: new Uint8Array(numbers.buffer) })).toBeNull();
    numbers[2] = 1.5;
    expect(loadCursors({ ...stored, numbers: new Uint8Array(numbers.buffer) })).toBeNull();
  });
});
