import type { z } from 'zod';

/**
 * An extraction plan: what a zod object schema accepts, field by field, in the few shapes the
 * byte scanner can check without building the value. It is read off the schema objects themselves
 * (zod 4's `_zod.def`), so the schema stays the one source of truth: a field whose type or checks
 * change changes the plan, and a shape the plan does not understand becomes `opaque`, which sends
 * every line carrying that field to JSON.parse + zod.
 */
export type ValuePlan =
  | { readonly type: 'string'; readonly minLength: number }
  /** One of a fixed set of strings (a string literal or a string enum). */
  | { readonly type: 'choice'; readonly values: readonly string[] }
  /** A safe integer in [min, max] (z.int() with its greater/less-than checks). */
  | { readonly type: 'int'; readonly min: number; readonly max: number }
  | { readonly type: 'boolean' }
  /** An array of strings without checks of their own. */
  | { readonly type: 'string-array' }
  /** Any JSON object (a custom schema the caller vouches for, see PlanOptions.objects). */
  | { readonly type: 'object' }
  /** Anything else: the fast path cannot prove the field, so a line that has it falls back. */
  | { readonly type: 'opaque'; readonly why: string };

export interface FieldPlan {
  readonly name: string;
  /** May be absent (`.optional()`). */
  readonly optional: boolean;
  /** May be null (`.nullable()`). */
  readonly nullable: boolean;
  readonly value: ValuePlan;
}

export interface ExtractionPlan {
  readonly fields: readonly FieldPlan[];
  /** False when the object itself is not a plain stripping z.object (catchall, refinements). */
  readonly supported: boolean;
}

export interface PlanOptions {
  /**
   * Custom schemas (z.custom) known to accept exactly the JSON objects: a custom check is a
   * function the plan cannot read, so only the caller can say what it accepts.
   */
  readonly objects?: readonly z.ZodType[];
}

/** The parts of zod 4's internal definitions the plan reads. */
interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly values?: readonly unknown[];
  readonly entries?: Readonly<Record<string, unknown>>;
  readonly format?: string;
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly catchall?: z.ZodType;
}

interface CheckDef {
  readonly check: string;
  readonly value?: unknown;
  readonly inclusive?: boolean;
  readonly minimum?: unknown;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const opaque = (why: string): ValuePlan => ({ type: 'opaque', why });

/** Field names the scanner can compare byte for byte: printable ASCII that JSON writes as is. */
const PLAIN_NAME = /^[\x20-\x7e]+$/;

export function planFor(schema: z.ZodType, options: PlanOptions = {}): ExtractionPlan {
  const def = defOf(schema);
  if (def.type !== 'object' || def.shape === undefined) return { fields: [], supported: false };
  const fields = Object.entries(def.shape).map(([name, field]) => fieldPlan(name, field, options));
  // A catchall keeps or rejects unknown keys; the scanner's rule is zod's default, strip them.
  const plainObject = def.catchall === undefined && (def.checks ?? []).length === 0;
  const plainNames = fields.every((field) => PLAIN_NAME.test(field.name) && !/["\\]/.test(field.name));
  return { fields, supported: plainObject && plainNames };
}

function fieldPlan(name: string, schema: z.ZodType, options: PlanOptions): FieldPlan {
  let optional = false;
  let nullable = false;
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if ((def.type === 'optional' || def.type === 'nullable') && def.innerType !== undefined) {
      if ((def.checks ?? []).length > 0) break;
      if (def.type === 'optional') optional = true;
      else nullable = true;
      current = def.innerType;
      continue;
    }
    break;
  }
  return { name, optional, nullable, value: valuePlan(current, options) };
}

function valuePlan(schema: z.ZodType, options: PlanOptions): ValuePlan {
  const def = defOf(schema);
  const checks = (def.checks ?? []).map((check) => check._zod.def);
  switch (def.type) {
    case 'string':
      return def.format === undefined ? stringPlan(checks) : opaque(`string format ${def.format}`);
    case 'literal': {
      const values = def.values ?? [];
      if (checks.length > 0 || !values.every((value) => typeof value === 'string'))
        return opaque('a literal that is not a plain string');
      return { type: 'choice', values: values as string[] };
    }
    case 'enum': {
      const values = Object.values(def.entries ?? {});
      if (checks.length > 0 || !values.every((value) => typeof value === 'string'))
        return opaque('an enum that is not of plain strings');
      return { type: 'choice', values: values as string[] };
    }
    case 'number':
      return def.format === 'safeint' ? intPlan(checks) : opaque('a number that is not z.int()');
    case 'boolean':
      return checks.length === 0 ? { type: 'boolean' } : opaque('a boolean with checks');
    case 'array': {
      const element = def.element === undefined ? undefined : valuePlan(def.element, options);
      const plainElement = element?.type === 'string' && element.minLength === 0;
      return checks.length === 0 && plainElement
        ? { type: 'string-array' }
        : opaque('an array that is not of plain strings');
    }
    case 'custom':
      return options.objects?.includes(schema) ? { type: 'object' } : opaque('a custom check');
    default:
      return opaque(`zod type ${def.type}`);
  }
}

function stringPlan(checks: readonly CheckDef[]): ValuePlan {
  let minLength = 0;
  for (const check of checks) {
    if (check.check !== 'min_length' || typeof check.minimum !== 'number')
      return opaque(`string check ${check.check}`);
    minLength = Math.max(minLength, check.minimum);
  }
  return { type: 'string', minLength };
}

/** z.int() is a safe integer; its min/max checks narrow that, inclusive or not. */
function intPlan(checks: readonly CheckDef[]): ValuePlan {
  let min = Number.MIN_SAFE_INTEGER;
  let max = Number.MAX_SAFE_INTEGER;
  for (const check of checks) {
    const value = check.value;
    if (typeof value !== 'number' || Number.isNaN(value)) return opaque(`int check ${check.check}`);
    if (check.check === 'greater_than') {
      min = Math.max(min, check.inclusive ? Math.ceil(value) : Math.floor(value) + 1);
    } else if (check.check === 'less_than') {
      max = Math.min(max, check.inclusive ? Math.floor(value) : Math.ceil(value) - 1);
    } else {
      return opaque(`int check ${check.check}`);
    }
  }
  return { type: 'int', min, max };
}
