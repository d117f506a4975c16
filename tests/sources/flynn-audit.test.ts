import { describe, expect, it } from 'vitest';
import { flynnAuditAdapter } from '../../src/sources/flynn-audit/index.js';

const T0 = Date.UTC(2026, 0, 1);
const context = {
  source: 'flynn-audit',
  inputs: ['audit.log'],
  options: { alpha: 0.05, minSamples: 10, requireAcceptance: false },
};
const line = (i: number, event_type: string, event: Record<string, unknown>) =>
  JSON.stringify({ timestamp: T0 + i * 1000, level: 'info', event_type, event });

function run(lines: string[]) {
  const skipped: string[] = [];
  const session = flynnAuditAdapter.open({ skipped: (_location, reason) => skipped.push(reason) });
  lines.forEach((text, i) => {
    session.acceptLine(text, { input: 'audit.log', line: i + 1 });
  });
  const { counts, dataset } = session.finish();
  const findings = flynnAuditAdapter.analyzers.flatMap((a) => a.analyze(dataset, context));
  return { counts, findings, skipped };
}

describe('flynn-audit', () => {
  // 120 finished runs on two channels: every 10th an error, every 20th (offset 5) cancelled.
  const states = Array.from({ length: 120 }, (_, i) =>
    i % 10 === 0 ? 'error' : i % 20 === 5 ? 'cancelled' : 'complete',
  );
  const lines = [
    ...states.map((state, i) =>
      line(i, 'run.state', {
        channel: i % 2 ? 'slack' : 'web',
        session_id: `s${i}`,
        [i % 3 ? 'state' : 'status']: state,
      }),
    ),
    ...Array.from({ length: 20 }, (_, i) =>
      line(200 + i, 'run.cancel', { channel: 'slack', latency_ms: (i + 1) * 50, acknowledged: true }),
    ),
    ...Array.from({ length: 30 }, (_, i) =>
      i < 18
        ? line(300 + i, 'reaction.match', { rule_name: 'r', channel: 'slack' })
        : line(300 + i, 'reaction.skip', {
            [i % 2 ? 'reason' : 'category']: i < 26 ? 'no_match' : 'no_rules',
            candidate_count: 0,
          }),
    ),
    line(400, 'run.state', { state: 'start' }),
    line(401, 'heartbeat', {}),
    line(402, 'run.state', { state: 'exploded' }),
    '{"timestamp":"yesterday","event_type":"run.state","event":{}}',
    '',
  ];

  it('counts every line: lines = blank + skipped + events + ignored', () => {
    const { counts, skipped } = run(lines);
    expect(counts).toMatchObject({ lines: 175, blank: 1, skipped: 2, events: 171, ignored: 1 });
    expect(counts.lines).toBe(
      counts.blank + counts.skipped + (counts.events as number) + (counts.ignored as number),
    );
    expect(skipped).toHaveLength(2);
  });

  it('run completion, error and cancel rates over the last 100 finished runs, by channel', () => {
    const { findings } = run(lines);
    const value = (metric: string, channel: string | null) =>
      findings.find(
        (f) => f.type === 'rolling_rate' && f.data.metric === metric && (f.scope.channel ?? null) === channel,
      )?.data;
    const last100 = states.slice(-100);
    const shareOf = (s: string) => last100.filter((x) => x === s).length / 100;
    expect(value('run_completion_rate', null)).toMatchObject({ n: 100, value: shareOf('complete') });
    expect(value('run_error_rate', null)).toMatchObject({ value: shareOf('error') });
    expect(value('run_cancel_rate', null)).toMatchObject({ value: shareOf('cancelled') });
    // Each channel has 60 runs < 100: the global window stands in.
    expect(value('run_completion_rate', 'slack')).toMatchObject({ fallback: true, items: 60 });
    expect(value('reaction_match_rate', null)).toMatchObject({ n: 30, value: null });
  });

  it('cancel latency percentiles and the top skip reasons', () => {
    const { findings } = run(lines);
    const latency = findings.find((f) => f.type === 'latency' && f.scope.channel === 'slack')?.data;
    // 50..1000 ms in steps of 50: type 7 p50 = 525, p95 = 952.5.
    expect(latency).toMatchObject({ metric: 'cancel_latency_ms', n: 20, p50: 525, p95: 952.5 });
    const reasons = findings
      .filter((f) => f.type === 'friction')
      .map((f) => [f.data.value, f.frequency, f.data.rank]);
    expect(reasons).toEqual([
      ['no_match', 8, 1],
      ['no_rules', 4, 2],
    ]);
  });
});
