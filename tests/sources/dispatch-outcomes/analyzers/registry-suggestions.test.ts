import { describe, expect, it } from 'vitest';
import { canonicalJson, jsonDepthExceeds } from '../../../../src/common/canonical-json.js';
import { analyzeLines, DAY, dispatchLine, finalizeLine, T0 } from '../../../helpers/records.js';

function proposal(i: number, agent: string, suggestion: unknown): string[] {
  return [
    dispatchLine({ attempt_id: `a${i}`, prompt_fingerprint: `fp${i}`, agent, ts_dispatched: T0 + i * DAY }),
    finalizeLine({
      attempt_id: `a${i}`,
      prompt_fingerprint: `fp${i}`,
      agent,
      ts_completed: T0 + i * DAY + 1,
      suggested_registry_edit: suggestion,
    }),
  ];
}

describe('registry_suggestions', () => {
  it('3 finalize records with 2 identical suggestions: 1 finding with occurrences 2', () => {
    const { findings } = analyzeLines([
      ...proposal(1, 'coder', { capability: 'db', action: 'add' }),
      ...proposal(2, 'reviewer', { action: 'add', capability: 'db' }),
      ...proposal(3, 'coder', { action: 'remove', capability: 'deploy' }),
    ]);
    const suggestions = findings.filter((f) => f.type === 'registry_suggestion');
    expect(suggestions.map((f) => f.occurrences)).toEqual([2, 1]);
    const top = suggestions[0];
    expect(top?.data.suggestion).toEqual({ action: 'add', capability: 'db' });
    expect(Object.keys(top?.data.suggestion as object)).toEqual(['action', 'capability']);
    expect(top?.data.arms).toEqual({ coder: 1, reviewer: 1 });
    expect(top?.first_seen).toBe(new Date(T0 + DAY + 1).toISOString());
    expect(top?.last_seen).toBe(new Date(T0 + 2 * DAY + 1).toISOString());
    expect(top?.theme).toBe('registry_edit');
  });

  it('key order and whitespace never make two suggestions differ; values do', () => {
    expect(canonicalJson({ b: { y: 1, x: [1, ' a  b '] }, a: 'q' })).toBe(
      canonicalJson({ a: 'q', b: { x: [1, 'a b'], y: 1 } }),
    );
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  it('counts suggestions from every non-duplicate finalize, joined or not, whatever its status', () => {
    const { findings } = analyzeLines([
      finalizeLine({
        prompt_fingerprint: 'orphan',
        attempt_id: 'x',
        status: 'failed',
        suggested_registry_edit: { a: 1 },
      }),
      ...proposal(1, 'coder', { a: 1 }),
    ]);
    expect(findings.find((f) => f.type === 'registry_suggestion')?.occurrences).toBe(2);
  });

  it('rejects absurdly deep suggestions without recursing', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i += 1) deep = { d: deep };
    expect(jsonDepthExceeds(deep)).toBe(true);
    expect(jsonDepthExceeds({ a: [{ b: 1 }] })).toBe(false);
  });
});
