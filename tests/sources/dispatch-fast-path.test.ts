import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/input/line-splitter.js';
import { collectSegments } from '../../src/sources/dispatch-outcomes/collect.js';
import { createFastLines } from '../../src/sources/dispatch-outcomes/fast-lines.js';
import { type Segment, SegmentBuilder } from '../../src/sources/dispatch-outcomes/segment.js';
import { SecondsTimestamps } from '../../src/sources/timestamp-units.js';
import { feedInChunks } from '../helpers/chunks.js';

/**
 * The fast path against JSON.parse + zod, on random valid, near-valid and hostile lines: the
 * same bytes go through the line splitter into a session with the fast path and one without, and
 * both must end with the same columns, dictionaries, counts, skip reasons and line numbers.
 */
const MAX_LINE_BYTES = 16 * 1024;

interface Run {
  segment: Segment;
  skips: [number, string][];
  notice: string | null;
}

function run(bytes: Buffer, chunkSizes: readonly number[], fastPath: boolean): Run {
  const skips: [number, string][] = [];
  const collector = collectSegments(
    { skipped: (location, reason) => skips.push([location.line, reason]) },
    { fastPath },
  );
  collector.beginInput(undefined);
  const splitter = new LineSplitter(
    {
      line: (text, line) => collector.acceptLine(text, { input: 'diff.jsonl', line }),
      lineBytes: (chunk, start, end, line) =>
        collector.acceptBytes(chunk, start, end, { input: 'diff.jsonl', line }),
      rejected: (reason, line) => collector.rejectLine({ input: 'diff.jsonl', line }, reason),
    },
    { maxLineBytes: MAX_LINE_BYTES },
  );
  feedInChunks(splitter, bytes, chunkSizes);
  return { segment: collector.segment(), skips, notice: collector.secondsNotice() };
}

/** A segment as plain data, columns as arrays (NaN and -0 kept apart by Object.is in toEqual). */
function plain(segment: Segment): unknown {
  const columns = (set: object): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(set).map(([name, value]) => [
        name,
        ArrayBuffer.isView(value) ? Array.from(value as Float64Array) : value,
      ]),
    );
  return { ...segment, dispatches: columns(segment.dispatches), finalizes: columns(segment.finalizes) };
}

// ---- Generators of JSON text, valid and not -------------------------------------------------

const whitespace = fc.constantFrom('', '', '', ' ', '\t', ' \r ', '  ');

const hostileString = fc.constantFrom(
  '"\\u0061gent"',
  '"coder\\n"',
  '"\\ud800"',
  '"\\uD83D\\uDE00"',
  '"tab\there"',
  '"bad \\x escape"',
  '"unterminated',
  '"\\u12"',
  '"é"',
  '"\u{1F600}"',
  '"\u2028"',
  '""',
  '"a\\"b"',
  '"\\/"',
);

const jsonString = fc
  .oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom('coder', 'reviewer', 'completed', 'failed', 'fp_1', 'att_1', 'x'),
    },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
  )
  .map((text) => JSON.stringify(text));

const numberText = fc.oneof(
  { weight: 16, arbitrary: fc.integer({ min: 0, max: 10_000_000 }).map(String) },
  { weight: 3, arbitrary: fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }).map(String) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 99_999_999_999 }).map(String) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '-0',
      '0',
      '1.0',
      '1e3',
      '1E+2',
      '10e-1',
      '-1',
      '01',
      '1.',
      '.5',
      '-',
      '9007199254740991',
      '9007199254740992',
      '9007199254740993',
      '8640000000000000',
      '8640000000000001',
      '12345678901234567890',
      '1e400',
      '0x10',
      'NaN',
      '2.5',
    ),
  },
);

const deep = (depth: number, open: string, close: string): string => open.repeat(depth) + close.repeat(depth);

const nestedText = fc.oneof(
  fc.constantFrom(
    '[]',
    '{}',
    '["a"]',
    '["a","b"]',
    '["a",1]',
    '[null]',
    '["\\u0041"]',
    '{"action":"add_capability","agent":"coder","capability":"read_logs"}',
    '{"capability":"read_logs","agent":"coder","action":"add_capability"}',
    '{"__proto__":{"x":1},"a":[1,{"b":null}]}',
    '{"a":  "  spaced   text "}',
    '{"a":1,}',
    '[1,]',
    '{"a"}',
    '[',
    '{"a":[}',
    deep(63, '[', ']'),
    deep(64, '[', ']'),
    deep(65, '[', ']'),
    `{"a":${deep(70, '[', ']')}}`,
  ),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
);

