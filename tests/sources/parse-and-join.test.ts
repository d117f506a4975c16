import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Counts } from '../../src/findings/schema.js';
import { taskRecordsOf } from '../helpers/columns.js';
import { analyzeLines, DAY, dispatchLine, finalizeLine, runSource, T0 } from '../helpers/records.js';

function countsInvariantHolds(counts: Counts): boolean {
  return (
    counts.lines === counts.blank + counts.skipped + counts.dispatch + counts.finalize &&
    counts.dispatch === counts.joined + counts.unmatched_dispatch &&
    counts.finalize === counts.joined + counts.unmatched_finalize + counts.duplicates
  );
}

describe('parse_and_join: counts', () => {
  it('2 dispatch + 2 finalize lines, one finalize malformed: 1 joined, 1 unmatched, 1 skipped', () => {
    const { counts, skipped } = runSource([
      dispatchLine({ attempt_id: 'a1', prompt_fingerprint: 'fp1' }),
      dispatchLine({ attempt_id: 'a2', prompt_fingerprint: 'fp2' }),
      finalizeLine({ attempt_id: 'a1', prompt_fingerprint: 'fp1' }),
      '{"kind":"finalize","ts_completed":1,"agent":"cod',
    ]);
    expect(counts).toMatchObject({
      lines: 4,
      skipped: 1,
      dispatch: 2,
      finalize: 1,
      joined: 1,
      unmatched_dispatch: 1,
      unmatched_finalize: 0,
    });
    expect(skipped).toEqual([{ line: 4, reason: 'not valid JSON' }]);
  });

  it('blank and whitespace-only lines are blank, not skipped', () => {
    const { counts } = runSource(['', '   ', '\t', dispatchLine()]);
    expect(counts).toMatchObject({ lines: 4, blank: 3, skipped: 0, dispatch: 1 });
  });

  it('skips non-objects, unknown kinds, missing required fields and wrongly typed fields with a reason', () => {
    const { counts, skipped } = runSource([
      '[1,2]',
      '"text"',
      'null',
      '{"kind":"heartbeat"}',
      '{"no_kind":true}',
      dispatchLine({ agent: undefined }),
      finalizeLine({ input_tokens: '1200' }),
      finalizeLine({ input_tokens: -5 }),
      finalizeLine({ input_tokens: 12.5 }),
      finalizeLine({ ts_completed: 2 ** 53 }),
      dispatchLine({ atomic_hook_outcome: 'maybe' }),
      finalizeLine({ suggested_registry_edit: 'add x' }),
      finalizeLine({ acceptance_passed: 'yes' }),
    ]);
    expect(counts.skipped).toBe(13);
    expect(counts.lines).toBe(13);
    expect(skipped.map((s) => s.reason)).toEqual([
      'not a JSON object',
      'not a JSON object',
      'not a JSON object',
      'unknown kind "heartbeat"',
      'no "kind" field',
      expect.stringContaining('field "agent"'),
      expect.stringContaining('field "input_tokens"'),
      expect.stringContaining('field "input_tokens"'),
      expect.stringContaining('field "input_tokens"'),
      expect.stringContaining('field "ts_completed"'),
      expect.stringContaining('field "atomic_hook_outcome"'),
      expect.stringContaining('field "suggested_registry_edit"'),
      expect.stringContaining('field "acceptance_passed"'),
    ]);
  });

  it('tolerates unknown extra fields and missing optional ones', () => {
    const { counts } = runSource([
      dispatchLine({ gate_version: '3', extra: { nested: [1, 2] } }),
      JSON.stringify({
        kind: 'finalize',
        ts_completed: T0 + 1,
        agent: 'coder',
        prompt_fingerprint: 'fp1',
        status: 'completed',
        new_field: 1,
      }),
    ]);
    expect(counts).toMatchObject({ skipped: 0, joined: 1 });
  });

  it('never lets a __proto__ key reach an object prototype', () => {
    const hostile = `{"kind":"finalize","ts_completed":${T0 + 5},"agent":"coder","prompt_fingerprint":"fp1","status":"completed","__proto__":{"polluted":1},"suggested_registry_edit":{"__proto__":{"polluted":2},"constructor":{"prototype":{"polluted":3}}}}`;
    const { result, findings } = analyzeLines([dispatchLine(), hostile]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(result.counts.joined).toBe(1);
    const suggestion = findings.find((f) => f.type === 'registry_suggestion');
    expect(Object.keys(suggestion?.data.suggestion as object)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(suggestion?.data.suggestion)).toBe(Object.prototype);
  });
});

describe('parse_and_join: join rules', () => {
  it('joins on fingerprint and attempt id, whatever the line order', () => {
    const { counts, dataset } = runSource([
      finalizeLine({
        attempt_id: 'a2',
        prompt_fingerprint: 'fp1',
        ts_completed: T0 + 5000,
        input_tokens: 222,
      }),
      dispatchLine({ attempt_id: 'a1', prompt_fingerprint: 'fp1', ts_dispatched: T0 }),
      dispatchLine({ attempt_id: 'a2', prompt_fingerprint: 'fp1', ts_dispatched: T0 + 1000 }),
      finalizeLine({
        attempt_id: 'a1',
        prompt_fingerprint: 'fp1',
        ts_completed: T0 + 900,
        input_tokens: 111,
        status: 'failed',
      }),
    ]);
    expect(counts).toMatchObject({ joined: 2, unmatched_dispatch: 0, unmatched_finalize: 0, duplicates: 0 });
    const byAttempt = Object.fromEntries(
      taskRecordsOf(dataset.tasks).map((t) => [t.attemptNumber, t.inputTokens]),
    );
    expect(byAttempt).toEqual({ 1: 111, 2: 222 });
  });

  it('a finalize without attempt_id joins the latest open allowed attempt dispatched at or before it', () => {
    const { counts, dataset } = runSource([
      dispatchLine({ attempt_id: 'a1', ts_dispatched: T0 }),
      dispatchLine({ attempt_id: 'a2', ts_dispatched: T0 + 10_000 }),
      dispatchLine({
        attempt_id: 'a3',
        ts_dispatched: T0 + 20_000,
        atomic_hook_outcome: 'deny',
        block_reasons: ['x'],
      }),
      finalizeLine({ attempt_id: undefined, ts_completed: T0 + 15_000, input_tokens: 2 }),
      finalizeLine({ attempt_id: undefined, ts_completed: T0 + 30_000, input_tokens: 1 }),
    ]);
    // The first finalize (t=15s) takes a2 (latest open at or before it); the second (t=30s) takes a1,
    // because a2 is closed and the denied a3 never runs.
    expect(counts).toMatchObject({
      dispatch: 3,
      joined: 2,
      denied: 1,
      unmatched_dispatch: 1,
      unmatched_finalize: 0,
    });
    expect(
      taskRecordsOf(dataset.tasks)
        .map((t) => [t.attemptNumber, t.inputTokens])
        .sort(),
    ).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('a second finalize for a joined attempt is a duplicate and is not joined twice', () => {
    const { counts, dataset } = runSource([
      dispatchLine(),
      finalizeLine(),
      finalizeLine({ ts_completed: T0 + 99_000 }),
    ]);
    expect(counts).toMatchObject({ finalize: 2, joined: 1, duplicates: 1, unmatched_finalize: 0 });
    expect(dataset.tasks).toHaveLength(1);
  });

  it('a finalize without attempt_id and no open attempt: duplicate if its fingerprint was joined, else unmatched', () => {
    const { counts } = runSource([
      dispatchLine({ attempt_id: 'a1', prompt_fingerprint: 'fp1' }),
      finalizeLine({ attempt_id: undefined, prompt_fingerprint: 'fp1' }),
      finalizeLine({ attempt_id: undefined, prompt_fingerprint: 'fp1', ts_completed: T0 + 120_000 }),
      finalizeLine({ attempt_id: undefined, prompt_fingerprint: 'fp-nobody' }),
    ]);
    expect(counts).toMatchObject({ joined: 1, duplicates: 1, unmatched_finalize: 1 });
  });

  it('a finalize dated before every dispatch of its fingerprint does not join', () => {
    const { counts } = runSource([
      dispatchLine({ ts_dispatched: T0 + DAY }),
      finalizeLine({ attempt_id: undefined, ts_completed: T0 }),
    ]);
    expect(counts).toMatchObject({ joined: 0, unmatched_dispatch: 1, unmatched_finalize: 1 });
  });

  it('denied dispatches count as denied and unmatched; a finalize naming one is unmatched', () => {
    const { counts, dataset } = runSource([
      dispatchLine({
        attempt_id: 'd1',
        atomic_hook_outcome: 'deny',
        block_reasons: ['prompt names more than 3 files'],
      }),
      finalizeLine({ attempt_id: 'd1' }),
    ]);
    expect(counts).toMatchObject({
      dispatch: 1,
      denied: 1,
      unmatched_dispatch: 1,
      finalize: 1,
      unmatched_finalize: 1,
      joined: 0,
    });
    expect(dataset.denials).toHaveLength(1);
  });

  it('a finalize whose attempt id names another fingerprint does not join', () => {
    const { counts } = runSource([
      dispatchLine({ attempt_id: 'a1', prompt_fingerprint: 'fp1' }),
      finalizeLine({ attempt_id: 'a1', prompt_fingerprint: 'fp2' }),
    ]);
    expect(counts).toMatchObject({ joined: 0, unmatched_dispatch: 1, unmatched_finalize: 1 });
  });

  it('a repeated dispatch attempt id joins once; the repeat stays unmatched', () => {
    const { counts } = runSource([dispatchLine(), dispatchLine(), finalizeLine()]);
    expect(counts).toMatchObject({ dispatch: 2, joined: 1, unmatched_dispatch: 1 });
  });

  it('duplicates never reach an analyzer: a duplicated suggestion counts once', () => {
    const suggestion = { capability: 'x', action: 'add' };
    const { findings } = analyzeLines([
      dispatchLine(),
      finalizeLine({ suggested_registry_edit: suggestion }),
      finalizeLine({ suggested_registry_edit: suggestion, ts_completed: T0 + 70_000 }),
    ]);
    expect(findings.find((f) => f.type === 'registry_suggestion')?.occurrences).toBe(1);
  });
});

describe('parse_and_join: properties', () => {
  const recordArb = fc.oneof(
    fc.record({
      kind: fc.constant('dispatch'),
      ts_dispatched: fc.integer({ min: 0, max: 50 }),
      agent: fc.constantFrom('coder', 'reviewer'),
      attempt_id: fc.constantFrom('a1', 'a2', 'a3', 'a4'),
      prompt_fingerprint: fc.constantFrom('fp1', 'fp2'),
      atomic_hook_outcome: fc.constantFrom('allow', 'allow', 'deny'),
      block_reasons: fc.array(fc.constantFrom('too many files', 'no acceptance'), { maxLength: 2 }),
    }),
    fc.record(
      {
        kind: fc.constant('finalize'),
        ts_completed: fc.integer({ min: 0, max: 50 }),
        agent: fc.constantFrom('coder', 'reviewer'),
        prompt_fingerprint: fc.constantFrom('fp1', 'fp2'),
        attempt_id: fc.constantFrom('a1', 'a2', 'a3', 'a4'),
        status: fc.constantFrom('completed', 'failed'),
        input_tokens: fc.integer({ min: 0, max: 10_000 }),
        suggested_registry_edit: fc.constantFrom(null, { a: 1 }, { b: 2 }),
      },
      { requiredKeys: ['kind', 'ts_completed', 'agent', 'prompt_fingerprint', 'status'] },
    ),
  );
  const lineArb = fc.oneof(
    { weight: 6, arbitrary: recordArb.map((r) => JSON.stringify(r)) },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.json() },
  );

  it('counts always add up, and joined never exceeds dispatch or finalize', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 60 }), (lines) => {
        const { counts } = runSource(lines);
        expect(countsInvariantHolds(counts)).toBe(true);
        expect(counts.joined).toBeLessThanOrEqual(Math.min(counts.dispatch, counts.finalize));
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('shuffling the lines changes neither the counts nor the findings', () => {
    fc.assert(
      fc.property(
        fc
          .array(
            recordArb.map((r) => JSON.stringify(r)),
            { maxLength: 40 },
          )
          .chain((lines) =>
            fc.tuple(
              fc.constant(lines),
              fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }),
            ),
          ),
        ([lines, shuffled]) => {
          const a = analyzeLines(lines, { minSamples: 3 });
          const b = analyzeLines(shuffled, { minSamples: 3 });
          expect(b.result.counts).toEqual(a.result.counts);
          expect(b.findings).toEqual(a.findings);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});
