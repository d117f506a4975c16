import { describe, expect, it } from 'vitest';
import { remediationHint } from '../../src/analyzers/remediation.js';
import { ofType } from '../helpers/findings.js';
import { analyzeLines, DAY, dispatchLine, T0 } from '../helpers/records.js';

function deny(i: number, fields: Record<string, unknown>): string {
  return dispatchLine({
    attempt_id: `d${i}`,
    prompt_fingerprint: `fp${i}`,
    ts_dispatched: T0 + i * DAY,
    atomic_hook_outcome: 'deny',
    ...fields,
  });
}

describe('gate_friction', () => {
  it('3 denies with 2 sharing a rationalization: that rationalization is ranked first with frequency 2', () => {
    const { findings } = analyzeLines([
      deny(1, { rationalization_match: 'while you are at it', agent: 'coder' }),
      deny(2, { rationalization_match: 'while you are at it', agent: 'reviewer' }),
      deny(3, { rationalization_match: 'it is just a quick change', agent: 'coder' }),
    ]);
    const rationalizations = ofType(findings, 'friction').filter((f) => f.data.kind === 'rationalization');
    expect(rationalizations.map((f) => [f.data.value, f.frequency, f.data.rank])).toEqual([
      ['while you are at it', 2, 1],
      ['it is just a quick change', 1, 2],
    ]);
    const top = rationalizations[0];
    expect(top?.data.arms).toEqual({ coder: 1, reviewer: 1 });
    expect(top?.theme).toBe('gate_friction:rationalization');
    expect(top?.first_seen).toBe(new Date(T0 + DAY).toISOString());
    expect(top?.last_seen).toBe(new Date(T0 + 2 * DAY).toISOString());
    expect(top?.confidence).toBeCloseTo(2 / 3);
  });

  it('one finding per distinct block reason, most frequent first, counted once per denied dispatch', () => {
    const { findings } = analyzeLines([
      deny(1, { block_reasons: ['prompt names more than 3 files', 'prompt names more than 3 files'] }),
      deny(2, { block_reasons: ['prompt names more than 3 files', 'no closed-form acceptance command'] }),
      deny(3, { block_reasons: ['flux capacitor misaligned'] }),
      dispatchLine({ attempt_id: 'ok', block_reasons: [] }),
    ]);
    const reasons = ofType(findings, 'friction').filter((f) => f.data.kind === 'block_reason');
    expect(reasons.map((f) => [f.data.value, f.frequency, f.data.rank])).toEqual([
      ['prompt names more than 3 files', 2, 1],
      ['flux capacitor misaligned', 1, 2],
      ['no closed-form acceptance command', 1, 3],
    ]);
    expect(reasons[0]?.data.remediation).toMatch(/at most 3 files/);
    expect(reasons[2]?.data.remediation).toMatch(/acceptance command/);
    // Unknown reasons still get a finding with the generic hint.
    expect(reasons[1]?.data.remediation).toBe(remediationHint('block_reason', 'something nobody has seen'));
  });

  it('allowed dispatches cause no friction; ids are stable and distinct per kind and value', () => {
    const a = analyzeLines([deny(1, { block_reasons: ['x'], rationalization_match: 'x' })]).findings;
    const b = analyzeLines([deny(9, { block_reasons: ['x'], rationalization_match: 'x' })]).findings;
    expect(a.map((f) => f.id)).toEqual(b.map((f) => f.id));
    expect(new Set(a.filter((f) => f.type === 'friction').map((f) => f.id)).size).toBe(2);
    expect(analyzeLines([dispatchLine()]).findings.filter((f) => f.type === 'friction')).toEqual([]);
  });

  it('matches remediation hints on meaning, not exact wording', () => {
    expect(remediationHint('block_reason', 'too_many_files')).toMatch(/at most 3 files/);
    expect(remediationHint('block_reason', 'design verb without acceptance command')).toMatch(/design verb/);
    expect(remediationHint('block_reason', 'prompt token estimate over budget')).toMatch(/shrink the prompt/);
    expect(remediationHint('rationalization', 'while you are at it')).toMatch(/own task/);
    expect(remediationHint('rationalization', 'it is just a quick change')).toMatch(/calling it small/);
  });
});
