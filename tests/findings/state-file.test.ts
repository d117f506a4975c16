import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DamagedStateFile,
  decodeStateFile,
  encodeStateFile,
  STATE_FILE_FORMAT,
} from '../../src/findings/state-file.js';

const fileOf = (value: unknown): Buffer => Buffer.concat(encodeStateFile(value));

describe('state files', () => {
  it('give back the value they were written from, Uint8Arrays included', () => {
    const bytes = Uint8Array.from({ length: 13 }, (_, i) => i * 7);
    const value = {
      schema_version: 3,
      inputs: [{ name: 'a.jsonl', columns: { at: bytes, empty: new Uint8Array(0) }, counts: [1, 2] }],
      text: 'é ✓',
    };
    const restored = decodeStateFile(fileOf(value)) as typeof value;
    expect(restored.schema_version).toBe(3);
    expect(restored.text).toBe('é ✓');
    expect(restored.inputs[0]?.counts).toEqual([1, 2]);
    expect([...(restored.inputs[0]?.columns.at ?? [])]).toEqual([...bytes]);
    expect(restored.inputs[0]?.columns.empty).toHaveLength(0);
  });

  it('keep every attachment 8-byte aligned, so a Float64Array column can be viewed in place', () => {
    const columns = [new Uint8Array(3), new Uint8Array(8), new Uint8Array(1), new Uint8Array(17)];
    const file = fileOf({ columns });
    const restored = decodeStateFile(file) as { columns: Uint8Array[] };
    for (const column of restored.columns) expect((column.byteOffset - file.byteOffset) % 8).toBe(0);
  });

  it('round-trip any JSON value with byte arrays anywhere in it', () => {
    const leaf = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.uint8Array(),
      // A Buffer is a Uint8Array too, and JSON would otherwise turn it into {type, data}.
      fc.uint8Array().map((bytes) => Buffer.from(bytes)),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(
          fc.string().filter((key) => key !== '$bytes' && key !== '__proto__'),
          tie('node'),
          {
            maxKeys: 4,
          },
        ),
      ),
    })).node;
    fc.assert(
      fc.property(value, (original) => {
        const restored = decodeStateFile(fileOf(original));
        // Byte arrays come back as Uint8Array views; compare them as plain lists.
        const plain = (item: unknown): unknown =>
          JSON.parse(
            JSON.stringify(item, function (this: Record<string, unknown>, key, v: unknown) {
              const original = this[key];
              return original instanceof Uint8Array ? [...original] : v;
            }),
          );
        expect(plain(restored)).toEqual(plain(original));
      }),
      { seed: 20261123, numRuns: 200 },
    );
  });

  it('refuse bytes that are not a whole state file, saying what is wrong', () => {
    const file = fileOf({ column: new Uint8Array(40).fill(1) });
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('{"schema_version":2}'), /not a state file/],
      [file.subarray(0, 20), /truncated header/],
      // The checksum covers the whole file, so a cut or a tail is caught by it first.
      [file.subarray(0, file.length - 8), /checksum mismatch/],
      [Buffer.concat([file, Buffer.alloc(8)]), /checksum mismatch/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => decodeStateFile(bytes)).toThrow(DamagedStateFile);
      expect(() => decodeStateFile(bytes)).toThrow(message);
    }
    // A well-formed file (right prefix, format and checksum) whose value names a missing attachment.
    const header = Buffer.from(JSON.stringify({ attachments: [], value: { $bytes: 0 } }));
    const body = Buffer.concat([header, Buffer.alloc((8 - (header.length % 8)) % 8)]);
    const prefix = Buffer.alloc(24);
    prefix.write('afterburn-state\n', 'latin1');
    prefix.writeUInt32LE(STATE_FILE_FORMAT, 16);
    prefix.writeUInt32LE(header.length, 20);
    const padded = Buffer.concat([prefix, createHash('sha256').update(body).digest(), body]);
    expect(() => decodeStateFile(padded)).toThrow(/no attachment 0/);
  });
});
