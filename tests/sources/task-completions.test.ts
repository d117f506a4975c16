import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  camelCased,
  generateEvents,
  runTaskSource,
  T0,
  taskEvent,
  toLines,
} from '../helpers/task-completions.js';

const line = (fields: Record<string, unknown> = {}): string => JSON.stringify(taskEvent(fields));

describe('task-completions source: parsing and counting', () => {
  it('reads the camelCase spelling as the same event as the snake_case one', () => {
    const snake = taskEvent({ event_id: 'x', quality_gates_failed: ['test'], retry_count: 2 });
    const fromSnake = runTaskSource([JSON.stringify(snake)]);
    const fromCamel = runTaskSource([JSON.stringify(camelCased(snake))]);
    expect(JSON.stringify(camelCased(snake))).toContain('"qualityGatesFailed"');
    expect(fromCamel.skipped).toEqual([]);
    expect(fromCamel.dataset).toEqual(fromSnake.dataset);
    expect(fromCamel.dataset.events[0]?.retry_count).toBe(2);
  });

  it('accepts the timestamp as an ISO string (Z or offset) or epoch ms, all normalised to epoch ms', () => {
    const { dataset, skipped } = runTaskSource([
      line({ event_id: 'iso', timestamp: '2026-03-01T00:00:00Z' }),
      line({ event_id: 'offset', timestamp: '2026-03-01T02:00:00+02:00' }),
      line({ event_id: 'ms', timestamp: T0 }),
    ]);
    expect(skipped).toEqual([]);
    expect(dataset.events.map((e) => e.timestamp)).toEqual([T0, T0, T0]);
  });

  it('prefers the snake_case value when a record carries both spellings', () => {
    const { dataset } = runTaskSource([
      JSON.stringify({ ...taskEvent({ event_id: 'a', retry_count: 1 }), retryCount: 9, harness: 'codex' }),
      JSON.stringify({ ...camelCased(taskEvent({ event_id: 'b', retry_count: 9 })), retry_count: 2 }),
    ]);
    expect(dataset.events.map((e) => [e.event_id, e.retry_count, e.harness])).toEqual([
      ['a', 1, 'codex'],
      ['b', 2, 'claude_code'],
    ]);
  });

  it('keeps events without estimates: absent and null both mean "not estimated"', () => {
    const absent = taskEvent({ event_id: 'a' });
    delete absent.estimated_input_tokens;
    const { dataset, skipped } = runTaskSource([
      JSON.stringify(absent),
      line({ event_id: 'b', estimated_input_tokens: null, estimatedOutputTokens: null }),
    ]);
    expect(skipped).toEqual([]);
    expect(dataset.events.map((e) => e.estimated_input_tokens ?? 'none')).toEqual(['none', 'none']);
  });

  it.each([
    ['not JSON', '{"event_id": "x"', 'not valid JSON'],
    ['an array', '[1]', 'not a JSON object'],
    ['no event_id', line({ event_id: undefined }), 'field "event_id"'],
    ['no harness', line({ harness: undefined }), 'field "harness"'],
    ['no outcome', line({ outcome: undefined }), 'field "outcome"'],
    ['a bad timestamp', line({ timestamp: 'yesterday' }), 'field "timestamp"'],
    ['a count as a string', line({ actual_input_tokens: '1000' }), 'field "actual_input_tokens"'],
    ['a negative count', line({ retry_count: -1 }), 'field "retry_count"'],
    ['a fractional count', line({ estimated_cost_usd_micros: 1.5 }), 'field "estimated_cost_usd_micros"'],
    ['utilisation above 1', line({ context_utilization_final: 1.2 }), 'field "context_utilization_final"'],
    ['gates not a list', line({ quality_gates_failed: 'test' }), 'field "quality_gates_failed"'],
    [
      'a camelCase count of the wrong type',
      JSON.stringify(camelCased(taskEvent({ retry_count: 'x' }))),
      'field "retry_count"',
    ],
  ])('skips and counts a line with %s, naming the reason', (_, text, reason) => {
    const { counts, skipped, dataset } = runTaskSource([text]);
    expect(counts.skipped).toBe(1);
    expect(counts.events).toBe(0);
    expect(dataset.events).toEqual([]);
    expect(skipped[0]?.reason).toContain(reason);
  });

  it('keeps keys such as __proto__ as plain data and never pollutes a prototype', () => {
    const { dataset, skipped } = runTaskSource([
      `{"__proto__": {"polluted": 1}, ${line({ event_id: 'p' }).slice(1)}`,
    ]);
    expect(skipped).toEqual([]);
    expect(dataset.events).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('counts a repeated event_id as a duplicate and keeps the same copy whatever the line order', () => {
    const first = line({ event_id: 'd', outcome: 'success' });
    const second = line({ event_id: 'd', outcome: 'failure' });
    const forward = runTaskSource([first, second]);
    const backward = runTaskSource([second, first]);
    expect(forward.counts).toMatchObject({ events: 2, duplicates: 1 });
    expect(forward.dataset.events).toHaveLength(1);
    expect(forward.dataset).toEqual(backward.dataset);
  });

  it('sets the dispatch/join keys of the envelope to 0 and adds events', () => {
    const { counts } = runTaskSource(['', line(), 'garbage']);
    expect(counts).toEqual({
      lines: 3,
      blank: 1,
      skipped: 1,
      dispatch: 0,
      finalize: 0,
      joined: 0,
      denied: 0,
      unmatched_dispatch: 0,
      unmatched_finalize: 0,
      duplicates: 0,
      events: 1,
    });
  });

  it('property: lines = blank + skipped + events, and shuffling the lines changes nothing', () => {
    const valid = toLines(generateEvents(3, 40));
    const pool = [...valid, '', '  ', 'not json', '{"event_id": 1}', valid[0] as string];
    fc.assert(
      fc.property(fc.shuffledSubarray(pool), fc.integer(), (picked, seed) => {
        const result = runTaskSource(picked);
        const c = result.counts;
        expect(c.lines).toBe(c.blank + c.skipped + (c.events as number));
        expect(c.events as number).toBe(result.dataset.events.length + c.duplicates);
        const shuffled = [...picked].sort(
          (a, b) => ((a.length * 31 + seed) % 97) - ((b.length * 31 + seed) % 97) || (a < b ? -1 : 1),
        );
        expect(runTaskSource(shuffled).dataset).toEqual(result.dataset);
      }),
      { numRuns: 60, seed: 8 },
    );
  });

  it('maps events to task records: harness is the arm, success is completed, gates stand in for acceptance', () => {
    const { dataset } = runTaskSource([
      line({
        event_id: 'a',
        harness: 'codex',
        outcome: 'success',
        quality_gate_passed: false,
        retry_count: 1,
      }),
      line({ event_id: 'b', outcome: 'Timeout', actual_input_tokens: null }),
    ]);
    expect(
      dataset.tasks.map((t) => [t.arm, t.status, t.acceptancePassed, t.attemptNumber, t.inputTokens]),
    ).toEqual([
      ['codex', 'completed', false, 2, 10_000],
      ['claude_code', 'timeout', true, 1, null],
    ]);
  });
});