const anyValue = fc.oneof(
  { weight: 4, arbitrary: jsonString },
  { weight: 4, arbitrary: numberText },
  { weight: 2, arbitrary: fc.constantFrom('true', 'false', 'null', 'tru', 'nul', 'True') },
  { weight: 2, arbitrary: hostileString },
  { weight: 2, arbitrary: nestedText },
);

/** Usually `usual`, at times `rare`. */
const mostly = (usual: fc.Arbitrary<string>, rare: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof({ weight: 6, arbitrary: usual }, { weight: 1, arbitrary: rare });

/** Plausible values per field, so that many lines are valid records, with anything at times. */
const FIELD_VALUES: Record<string, fc.Arbitrary<string>> = {
  kind: fc.constantFrom(
    '"dispatch"',
    '"finalize"',
    '"dispatch"',
    '"finalize"',
    '"heartbeat"',
    '"\\u0064ispatch"',
    '1',
  ),
  ts_dispatched: numberText,
  ts_completed: numberText,
  agent: mostly(jsonString, hostileString),
  agent_id: jsonString,
  attempt_id: mostly(jsonString, hostileString),
  prompt_fingerprint: mostly(jsonString, hostileString),
  prompt_chars: numberText,
  prompt_files_named: numberText,
  prompt_input_token_estimate: numberText,
  has_design_verb: fc.constantFrom('true', 'false', 'null'),
  has_acceptance_verb: fc.constantFrom('true', 'false'),
  atomic_hook_outcome: fc.constantFrom('"allow"', '"deny"', '"allow"', '"Allow"', '"alloww"', 'null'),
  block_reasons: fc.oneof(
    fc.array(jsonString, { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
    fc.constantFrom('[]', '["a", "b"]', '[ "x" ]', '["a\\"b"]', '[1]', 'null', '"x"'),
  ),
  rationalization_match: mostly(fc.oneof(jsonString, fc.constant('null')), hostileString),
  status: fc.oneof(jsonString, fc.constant('""')),
  ms_elapsed: numberText,
  total_tokens: numberText,
  input_tokens: numberText,
  output_tokens: numberText,
  cache_read_tokens: numberText,
  cache_creation_tokens: numberText,
  acceptance_passed: fc.constantFrom('true', 'false', 'null', '1', '"true"'),
  suggested_registry_edit: fc.oneof(fc.constant('null'), nestedText),
  error: mostly(fc.oneof(jsonString, fc.constant('null')), hostileString),
  ['__proto__']: nestedText,
  host: fc.oneof({ weight: 4, arbitrary: jsonString }, { weight: 1, arbitrary: anyValue }),
  producer_version: jsonString,
};

const DISPATCH_FIELDS = [
  'kind',
  'ts_dispatched',
  'agent',
  'attempt_id',
  'prompt_fingerprint',
  'prompt_chars',
  'prompt_files_named',
  'prompt_input_token_estimate',
  'has_design_verb',
  'has_acceptance_verb',
  'atomic_hook_outcome',
  'block_reasons',
  'rationalization_match',
];
const FINALIZE_FIELDS = [
  'kind',
  'ts_completed',
  'agent',
  'agent_id',
  'prompt_fingerprint',
  'attempt_id',
  'status',
  'ms_elapsed',
  'total_tokens',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_creation_tokens',
  'acceptance_passed',
  'suggested_registry_edit',
  'error',
];
const EXTRA_FIELDS = ['__proto__', 'host', 'producer_version'];

/** A value for `name`: usually a plausible one, sometimes any JSON (or not-JSON) at all. */
const valueFor = (name: string): fc.Arbitrary<string> =>
  fc.oneof({ weight: 39, arbitrary: FIELD_VALUES[name] ?? anyValue }, { weight: 1, arbitrary: anyValue });

/** A record-like object line: a kind's fields, some dropped, some extra or repeated, any spacing. */
const objectLine = fc
  .tuple(
    fc.constantFrom(DISPATCH_FIELDS, FINALIZE_FIELDS),
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    fc.subarray(EXTRA_FIELDS, { maxLength: 2 }),
    fc.oneof(
      { weight: 8, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constantFrom(...DISPATCH_FIELDS, ...FINALIZE_FIELDS) },
    ),
  )
  .chain(([fields, dropMask, extras, repeated]) => {
    // Most lines keep every field; otherwise each is dropped with probability 1/8.
    const kept = dropMask % 3 === 0 ? fields.filter((_, i) => ((dropMask >>> i) & 7) !== 0) : fields;
    const names = [...kept, ...extras, ...(repeated === null ? [] : [repeated])];
    const kind = fields === DISPATCH_FIELDS ? '"dispatch"' : '"finalize"';
    const value = (name: string): fc.Arbitrary<string> =>
      name === 'kind' && repeated !== 'kind' ? mostly(fc.constant(kind), valueFor(name)) : valueFor(name);
    return fc.tuple(
      fc.tuple(...names.map((name) => fc.tuple(fc.constant(name), value(name), whitespace, whitespace))),
      whitespace,
      whitespace,
    );
  })
  .map(([pairs, before, after]) => {
    const members = pairs.map(
      ([name, value, ws1, ws2]) => `${ws1}${JSON.stringify(name)}${ws2}:${ws1}${value}${ws2}`,
    );
    return `${before}{${members.join(',')}}${after}`;
  });

const text = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('coder', 'reviewer', 'completed', 'failed', 'fp_a1', 'att_b2') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }) },
);
const count = fc.oneof(fc.nat({ max: 100_000 }), fc.constant(0), fc.constant(Number.MAX_SAFE_INTEGER));
const epochMs = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 8.64e15 }) },
);
const extra = { host: fc.oneof(text, fc.jsonValue({ maxDepth: 2 })), gate_version: text };

