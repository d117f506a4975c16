import { describe, expect, it } from 'vitest';
import { evaluateGate, verdictFails } from '../../src/core/gate.js';
import type { Finding } from '../../src/findings/schema.js';

type Trend = Pick<Finding, 'type' | 'scope' | 'verdict'>;
const trend = (arm: string | null, verdict: Finding['verdict']): Trend => ({
  type: 'efficiency_trend',
  scope: { arm },
  ...(verdict === undefined ? {} : { verdict }),
});

const run = (verdict: Finding['verdict'] | null, arms: [string, Finding['verdict']][]) => ({
  verdict: verdict ?? null,
  findings: [trend(null, verdict ?? undefined), ...arms.map(([arm, v]) => trend(arm, v))] as Finding[],
});

describe('the --fail-on gate', () => {
  it('a missing verdict counts as inconclusive', () => {
    expect(verdictFails(null, 'inconclusive')).toBe(true);
    expect(verdictFails(null, 'fail')).toBe(false);
    expect(verdictFails('inconclusive', 'inconclusive')).toBe(true);
    expect(verdictFails('pass', 'inconclusive')).toBe(false);
    expect(verdictFails('fail', 'never')).toBe(false);
  });

  it('a run that analysed nothing fails any gate but never, with that one reason', () => {
    const empty = { verdict: null, findings: [] };
    const nothing = 'no joined tasks (0 lines read, 0 skipped)';
    for (const failOn of ['fail', 'inconclusive'] as const) {
      const outcome = evaluateGate(empty, { failOn, gateArms: false }, nothing);
      expect(outcome.failed).toBe(true);
      expect(outcome.reasons).toEqual([`${nothing} (--fail-on ${failOn}): a gate never passes on nothing`]);
    }
    expect(evaluateGate(empty, { failOn: 'never', gateArms: false }, nothing).failed).toBe(false);
  });

  it('gates on the global verdict only, and says plainly when arms fail under a passing gate', () => {
    const report = run('pass', [
      ['a', 'fail'],
      ['b', 'pass'],
      ['c', 'fail'],
      ['d', 'inconclusive'],
    ]);
    const outcome = evaluateGate(report, { failOn: 'fail', gateArms: false }, null);
    expect(outcome.failed).toBe(false);
    expect(outcome.passedDespiteArms).toBe(
      'gate passed (global verdict pass); 2 of 4 arms fail: a, c - use --gate-arms to gate on them',
    );
    const stricter = evaluateGate(report, { failOn: 'inconclusive', gateArms: false }, null);
    expect(stricter.passedDespiteArms).toBe(
      'gate passed (global verdict pass); 3 of 4 arms fail --fail-on inconclusive: a (fail), c (fail), d (inconclusive) - use --gate-arms to gate on them',
    );
    expect(evaluateGate(report, { failOn: 'never', gateArms: false }, null).passedDespiteArms).toBeNull();
  });

  it('--gate-arms fails when any arm fails the rule, even under a passing global verdict', () => {
    const report = run('pass', [
      ['a', 'fail'],
      ['b', 'pass'],
    ]);
    const outcome = evaluateGate(report, { failOn: 'fail', gateArms: true }, null);
    expect(outcome.failed).toBe(true);
    expect(outcome.reasons).toEqual(['1 of 2 arms fail: a (--fail-on fail --gate-arms)']);
    expect(outcome.passedDespiteArms).toBeNull();
    const allPass = run('pass', [['b', 'pass']]);
    expect(evaluateGate(allPass, { failOn: 'inconclusive', gateArms: true }, null).failed).toBe(false);
    const both = evaluateGate(
      run('fail', [['a', 'inconclusive']]),
      { failOn: 'inconclusive', gateArms: true },
      null,
    );
    expect(both.reasons).toEqual([
      'global verdict fail (--fail-on inconclusive --gate-arms)',
      '1 of 1 arms fail --fail-on inconclusive: a (inconclusive) (--fail-on inconclusive --gate-arms)',
    ]);
  });

  it('names a missing global verdict', () => {
    const outcome = evaluateGate(
      { verdict: null, findings: [] },
      { failOn: 'inconclusive', gateArms: false },
      null,
    );
    expect(outcome.reasons).toEqual([
      'no global verdict (--fail-on inconclusive; a missing verdict counts as inconclusive)',
    ]);
  });
});
