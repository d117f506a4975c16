import type { ExtractionPlan, FieldPlan, ValuePlan } from './plan.js';
import {
  ARRAY_NOT_ALL_STRINGS,
  type LineScanner,
  STRING_ESCAPED,
  STRING_NON_ASCII,
  TOKEN_ABSENT,
  TOKEN_ARRAY,
  TOKEN_FALSE,
  TOKEN_NULL,
  TOKEN_NUMBER,
  TOKEN_OBJECT,
  TOKEN_STRING,
  TOKEN_TRUE,
} from './scanner.js';

/**
 * Decides, from a scanned line's tokens, whether zod would accept the line's object with a plan's
 * schema, and proves it only when every field's token is one the plan can check exactly. A string
 * with an escape is not proven (its decoded text would need decoding to compare or measure); nor
 * is an opaque field that is present. "Not proven" sends the line to JSON.parse + zod, which also
 * writes the skip reason when the line really is wrong.
 */
export class PlanMatcher {
  private readonly slots: Int32Array;
  private readonly fields: readonly FieldPlan[];
  private readonly choices: (readonly Uint8Array[] | null)[];

  constructor(
    readonly plan: ExtractionPlan,
    private readonly scanner: LineScanner,
  ) {
    this.fields = plan.fields;
    this.slots = Int32Array.from(plan.fields, (field) => scanner.indexOf(field.name));
    if (this.slots.includes(-1)) throw new Error('the scanner does not capture every field of the plan');
    this.choices = plan.fields.map((field) =>
      field.value.type === 'choice' ? field.value.values.map((value) => Buffer.from(value, 'utf8')) : null,
    );
  }

  /** The scanner slot holding field `name` (which must be one of the plan's fields). */
  slotOf(name: string): number {
    const index = this.fields.findIndex((field) => field.name === name);
    if (index === -1) throw new Error(`the plan has no field ${name}`);
    return this.slots[index] as number;
  }

  /** True when zod would accept the scanned line (`bytes` as scanned) with the plan's schema. */
  matches(bytes: Uint8Array): boolean {
    if (!this.plan.supported) return false;
    const scanner = this.scanner;
    for (let i = 0; i < this.fields.length; i += 1) {
      const field = this.fields[i] as FieldPlan;
      const slot = this.slots[i] as number;
      const token = scanner.token[slot] as number;
      if (token === TOKEN_ABSENT) {
        if (!field.optional) return false;
        continue;
      }
      if (token === TOKEN_NULL) {
        if (!field.nullable) return false;
        continue;
      }
      if (!this.valueMatches(field.value, i, slot, token, bytes)) return false;
    }
    return true;
  }

  private valueMatches(
    value: ValuePlan,
    index: number,
    slot: number,
    token: number,
    bytes: Uint8Array,
  ): boolean {
    const scanner = this.scanner;
    switch (value.type) {
      case 'string':
        return (
          token === TOKEN_STRING &&
          ((scanner.flags[slot] as number) & STRING_ESCAPED) === 0 &&
          stringLengthAtLeast(
            bytes,
            scanner.start[slot] as number,
            scanner.end[slot] as number,
            scanner.flags[slot] as number,
            value.minLength,
          )
        );
      case 'choice':
        return (
          token === TOKEN_STRING &&
          ((scanner.flags[slot] as number) & STRING_ESCAPED) === 0 &&
          isOneOf(
            bytes,
            scanner.start[slot] as number,
            scanner.end[slot] as number,
            this.choices[index] as Uint8Array[],
          )
        );
      case 'int': {
        if (token !== TOKEN_NUMBER) return false;
        const integer = scanner.integer[slot] as number;
        // NaN (not a plain safe integer: 1.0, 1e3, -0, huge) fails both comparisons.
        return integer >= value.min && integer <= value.max;
      }
      case 'boolean':
        return token === TOKEN_TRUE || token === TOKEN_FALSE;
      case 'string-array': {
        if (token !== TOKEN_ARRAY || ((scanner.flags[slot] as number) & ARRAY_NOT_ALL_STRINGS) !== 0)
          return false;
        const first = scanner.firstElement[slot] as number;
        const last = first + (scanner.elementCount[slot] as number);
        for (let e = first; e < last; e += 1)
          if (((scanner.elementFlags[e] as number) & STRING_ESCAPED) !== 0) return false;
        return true;
      }
      case 'object':
        return token === TOKEN_OBJECT;
      case 'opaque':
        return false;
    }
  }
}

/** The string's length in UTF-16 code units (what zod's min checks) is at least `min`. */
function stringLengthAtLeast(
  bytes: Uint8Array,
  start: number,
  end: number,
  flags: number,
  min: number,
): boolean {
  if (end - start < min) return false;
  // UTF-8 never takes fewer bytes than UTF-16 code units, so only non-ASCII text below 4x min needs counting.
  if ((flags & STRING_NON_ASCII) === 0 || min === 0) return true;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8').length >= min;
}

function isOneOf(bytes: Uint8Array, start: number, end: number, values: readonly Uint8Array[]): boolean {
  for (const value of values) {
    if (value.length !== end - start) continue;
    let i = 0;
    while (i < value.length && value[i] === bytes[start + i]) i += 1;
    if (i === value.length) return true;
  }
  return false;
}