/** Records zod accepts (JSON.stringify writes them: escapes only where JSON needs them). */
const validRecord = fc
  .oneof(
    fc.record(
      {
        kind: fc.constant('dispatch'),
        ts_dispatched: epochMs,
        agent: text,
        attempt_id: text,
        prompt_fingerprint: text,
        prompt_chars: count,
        prompt_files_named: count,
        prompt_input_token_estimate: count,
        has_design_verb: fc.boolean(),
        has_acceptance_verb: fc.boolean(),
        atomic_hook_outcome: fc.constantFrom('allow', 'deny'),
        block_reasons: fc.array(text, { maxLength: 3 }),
        rationalization_match: fc.option(text),
        ...extra,
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
    ),
    fc.record(
      {
        kind: fc.constant('finalize'),
        ts_completed: epochMs,
        agent: text,
        agent_id: text,
        prompt_fingerprint: text,
        attempt_id: text,
        status: fc.oneof(text, fc.constant('')),
        ms_elapsed: count,
        total_tokens: count,
        input_tokens: count,
        output_tokens: count,
        cache_read_tokens: count,
        cache_creation_tokens: count,
        acceptance_passed: fc.option(fc.boolean()),
        suggested_registry_edit: fc.option(
          fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
        ),
        error: fc.option(text),
        ...extra,
      },
      { requiredKeys: ['kind', 'ts_completed', 'agent', 'prompt_fingerprint', 'status'] },
    ),
  )
  .map((record) => JSON.stringify(record));

/** Damage done to a line's text or bytes. */
type Damage = 'none' | 'truncate' | 'garbage' | 'bom' | 'invalid-utf8' | 'nul' | 'crlf' | 'nbsp' | 'double';

const damage = fc.oneof(
  { weight: 24, arbitrary: fc.constant<Damage>('none') },
  {
    weight: 4,
    arbitrary: fc.constantFrom<Damage>(
      'truncate',
      'garbage',
      'bom',
      'invalid-utf8',
      'nul',
      'crlf',
      'nbsp',
      'double',
    ),
  },
);

function damaged(text: string, how: Damage, at: number): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const cut = bytes.length === 0 ? 0 : at % bytes.length;
  switch (how) {
    case 'none':
      return bytes;
    case 'truncate':
      return bytes.subarray(0, cut);
    case 'garbage':
      return Buffer.concat([bytes, Buffer.from(['x', ' }', ',', ' 1', '\u00a0'][at % 5] as string)]);
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    case 'invalid-utf8':
      return Buffer.concat([
        bytes.subarray(0, cut),
        Buffer.from([[0xff, 0xc3, 0xed, 0x80][at % 4] as number]),
        bytes.subarray(cut),
      ]);
    case 'nul':
      return Buffer.concat([bytes.subarray(0, cut), Buffer.from([0]), bytes.subarray(cut)]);
    case 'crlf':
      return Buffer.concat([bytes, Buffer.from('\r')]);
    case 'nbsp':
      return Buffer.concat([Buffer.from('\u00a0'), bytes]);
    case 'double':
      return Buffer.concat([bytes, bytes]);
  }
}

const line = fc.tuple(
  fc.oneof(
    { weight: 10, arbitrary: objectLine },
    { weight: 10, arbitrary: validRecord },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '   ',
        '\t',
        '\u00a0',
        'not json',
        '[1,2]',
        '"x"',
        '{}',
        'null',
        '{"kind":"dispatch"}',
      ),
    },
  ),
  damage,
  fc.nat(),
);

