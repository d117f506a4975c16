import { canonicalJson, jsonDepthExceeds } from '../../common/canonical-json.js';
import { unescapedText } from '../../fast-path/fallback.js';
import { PlanMatcher } from '../../fast-path/match.js';
import { type ExtractionPlan, planFor, type ValuePlan } from '../../fast-path/plan.js';
import { RecentIds } from '../../fast-path/recent-ids.js';
import {
  LineScanner,
  STRING_NON_ASCII,
  TOKEN_ABSENT,
  TOKEN_NULL,
  TOKEN_STRING,
  TOKEN_TRUE,
} from '../../fast-path/scanner.js';
import { hashAsciiKeyInto, hashKeyInto } from '../../records/key-hash.js';
import type { SecondsTimestamps } from '../timestamp-units.js';
import type { LineLocation } from '../types.js';
import { DispatchRecord, FinalizeRecord, JsonObject } from './schema.js';
import { NO_REASONS, type SegmentBuilder } from './segment.js';

/**
 * The dispatch-outcomes fast path: a line whose bytes prove it a valid dispatch or finalize record
 * (see src/fast-path) has its cells written straight into the segment's columns, the same cells
 * SegmentBuilder.addDispatch/addFinalize write from the record JSON.parse and zod make of it.
 * `accept` returns false for every other line, which then takes that slow path.
 */
export interface FastLines {
  accept(
    builder: SegmentBuilder,
    seconds: SecondsTimestamps,
    bytes: Buffer,
    start: number,
    end: number,
    location: LineLocation,
  ): boolean;
}

/** A field the column writer reads, in the form the writer handles. */
interface Reads {
  readonly type: ValuePlan['type'];
  readonly optional: boolean;
  readonly nullable: boolean;
}

const required = (type: ValuePlan['type']): Reads => ({ type, optional: false, nullable: false });
const optional = (type: ValuePlan['type'], nullable = false): Reads => ({ type, optional: true, nullable });

/**
 * What the writers below read of each record and in which form. The plans come from the zod
 * schemas; when a schema no longer has a field in the form its writer handles (a type changed, a
 * field became nullable), the fast path is off for that kind and every line takes the slow path.
 */
const DISPATCH_READS: Readonly<Partial<Record<keyof DispatchRecord, Reads>>> = {
  kind: required('choice'),
  ts_dispatched: required('int'),
  agent: required('string'),
  attempt_id: required('string'),
  prompt_fingerprint: required('string'),
  atomic_hook_outcome: required('choice'),
  block_reasons: optional('string-array'),
  rationalization_match: optional('string', true),
};

const FINALIZE_READS: Readonly<Partial<Record<keyof FinalizeRecord, Reads>>> = {
  kind: required('choice'),
  ts_completed: required('int'),
  agent: required('string'),
  prompt_fingerprint: required('string'),
  attempt_id: optional('string'),
  status: required('string'),
  ms_elapsed: optional('int'),
  input_tokens: optional('int'),
  output_tokens: optional('int'),
  cache_read_tokens: optional('int'),
  cache_creation_tokens: optional('int'),
  acceptance_passed: optional('boolean', true),
  suggested_registry_edit: optional('object', true),
};

/** True when every field in `reads` is in the plan in exactly the form given. */
export function planServes(
  plan: ExtractionPlan,
  reads: Readonly<Record<string, Reads | undefined>>,
): boolean {
  if (!plan.supported) return false;
  return Object.entries(reads).every(([name, form]) => {
    const field = plan.fields.find((candidate) => candidate.name === name);
    return (
      form !== undefined &&
      field !== undefined &&
      field.value.type === form.type &&
      field.optional === form.optional &&
      field.nullable === form.nullable
    );
  });
}

export interface FastLineSchemas {
  readonly dispatch: typeof DispatchRecord | import('zod').ZodType;
  readonly finalize: typeof FinalizeRecord | import('zod').ZodType;
}

/**
 * The fast path for these schemas (the source's own by default; tests pass altered ones), or null
 * when neither record kind's plan serves its writer.
 */
