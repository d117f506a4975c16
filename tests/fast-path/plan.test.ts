import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { planFor } from '../../src/fast-path/plan.js';
import { createFastLines } from '../../src/sources/dispatch-outcomes/fast-lines.js';
import { DispatchRecord, FinalizeRecord, JsonObject } from '../../src/sources/dispatch-outcomes/schema.js';

const fieldOf = (schema: z.ZodType, name: string, objects: z.ZodType[] = []) =>
  planFor(schema, { objects }).fields.find((field) => field.name === name);

describe('planFor', () => {
  it('reads each field of the dispatch and finalize schemas as the scanner can check it', () => {
    expect(planFor(DispatchRecord).supported).toBe(true);
    expect(fieldOf(DispatchRecord, 'kind')).toEqual({
      name: 'kind',
      optional: false,
      nullable: false,
      value: { type: 'choice', values: ['dispatch'] },
    });
    expect(fieldOf(DispatchRecord, 'ts_dispatched')?.value).toEqual({ type: 'int', min: 0, max: 8.64e15 });
    expect(fieldOf(DispatchRecord, 'prompt_chars')).toMatchObject({
      optional: true,
      nullable: false,
      value: { type: 'int', min: 0, max: Number.MAX_SAFE_INTEGER },
    });
    expect(fieldOf(DispatchRecord, 'agent')?.value).toEqual({ type: 'string', minLength: 1 });
    expect(fieldOf(DispatchRecord, 'atomic_hook_outcome')?.value).toEqual({
      type: 'choice',
      values: ['allow', 'deny'],
    });
    expect(fieldOf(DispatchRecord, 'has_design_verb')).toMatchObject({
      optional: true,
      value: { type: 'boolean' },
    });
    expect(fieldOf(DispatchRecord, 'block_reasons')?.value).toEqual({ type: 'string-array' });
    expect(fieldOf(DispatchRecord, 'rationalization_match')).toMatchObject({
      optional: true,
      nullable: true,
      value: { type: 'string', minLength: 0 },
    });
    expect(fieldOf(FinalizeRecord, 'suggested_registry_edit', [JsonObject])).toMatchObject({
      optional: true,
      nullable: true,
      value: { type: 'object' },
    });
    expect(planFor(FinalizeRecord).fields.map((field) => field.name)).toEqual(
      Object.keys(FinalizeRecord.shape),
    );
  });

  it('makes what it cannot read opaque, and a custom check only an object when vouched for', () => {
    expect(fieldOf(FinalizeRecord, 'suggested_registry_edit')?.value.type).toBe('opaque');
    const schema = z.object({
      ratio: z.number().min(0).max(1),
      label: z.string().trim().min(1),
      id: z.uuid(),
      step: z.int().multipleOf(5),
      tags: z.array(z.string()).min(1),
      nested: z.object({ a: z.string() }),
      either: z.union([z.int(), z.string()]),
      defaulted: z.string().default('x'),
      numeric: z.literal(3),
    });
    for (const name of Object.keys(schema.shape))
      expect(fieldOf(schema, name)?.value.type, name).toBe('opaque');
  });

  it('narrows int bounds from exclusive checks as well as inclusive ones', () => {
    const schema = z.object({ a: z.int().gt(2).lt(10), b: z.int().gte(-5).lte(5) });
    expect(fieldOf(schema, 'a')?.value).toEqual({ type: 'int', min: 3, max: 9 });
    expect(fieldOf(schema, 'b')?.value).toEqual({ type: 'int', min: -5, max: 5 });
  });

  it('does not support objects that keep or reject unknown keys', () => {
    expect(planFor(z.strictObject({ a: z.string() })).supported).toBe(false);
    expect(planFor(z.looseObject({ a: z.string() })).supported).toBe(false);
    expect(planFor(z.object({ a: z.string() })).supported).toBe(true);
    expect(planFor(z.string()).supported).toBe(false);
  });

  it('follows a change of a zod field: the plan changes, and a writer it no longer serves turns the fast path off', () => {
    const changed = DispatchRecord.extend({ agent: z.int() });
    expect(fieldOf(changed, 'agent')?.value).toEqual({
      type: 'int',
      min: Number.MIN_SAFE_INTEGER,
      max: Number.MAX_SAFE_INTEGER,
    });
    const nullableTokens = FinalizeRecord.extend({
      input_tokens: z.int().nonnegative().nullable().optional(),
    });
    expect(fieldOf(nullableTokens, 'input_tokens')).toMatchObject({ nullable: true });

    const line = Buffer.from(
      '{"kind":"dispatch","ts_dispatched":1700000000000,"agent":"coder","attempt_id":"a","prompt_fingerprint":"f","atomic_hook_outcome":"allow"}',
    );
    const accepts = (fast: ReturnType<typeof createFastLines>): boolean | undefined => {
      const { SegmentBuilder } = segmentModule;
      return fast?.accept(new SegmentBuilder(), new secondsModule.SecondsTimestamps(), line, 0, line.length, {
        input: 'x',
        line: 1,
      });
    };
    expect(accepts(createFastLines())).toBe(true);
    expect(accepts(createFastLines({ dispatch: changed, finalize: FinalizeRecord }))).toBe(false);
    expect(createFastLines({ dispatch: changed, finalize: nullableTokens })).toBeNull();
  });
});

const segmentModule = await import('../../src/sources/dispatch-outcomes/segment.js');
const secondsModule = await import('../../src/sources/timestamp-units.js');

describe('fastPathEnabled', () => {
  it('is on unless the test-only variable asks for the slow path', async () => {
    const { fastPathEnabled, SLOW_PATH_VAR } = await import('../../src/fast-path/fallback.js');
    expect(fastPathEnabled({})).toBe(true);
    expect(fastPathEnabled({ [SLOW_PATH_VAR]: '0' })).toBe(true);
    expect(fastPathEnabled({ [SLOW_PATH_VAR]: '1' })).toBe(false);
  });
});
