import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Counts, FindingDraft } from '../../src/findings/schema.js';
import { LineSplitter } from '../../src/input/line-splitter.js';
import { dispatchOutcomesAdapter } from '../../src/sources/dispatch-outcomes/index.js';
import { feedInChunks } from '../helpers/chunks.js';
import { DAY, DEFAULT_OPTIONS, T0 } from '../helpers/records.js';

/**
 * Property-based tests of the whole parse-and-join path, bytes in, counts and findings out: the
 * byte-level line splitter feeding the dispatch-outcomes source, as `discover` wires them.
 */
/** Large enough for the deeply nested lines below, small enough to generate over-long lines cheaply. */
const MAX_LINE_BYTES = 64 * 1024;

interface Outcome {
  counts: Counts;
  findings: FindingDraft[];
  skipped: number;
}

/** Feeds `bytes` in the given chunk sizes, like a stream would; every line reaches the source. */
function runBytes(
  bytes: Uint8Array,
  chunkSizes: readonly number[] = [bytes.length || 1],
  maxLineBytes = MAX_LINE_BYTES,
): Outcome {
  let skipped = 0;
  const session = dispatchOutcomesAdapter.open({
    skipped: () => {
      skipped += 1;
    },
    notice: () => {},
  });
  const splitter = new LineSplitter(
    {
      line: (text, line) => session.acceptLine(text, { input: 'fuzz.jsonl', line }),
      rejected: (reason, line) => session.rejectLine({ input: 'fuzz.jsonl', line }, reason),
    },
    { maxLineBytes },
  );
  feedInChunks(splitter, bytes, chunkSizes);
  const context = {
    source: 'dispatch-outcomes',
    inputs: ['fuzz.jsonl'],
    options: { ...DEFAULT_OPTIONS, minSamples: 3 },
  };
  const { counts, dataset } = session.finish();
  const findings = dispatchOutcomesAdapter.analyzers.flatMap((analyzer) =>
    analyzer.analyze(dataset, context),
  );
  return { counts, findings, skipped };
}

function runLines(lines: readonly string[]): Outcome {
  const bytes = Buffer.from(lines.map((line) => `${line}\n`).join(''));
  return runBytes(bytes, [bytes.length || 1], 16 * 1024 * 1024);
}

/** Lines in the input as the splitter defines them: LF-terminated, plus an unterminated tail. */
function expectedLineCount(bytes: Uint8Array): number {
  let count = 0;
  for (const byte of bytes) if (byte === 0x0a) count += 1;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a ? count + 1 : count;
}

function expectCountsHold(counts: Counts): void {
  expect(counts.lines).toBe(counts.blank + counts.skipped + counts.dispatch + counts.finalize);
  expect(counts.dispatch).toBe(counts.joined + counts.unmatched_dispatch);
  expect(counts.finalize).toBe(counts.joined + counts.unmatched_finalize + counts.duplicates);
  expect(counts.joined).toBeLessThanOrEqual(Math.min(counts.dispatch, counts.finalize));
  expect(counts.denied).toBeLessThanOrEqual(counts.unmatched_dispatch);
}

function expectPrototypesClean(): void {
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

// Small pools, so random records often share fingerprints and attempt ids and really join.
const agentArb = fc.constantFrom('coder', 'reviewer', '__proto__', 'constructor');
const fingerprintArb = fc.constantFrom('fp1', 'fp2', 'fp3', 'toString');
const attemptArb = fc.constantFrom('a1', 'a2', 'a3', 'a4', 'a5', 'hasOwnProperty');
const tsArb = fc.integer({ min: 0, max: 20 }).map((day) => T0 + day * DAY);

const dispatchArb = fc.record(
  {
    kind: fc.constant('dispatch'),
    ts_dispatched: tsArb,
    agent: agentArb,
    attempt_id: attemptArb,
    prompt_fingerprint: fingerprintArb,
    atomic_hook_outcome: fc.constantFrom('allow', 'allow', 'deny'),
    block_reasons: fc.array(fc.constantFrom('names more than 3 files', '__proto__', 'no acceptance'), {
      maxLength: 2,
    }),
    rationalization_match: fc.constantFrom(null, 'just this once', 'constructor'),
    prompt_chars: fc.nat(5000),
  },
  {
    requiredKeys: [
      'kind',
      'ts_dispatched',
      'agent',
      'attempt_id',
      'prompt_fingerprint',
      'atomic_hook_outcome',
    ],
  },
);

const finalizeArb = fc.record(
  {
    kind: fc.constant('finalize'),
    ts_completed: tsArb.map((ts) => ts + 3_600_000),
    agent: agentArb,
    prompt_fingerprint: fingerprintArb,
    attempt_id: attemptArb,
    status: fc.constantFrom('completed', 'completed', 'failed', 'weird'),
    input_tokens: fc.nat(100_000),
    cache_read_tokens: fc.nat(100_000),
    acceptance_passed: fc.constantFrom(true, false, null),
    suggested_registry_edit: fc.constantFrom(
      null,
      { add: 'tool', name: 'grep' },
      { name: 'grep', add: 'tool' },
      JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
    ),
  },
  { requiredKeys: ['kind', 'ts_completed', 'agent', 'prompt_fingerprint', 'status'] },
);

const validRecordArb = fc.oneof(dispatchArb, finalizeArb) as fc.Arbitrary<Record<string, unknown>>;
const validLineArb = validRecordArb.map((record) => JSON.stringify(record));

/** Values that must never crash the parser; most must fail the schema. */
function deepNesting(depth: number, open: string, close: string): string {
  return `${open.repeat(depth)}${close.repeat(depth)}`;
}
const hostileValueArb = fc.oneof(
  fc.constantFrom(
    '1e400',
    '-1e400',
    '9007199254740993',
    '9000000000000000',
    '8640000000000001',
    '18446744073709551616',
    '-1',
    '1.5',
    '-0',
    '1e2',
    '"123"',
    'null',
    'true',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '"\\u0000\\u001b[31m"',
  ),
  fc.constantFrom(10, 1000, 20_000).map((depth) => deepNesting(depth, '[', ']')),
  fc.constantFrom(10, 1000, 20_000).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
);

/** A valid record with one field replaced by raw hostile JSON text, a key dropped, or keys added. */
const mutatedLineArb = fc
  .tuple(validRecordArb, fc.nat(), hostileValueArb, fc.constantFrom('replace', 'drop', 'duplicate', 'proto'))
  .map(([record, pick, hostile, how]) => {
    const keys = Object.keys(record);
    const key = keys[pick % keys.length] as string;
    const text = JSON.stringify(record);
    if (how === 'drop') {
      const { [key]: _dropped, ...rest } = record;
      return JSON.stringify(rest);
    }
    if (how === 'duplicate') return `{${JSON.stringify(key)}:${hostile},${text.slice(1)}`;
    if (how === 'proto') return `{"__proto__":${hostile},"constructor":${hostile},${text.slice(1)}`;
    return `${text.slice(0, -1)},${JSON.stringify(key)}:${hostile}}`;
  });

const garbageLineArb = fc.oneof(
  fc.string(),
  fc.json(),
  fc.constantFrom('', '   ', '\r', '{', '[]', 'null', '"dispatch"', '{"kind":"dispatch"'),
);

const lineArb = fc.oneof(
  { weight: 5, arbitrary: validLineArb },
  { weight: 4, arbitrary: mutatedLineArb },
  { weight: 2, arbitrary: garbageLineArb },
);

/** Lines as bytes, with random binary garbage (NUL, invalid UTF-8, over-long runs) mixed in. */
const bytesArb = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: lineArb.map((line) => Buffer.from(`${line}\n`)) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
      { weight: 1, arbitrary: fc.constantFrom(Buffer.alloc(MAX_LINE_BYTES + 10, 0x61), Buffer.alloc(40, 0)) },
    ),
    { maxLength: 40 },
  )
  .map((parts) => new Uint8Array(Buffer.concat(parts)));