export function createFastLines(
  schemas: FastLineSchemas = { dispatch: DispatchRecord, finalize: FinalizeRecord },
): FastLines | null {
  const options = { objects: [JsonObject] };
  const dispatchPlan = planFor(schemas.dispatch, options);
  const finalizePlan = planFor(schemas.finalize, options);
  const dispatchServed = planServes(dispatchPlan, DISPATCH_READS);
  const finalizeServed = planServes(finalizePlan, FINALIZE_READS);
  if (!dispatchServed && !finalizeServed) return null;
  const keys = [...new Set([...dispatchPlan.fields, ...finalizePlan.fields].map((field) => field.name))];
  const scanner = new LineScanner(keys);
  const cache = new DictionaryCache();
  const dispatch = dispatchServed
    ? new DispatchWriter(new PlanMatcher(dispatchPlan, scanner), scanner, cache)
    : null;
  const finalize = finalizeServed
    ? new FinalizeWriter(new PlanMatcher(finalizePlan, scanner), scanner, cache)
    : null;
  return {
    accept(builder, seconds, bytes, start, end, location) {
      if (!scanner.scan(bytes, start, end)) return false;
      cache.use(builder);
      if (dispatch?.matcher.matches(bytes)) return dispatch.write(builder, seconds, bytes, location);
      if (finalize?.matcher.matches(bytes)) return finalize.write(builder, seconds, bytes, location);
      return false;
    },
  };
}

const ALLOW = Buffer.from('allow');

function bytesEqual(bytes: Uint8Array, start: number, end: number, expected: Uint8Array): boolean {
  if (end - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i += 1) if (bytes[start + i] !== expected[i]) return false;
  return true;
}

/** Per dictionary, the indexes of its recent strings in the builder they were looked up in. */
class DictionaryCache {
  readonly arms = new RecentIds();
  readonly statuses = new RecentIds();
  private builder: SegmentBuilder | null = null;

  /** Forgets everything when `builder` is not the one the indexes are of. */
  use(builder: SegmentBuilder): void {
    if (builder === this.builder) return;
    this.builder = builder;
    this.arms.clear();
    this.statuses.clear();
  }
}

/** The dictionary index of a scanned string field, through `recent` when its bytes are its text. */
function idAt(
  scanner: LineScanner,
  bytes: Buffer,
  slot: number,
  recent: RecentIds,
  lookup: (text: string) => number,
): number {
  const start = scanner.start[slot] as number;
  const end = scanner.end[slot] as number;
  if (((scanner.flags[slot] as number) & STRING_NON_ASCII) !== 0) return lookup(textAt(scanner, bytes, slot));
  const known = recent.find(bytes, start, end);
  if (known !== -1) return known;
  const id = lookup(bytes.toString('latin1', start, end));
  recent.remember(bytes, start, end, id);
  return id;
}

/** A scanned string field's text. */
function textAt(scanner: LineScanner, bytes: Buffer, slot: number): string {
  return unescapedText(
    bytes,
    scanner.start[slot] as number,
    scanner.end[slot] as number,
    scanner.flags[slot] as number,
  );
}

/** Writes the hash of a scanned string field, from its bytes when they are ASCII. */
function hashAt(
  scanner: LineScanner,
  bytes: Buffer,
  slot: number,
  hi: Uint32Array,
  lo: Uint32Array,
  row: number,
): void {
  if (((scanner.flags[slot] as number) & STRING_NON_ASCII) === 0) {
    hashAsciiKeyInto(bytes, scanner.start[slot] as number, scanner.end[slot] as number, hi, lo, row);
  } else {
    hashKeyInto(textAt(scanner, bytes, slot), hi, lo, row);
  }
}

class DispatchWriter {
  private readonly at: number;
  private readonly agent: number;
  private readonly attemptId: number;
  private readonly fingerprint: number;
  private readonly outcome: number;
  private readonly reasons: number;
  private readonly rationalization: number;

  constructor(
    readonly matcher: PlanMatcher,
    private readonly scanner: LineScanner,
    private readonly cache: DictionaryCache,
  ) {
    this.at = matcher.slotOf('ts_dispatched');
    this.agent = matcher.slotOf('agent');
    this.attemptId = matcher.slotOf('attempt_id');
    this.fingerprint = matcher.slotOf('prompt_fingerprint');
    this.outcome = matcher.slotOf('atomic_hook_outcome');
    this.reasons = matcher.slotOf('block_reasons');
    this.rationalization = matcher.slotOf('rationalization_match');
  }