const log = fc.tuple(
  fc.array(line, { minLength: 1, maxLength: 40, size: 'medium' }),
  fc.boolean(),
  fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 4 }),
);

function logBytes(lines: readonly [string, Damage, number][], crlf: boolean): Buffer {
  const terminator = Buffer.from(crlf ? '\r\n' : '\n');
  return Buffer.concat(lines.flatMap(([text, how, at]) => [damaged(text, how, at), terminator]));
}

describe('the dispatch-outcomes fast path', () => {
  it('gives exactly what JSON.parse + zod give, on random valid, near-valid and hostile lines', () => {
    let proven = 0;
    let records = 0;
    const fast = createFastLines();
    if (fast === null) throw new Error('the fast path is off for the source schemas');
    fc.assert(
      fc.property(log, ([lines, crlf, chunkSizes]) => {
        const bytes = logBytes(lines, crlf);
        const withFastPath = run(bytes, chunkSizes, true);
        const slowOnly = run(bytes, chunkSizes, false);
        expect(withFastPath.skips).toEqual(slowOnly.skips);
        expect(withFastPath.notice).toEqual(slowOnly.notice);
        expect(plain(withFastPath.segment)).toEqual(plain(slowOnly.segment));
        records += slowOnly.segment.dispatches.length + slowOnly.segment.finalizes.length;
        // How much the fast path itself took, so the comparison above is known to exercise it.
        const builder = new SegmentBuilder();
        for (const [text, how, at] of lines) {
          const one = damaged(text, how, at);
          if (fast.accept(builder, new SecondsTimestamps(), one, 0, one.length, { input: 'x', line: 1 }))
            proven += 1;
        }
      }),
      { seed: 1807, numRuns: 400 },
    );
    // The comparison above must have exercised the fast path: most records are proven by it (the
    // rest have escapes in strings it reads, or numbers it does not read exactly).
    expect(proven / records).toBeGreaterThan(0.6);
  });

  it('takes the bench generator log line for line as the slow path does', async () => {
    const { generateLog } = await import('../../bench/generate.js');
    const chunks: string[] = [];
    generateLog({ seed: 99, targetBytes: 400_000, write: (chunk) => chunks.push(chunk) });
    const bytes = Buffer.from(chunks.join(''));
    const withFastPath = run(bytes, [65_536], true);
    const slowOnly = run(bytes, [65_536], false);
    expect(withFastPath.skips).toEqual(slowOnly.skips);
    expect(plain(withFastPath.segment)).toEqual(plain(slowOnly.segment));
    expect(withFastPath.segment.dispatches.length).toBeGreaterThan(500);
  });

  it('falls back on the lines it cannot prove, which then get the slow path reasons', () => {
    const lines = [
      '{"kind":"dispatch","ts_dispatched":1.0,"agent":"a","attempt_id":"x","prompt_fingerprint":"f","atomic_hook_outcome":"allow"}',
      '{"kind":"dispatch","ts_dispatched":1e12,"agent":"a","attempt_id":"x","prompt_fingerprint":"f","atomic_hook_outcome":"allow"}',
      '{"kind":"dispatch","ts_dispatched":1,"agent":"\\u0061","attempt_id":"x","prompt_fingerprint":"f","atomic_hook_outcome":"allow"}',
      '{"kind":"dispatch","kind":"finalize","ts_dispatched":1,"agent":"a","attempt_id":"x","prompt_fingerprint":"f","atomic_hook_outcome":"allow"}',
      '{"kind":"dispatch","ts_dispatched":-0,"agent":"a","attempt_id":"x","prompt_fingerprint":"f","atomic_hook_outcome":"allow"}',
      '{"kind":"dispatch","ts_dispatched":1,"agent":"","attempt_id":"x","prompt_fingerprint":"f","atomic_hook_outcome":"allow"}',
      '{"kind":"finalize","ts_completed":1,"agent":"a","prompt_fingerprint":"f","status":"s","suggested_registry_edit":[]}',
    ];
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    const withFastPath = run(bytes, [bytes.length], true);
    expect(withFastPath.skips).toEqual(run(bytes, [bytes.length], false).skips);
    expect(withFastPath.skips).toEqual([
      [4, 'finalize field "ts_completed": expected number, received undefined'],
      [6, 'dispatch field "agent": Too small: expected string to have >=1 characters'],
      [7, 'finalize field "suggested_registry_edit": expected an object or null'],
    ]);
    expect(withFastPath.segment.dispatches.length).toBe(4);
  });
});