describe('parse_and_join fuzz: hostile input', () => {
  it('no exception escapes, counts add up and joined <= min(dispatch, finalize), whatever the bytes', () => {
    fc.assert(
      fc.property(
        bytesArb,
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 }),
        (bytes, chunks) => {
          const { counts, skipped } = runBytes(bytes, chunks);
          expect(counts.lines).toBe(expectedLineCount(bytes));
          expect(counts.skipped).toBe(skipped);
          expectCountsHold(counts);
          expectPrototypesClean();
        },
      ),
      { seed: 3, numRuns: 250 },
    );
  });

  it('chunk boundaries never change the result', () => {
    fc.assert(
      fc.property(
        bytesArb,
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 4 }),
        (bytes, chunks) => {
          expect(runBytes(bytes, chunks)).toEqual(runBytes(bytes));
        },
      ),
      { seed: 11, numRuns: 150 },
    );
  });

  it('mutated records with out-of-range or mistyped numbers are skipped, not joined', () => {
    for (const bad of [
      '1e400',
      '-1',
      '1.5',
      '9007199254740993',
      '9000000000000000',
      '"1767225600000"',
      'null',
    ]) {
      const line = `{"kind":"dispatch","ts_dispatched":${bad},"agent":"a","attempt_id":"x","prompt_fingerprint":"f","atomic_hook_outcome":"allow"}`;
      const { counts } = runLines([line]);
      expect(counts, bad).toMatchObject({ lines: 1, skipped: 1, dispatch: 0 });
    }
  });

  it('an unknown kind nested 200,000 levels deep is skipped like any other', () => {
    const kind = deepNesting(200_000, '[', ']');
    const { counts } = runLines([
      `{"kind":${kind}}`,
      `{"kind":${deepNesting(200_000, '{"k":', '}').replace(/}$/, '1}')}}`,
    ]);
    expect(counts).toMatchObject({ lines: 2, skipped: 2 });
  });

  it('the last of duplicate keys wins, as in JSON.parse', () => {
    const dispatch =
      '{"kind":"finalize","kind":"dispatch","ts_dispatched":1767225600000,"agent":"a","attempt_id":"x","prompt_fingerprint":"f","atomic_hook_outcome":"allow"}';
    expect(runLines([dispatch]).counts).toMatchObject({ dispatch: 1, finalize: 0, skipped: 0 });
  });
});

describe('parse_and_join fuzz: order independence', () => {
  const logArb = fc
    .array(fc.oneof({ weight: 8, arbitrary: validLineArb }, { weight: 1, arbitrary: mutatedLineArb }), {
      maxLength: 50,
    })
    .chain((lines) =>
      fc.tuple(
        fc.constant(lines),
        fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }),
      ),
    );

  it('shuffling the lines of a log changes neither the counts nor the findings', () => {
    fc.assert(
      fc.property(logArb, ([lines, shuffled]) => {
        const original = runLines(lines);
        const reordered = runLines(shuffled);
        expect(reordered.counts).toEqual(original.counts);
        expect(reordered.findings).toEqual(original.findings);
        expectCountsHold(original.counts);
      }),
      { seed: 5, numRuns: 250 },
    );
  });
});
