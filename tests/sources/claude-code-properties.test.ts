import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  call,
  expectBalancedCounts,
  PROJECT,
  runCalls as run,
  runClaudeCode,
  type SubagentCall,
  sessionFiles,
} from '../helpers/claude-code.js';

describe('claude-code source: properties', () => {
  it('order never matters: shuffling the lines of every file and the order of files gives the same result', () => {
    const calls = [
      call(1),
      call(2, {
        resultUsage: undefined,
        transcript: { responses: [{ input: 10 }, { input: 20 }], repeat: 2 },
      }),
      call(3, { outcome: 'string_error', errorText: 'Agent type x not found' }),
      call(4, { outcome: 'async' }),
      call(5, { outcome: 'missing' }),
      call(6, { prompt: 'find the callers of function number 1' }),
    ];
    const files = [...sessionFiles({ project: PROJECT, sessionId: 's', calls, extraLines: ['{torn'] })];
    const reference = runClaudeCode(files);
    const canonical = (r: typeof reference) => ({
      counts: r.result.counts,
      tasks: [...r.result.dataset.tasks].sort((a, b) => a.completedAt - b.completedAt),
      failures: r.result.dataset.failures,
      findings: r.findings,
    });
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 200, maxLength: 200 }), (keys) => {
        let k = 0;
        const shuffle = <T>(items: readonly T[]): T[] =>
          items
            .map((item) => ({ item, key: keys[k++ % keys.length] as number }))
            .sort((a, b) => a.key - b.key)
            .map((x) => x.item);
        const shuffled = shuffle(files).map(([name, lines]) => [name, shuffle(lines)] as [string, string[]]);
        expect(canonical(runClaudeCode(shuffled))).toEqual(canonical(reference));
      }),
      { seed: 7, numRuns: 50 },
    );
  });

  it('counts always balance on random sessions', () => {
    const outcome = fc.constantFrom(
      'completed',
      'async',
      'string_error',
      'is_error',
      'missing',
    ) as fc.Arbitrary<NonNullable<SubagentCall['outcome']>>;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            outcome,
            transcript: fc.boolean(),
            noTimestamps: fc.boolean(),
            prompt: fc.constantFrom('a', 'b', 'c'),
          }),
          { maxLength: 12 },
        ),
        (specs) => {
          const calls = specs.map((spec, i) =>
            call(i, {
              outcome: spec.outcome,
              prompt: spec.prompt,
              noTimestamps: spec.noTimestamps,
              ...(spec.transcript
                ? { resultUsage: undefined, transcript: { responses: [{ input: 5 }], repeat: 2 } }
                : {}),
            }),
          );
          const { result } = run(calls, ['{oops']);
          expectBalancedCounts(result.counts);
          expect(result.counts.dispatch).toBe(calls.length);
          expect(result.counts.async_launched).toBe(specs.filter((s) => s.outcome === 'async').length);
        },
      ),
      { seed: 11, numRuns: 100 },
    );
  });
});
