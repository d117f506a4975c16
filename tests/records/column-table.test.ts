import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ColumnTable } from '../../src/records/column-table.js';

const LAYOUT = { value: Float64Array, code: Int32Array } as const;

type Step =
  | { kind: 'rows'; values: number[] }
  | { kind: 'append'; values: number[]; adopt: boolean }
  | { kind: 'reserve'; rows: number }
  | { kind: 'compact' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('rows' as const), values: fc.array(fc.integer(), { maxLength: 40 }) }),
  fc.record({
    kind: fc.constant('append' as const),
    values: fc.array(fc.integer(), { maxLength: 20 }),
    adopt: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('reserve' as const), rows: fc.nat({ max: 50 }) }),
  fc.record({ kind: fc.constant('compact' as const) }),
);

/** `code` holds indexes into a two-entry dictionary that appends remap (0 -> 1, 1 -> 0), or -1. */
const codeOf = (value: number): number => (value % 3 === 0 ? -1 : Math.abs(value) % 2);
const SWAP = Int32Array.from([1, 0]);

describe('ColumnTable', () => {
  it('holds exactly the rows added or appended, in order, across chunks, appends and compaction', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 8 }),
        fc.integer({ min: 1, max: 7 }),
        fc.nat(),
        fc.nat(),
        (steps, chunkRows, a, b) => {
          const table = new ColumnTable(LAYOUT, chunkRows);
          const model: { value: number; code: number }[] = [];
          for (const s of steps) {
            if (s.kind === 'compact') {
              table.compact();
            } else if (s.kind === 'reserve') {
              table.reserve(s.rows);
            } else if (s.kind === 'rows') {
              for (const value of s.values) {
                const row = table.addRow();
                table.columns.value[row] = value;
                table.columns.code[row] = codeOf(value);
                model.push({ value, code: codeOf(value) });
              }
            } else {
              const other = {
                length: s.values.length,
                value: Float64Array.from(s.values),
                code: Int32Array.from(s.values.map(codeOf)),
              };
              table.append(other, { code: SWAP }, s.adopt);
              for (const value of s.values) {
                const code = codeOf(value);
                model.push({ value, code: code < 0 ? code : (SWAP[code] as number) });
              }
            }
          }
          expect(table.length).toBe(model.length);
          const from = model.length === 0 ? 0 : a % (model.length + 1);
          const to = from + (model.length === 0 ? 0 : b % (model.length - from + 1));
          const view = table.view(from, to);
          expect(view.length).toBe(to - from);
          expect([...view.value]).toEqual(model.slice(from, to).map((r) => r.value));
          expect([...view.code]).toEqual(model.slice(from, to).map((r) => r.code));
          table.compact();
          expect([...table.view().value]).toEqual(model.map((r) => r.value));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('hands out views, not copies, once compacted', () => {
    const table = new ColumnTable(LAYOUT);
    for (let i = 0; i < 100_000; i += 1) {
      const row = table.addRow();
      table.columns.value[row] = i;
    }
    table.compact();
    const first = table.view(0, 10);
    const again = table.view(5, 10);
    expect(again.value.buffer).toBe(first.value.buffer);
    expect(table.view().value[99_999]).toBe(99_999);
  });

  it('puts rows and appends into the room reserved for them, so compacting copies nothing', () => {
    const table = new ColumnTable(LAYOUT, 4);
    const add = (value: number): void => {
      const row = table.addRow();
      table.columns.value[row] = value;
    };
    for (let i = 0; i < 6; i += 1) add(i);
    table.reserve(100);
    for (let i = 6; i < 10; i += 1) add(i);
    table.append(
      { length: 3, value: Float64Array.from([10, 11, 12]), code: Int32Array.from([0, 1, -1]) },
      { code: SWAP },
      true,
    );
    const before = table.view().value.buffer;
    table.compact();
    expect(table.view().value.buffer).toBe(before);
    expect([...table.view().value]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect([...table.view(10).code]).toEqual([1, 0, -1]);
  });
});