  /** Mirrors SegmentBuilder.addDispatch, cell for cell and dictionary for dictionary, in its order. */
  write(builder: SegmentBuilder, seconds: SecondsTimestamps, bytes: Buffer, location: LineLocation): true {
    const s = this.scanner;
    const at = s.integer[this.at] as number;
    seconds.check('ts_dispatched', at, location);
    const row = builder.addDispatchRow();
    const c = builder.dispatchColumns;
    c.at[row] = at;
    c.arm[row] = idAt(s, bytes, this.agent, this.cache.arms, (text) => builder.armId(text));
    c.allowed[row] = bytesEqual(bytes, s.start[this.outcome] as number, s.end[this.outcome] as number, ALLOW)
      ? 1
      : 0;
    hashAt(s, bytes, this.attemptId, c.idHi, c.idLo, row);
    hashAt(s, bytes, this.fingerprint, c.fpHi, c.fpLo, row);
    const count = s.token[this.reasons] === TOKEN_ABSENT ? 0 : (s.elementCount[this.reasons] as number);
    if (count === 0) {
      c.reasons[row] = NO_REASONS;
    } else {
      const first = s.firstElement[this.reasons] as number;
      const reasons: string[] = [];
      for (let e = first; e < first + count; e += 1) {
        reasons.push(
          unescapedText(
            bytes,
            s.elementStart[e] as number,
            s.elementEnd[e] as number,
            s.elementFlags[e] as number,
          ),
        );
      }
      c.reasons[row] = builder.reasonListId(JSON.stringify(reasons));
    }
    c.rationalization[row] =
      s.token[this.rationalization] === TOKEN_STRING
        ? builder.rationalizationId(textAt(s, bytes, this.rationalization))
        : -1;
    if (builder.keepsKeys)
      builder.keepKeys(textAt(s, bytes, this.attemptId), textAt(s, bytes, this.fingerprint));
    return true;
  }
}

class FinalizeWriter {
  private readonly at: number;
  private readonly agent: number;
  private readonly fingerprint: number;
  private readonly attemptId: number;
  private readonly status: number;
  private readonly tokens: readonly [number, number, number, number, number];
  private readonly acceptance: number;
  private readonly suggestion: number;

  constructor(
    readonly matcher: PlanMatcher,
    private readonly scanner: LineScanner,
    private readonly cache: DictionaryCache,
  ) {
    this.at = matcher.slotOf('ts_completed');
    this.agent = matcher.slotOf('agent');
    this.fingerprint = matcher.slotOf('prompt_fingerprint');
    this.attemptId = matcher.slotOf('attempt_id');
    this.status = matcher.slotOf('status');
    this.tokens = [
      matcher.slotOf('input_tokens'),
      matcher.slotOf('output_tokens'),
      matcher.slotOf('cache_read_tokens'),
      matcher.slotOf('cache_creation_tokens'),
      matcher.slotOf('ms_elapsed'),
    ];
    this.acceptance = matcher.slotOf('acceptance_passed');
    this.suggestion = matcher.slotOf('suggested_registry_edit');
  }

  /**
   * Mirrors SegmentBuilder.addFinalize and the checks acceptLine makes before it; false (nothing
   * written) for a suggestion nested too deep, which the slow path skips with its reason.
   */
  write(builder: SegmentBuilder, seconds: SecondsTimestamps, bytes: Buffer, location: LineLocation): boolean {
    const s = this.scanner;
    let suggestion: string | null = null;
    if (s.token[this.suggestion] !== TOKEN_ABSENT && s.token[this.suggestion] !== TOKEN_NULL) {
      const value: unknown = JSON.parse(
        bytes.toString('utf8', s.start[this.suggestion], s.end[this.suggestion]),
      );
      if (jsonDepthExceeds(value)) return false;
      suggestion = canonicalJson(value);
    }
    const at = s.integer[this.at] as number;
    seconds.check('ts_completed', at, location);
    const row = builder.addFinalizeRow();
    const c = builder.finalizeColumns;
    c.at[row] = at;
    c.arm[row] = idAt(s, bytes, this.agent, this.cache.arms, (text) => builder.armId(text));
    hashAt(s, bytes, this.fingerprint, c.fpHi, c.fpLo, row);
    if (s.token[this.attemptId] !== TOKEN_ABSENT) {
      c.hasId[row] = 1;
      hashAt(s, bytes, this.attemptId, c.idHi, c.idLo, row);
    }
    c.status[row] = idAt(s, bytes, this.status, this.cache.statuses, (text) => builder.statusId(text));
    const [input, output, cacheRead, cacheCreation, elapsed] = this.tokens;
    c.inputTokens[row] = this.countAt(input);
    c.outputTokens[row] = this.countAt(output);
    c.cacheReadTokens[row] = this.countAt(cacheRead);
    c.cacheCreationTokens[row] = this.countAt(cacheCreation);
    c.msElapsed[row] = this.countAt(elapsed);
    const passed = s.token[this.acceptance] as number;
    c.acceptance[row] = passed === TOKEN_ABSENT || passed === TOKEN_NULL ? -1 : passed === TOKEN_TRUE ? 1 : 0;
    c.suggestion[row] = suggestion === null ? -1 : builder.suggestionId(suggestion);
    return true;
  }

  /** An optional count: its value, NaN when absent. */
  private countAt(slot: number): number {
    return this.scanner.token[slot] === TOKEN_ABSENT ? Number.NaN : (this.scanner.integer[slot] as number);
  }
}
