import { describe, expect, it } from 'vitest';
import { LatencyData, RollingRateData } from '../../../../src/findings/data.js';
import type { FindingDraft } from '../../../../src/findings/schema.js';
import { mulberry32 } from '../../../../src/stats/random.js';
import { gateDecisionRecordsOf } from '../../../helpers/columns.js';
import { analyzeLines, dispatchLine, finalizeLine, T0 } from '../../../helpers/records.js';

const MIN = 60_000;
const rate = (findings: FindingDraft[], metric: string, arm: string | null) =>
  findings.find((f) => f.type === 'rolling_rate' && f.data.metric === metric && f.scope.arm === arm)?.data as
    | RollingRateData
    | undefined;

/** A task: `outcomes` per attempt in order ('completed', 'failed', 'deny'); one minute apart. */
function task(i: number, outcomes: string[], agent = 'coder', extra: Record<string, unknown> = {}): string[] {
  return outcomes.flatMap((outcome, k) => {
    const at = T0 + (i * 10 + k) * MIN;
    const id = `t${i}-a${k}`;
    const dispatch = dispatchLine({
      ts_dispatched: at,
      agent,
      attempt_id: id,
      prompt_fingerprint: `fp${i}`,
      atomic_hook_outcome: outcome === 'deny' ? 'deny' : 'allow',
    });
    if (outcome === 'deny') return [dispatch];
    return [
      dispatch,
      finalizeLine({
        ts_completed: at + 30_000,
        agent,
        attempt_id: id,
        prompt_fingerprint: `fp${i}`,
        status: outcome,
        ...extra,
      }),
    ];
  });
}

describe('dispatch-outcomes health', () => {
  it('first-pass success, deny rate, acceptance, attempts to success and completion on a seeded history', () => {
    const random = mulberry32(42);
    const histories: string[][] = [];
    for (let i = 0; i < 120; i++) {
      const r = random();
      histories.push(
        r < 0.6
          ? ['completed']
          : r < 0.75
            ? ['deny', 'completed']
            : r < 0.9
              ? ['failed', 'completed']
              : ['failed', 'failed', 'completed'],
      );
    }
    const lines = histories.flatMap((outcomes, i) => task(i, outcomes, i % 3 === 0 ? 'planner' : 'coder'));
    const { findings } = analyzeLines(lines);
    // Expected values by the definitions, from the histories themselves (tasks are in time order).
    const firstAllowedCompleted = histories.map((h) => (h.find((o) => o !== 'deny') === 'completed' ? 1 : 0));
    const last = <T>(xs: T[], n: number) => xs.slice(-n);
    const share = (xs: number[]) => xs.filter((x) => x === 1).length / xs.length;
    expect(rate(findings, 'first_pass_success_rate', null)).toMatchObject({
      n: 50,
      value: share(last(firstAllowedCompleted, 50)),
      window: 50,
    });
    const decisions = histories.flatMap((h) => h.map((o) => (o === 'deny' ? 1 : 0)));
    expect(rate(findings, 'deny_rate', null)).toMatchObject({ n: 100, value: share(last(decisions, 100)) });
    const attempts = histories.map((h) => h.filter((o) => o !== 'deny').length);
    const sorted = last(attempts, 100).sort((a, b) => a - b);
    const h = 99 * 0.95;
    const p95 =
      (sorted[Math.floor(h)] as number) +
      (h - Math.floor(h)) * ((sorted[Math.ceil(h)] as number) - (sorted[Math.floor(h)] as number));
    expect(rate(findings, 'p95_attempts_to_success', null)?.value).toBeCloseTo(p95, 12);
    const completions = histories.flatMap((h) =>
      h.filter((o) => o !== 'deny').map((o) => (o === 'completed' ? 1 : 0)),
    );
    expect(rate(findings, 'completion_rate', null)).toMatchObject({
      n: 100,
      value: share(last(completions, 100)),
    });
    // Every finalize says acceptance_passed: true (the builder's default).
    expect(rate(findings, 'acceptance_pass_rate', null)).toMatchObject({ n: 100, value: 1 });
    // planner has 40 tasks < 50: its first-pass rate is the global window's.
    expect(rate(findings, 'first_pass_success_rate', 'planner')).toMatchObject({ fallback: true, items: 40 });
    expect(rate(findings, 'first_pass_success_rate', 'coder')).toMatchObject({
      fallback: false,
      items: 80,
      value: share(
        last(
          firstAllowedCompleted.filter((_, i) => i % 3 !== 0),
          50,
        ),
      ),
    });
    for (const f of findings.filter((x) => x.type === 'rolling_rate'))
      expect(RollingRateData.safeParse(f.data).success).toBe(true);
  });

  it('ms_elapsed p50/p95/p99 per arm (the shared latency analyzer: a percentile p needs n ≥ 1/(1−p))', () => {
    const lines = [
      ...Array.from({ length: 20 }, (_, i) =>
        task(i, ['completed'], 'coder', { ms_elapsed: (i + 1) * 1000 }),
      ).flat(),
      ...Array.from({ length: 3 }, (_, i) =>
        task(100 + i, ['completed'], 'planner', { ms_elapsed: 5000 }),
      ).flat(),
    ];
    const { findings } = analyzeLines(lines);
    const latency = (arm: string | null) =>
      findings.find((f) => f.type === 'latency' && f.scope.arm === arm)?.data;
    // coder: 1000..20000 ms; type 7: p50 = 10500, p95 = 19050; p99 needs 100 values.
    expect(latency('coder')).toEqual({ metric: 'ms_elapsed', n: 20, p50: 10_500, p95: 19_050, p99: null });
    expect(latency('planner')).toEqual({ metric: 'ms_elapsed', n: 3, p50: 5000, p95: null, p99: null });
    expect(latency(null)).toMatchObject({ n: 23 });
    for (const f of findings.filter((x) => x.type === 'latency'))
      expect(LatencyData.safeParse(f.data).success).toBe(true);
  });

  it('keeps the contract counts unchanged', () => {
    const { result } = analyzeLines(task(0, ['deny', 'failed', 'completed']));
    expect(result.counts).toMatchObject({
      dispatch: 3,
      finalize: 2,
      joined: 2,
      denied: 1,
      unmatched_dispatch: 1,
    });
    expect(gateDecisionRecordsOf(result.dataset.gateDecisions).map((d) => d.denied)).toEqual([
      true,
      false,
      false,
    ]);
  });
});
