import { describe, expect, it } from 'vitest';
import { ROLLING_RATE, THRESHOLD_CROSSED } from '../../src/analyzers/rolling-findings.js';
import type { HealthSettings } from '../../src/analyzers/types.js';
import { analyze } from '../../src/core/discover.js';
import { RollingRateData, ThresholdCrossedData } from '../../src/findings/data.js';
import type { FindingDraft } from '../../src/findings/schema.js';
import { SESSION_SUCCESS_RATE } from '../../src/sources/workrail/analyzers.js';
import { workrail } from '../../src/sources/workrail/index.js';
import { expandWorkrailInputs } from '../../src/sources/workrail/layout.js';
import { tempDir } from '../helpers/cli.js';
import { DEFAULT_OPTIONS } from '../helpers/records.js';
import { SessionBuilder, T0, writeSession } from '../helpers/workrail.js';

const HOUR = 3_600_000;
const METRIC = SESSION_SUCCESS_RATE.metric;

interface Planned {
  readonly id: string;
  readonly workflow: string | null;
  readonly outcome: string;
  /** Start time; null writes an old log without timestamps. */
  readonly start: number | null;
  readonly completed?: boolean;
}

/** Writes a data directory; returns the session folders in the order planned. */
function writeTree(planned: readonly Planned[]): string[] {
  const root = tempDir('afterburn-workrail-rate-');
  return planned.map((p) => {
    const builder = new SessionBuilder(p.id, { start: p.start });
    if (p.workflow !== null) builder.runStarted(p.workflow);
    builder.steps(1).context({ metrics_outcome: p.outcome });
    if (p.completed !== false) builder.completed();
    return writeSession(root, builder);
  });
}

/** session_created, run_started, a step, context_set, run_completed: a minute apart. */
const COMPLETION_DELAY = 4 * 60_000;

async function findingsOf(folders: readonly string[], health?: HealthSettings): Promise<FindingDraft[]> {
  const inputs = await expandWorkrailInputs(folders, '/');
  const { drafts } = await analyze({
    source: workrail,
    inputs,
    inputNames: folders,
    analysis: { ...DEFAULT_OPTIONS, ...(health ? { health } : {}) },
    maxLineBytes: 1 << 20,
    diagnostics: { skipped: () => {} },
  });
  return drafts.filter((f) => f.type === ROLLING_RATE || f.type === THRESHOLD_CROSSED);
}

const workflowOf = (f: FindingDraft) => (f.scope as { workflow?: string }).workflow ?? null;

function rate(findings: readonly FindingDraft[], workflow: string | null = null) {
  const found = findings.filter((f) => f.type === ROLLING_RATE && workflowOf(f) === workflow);
  expect(found).toHaveLength(1);
  return { finding: found[0] as FindingDraft, data: RollingRateData.parse(found[0]?.data) };
}

function crossings(findings: readonly FindingDraft[], workflow: string | null = null) {
  return findings
    .filter((f) => f.type === THRESHOLD_CROSSED && workflowOf(f) === workflow)
    .map((f) => ThresholdCrossedData.parse(f.data))
    .map(({ direction, index, at, value }) => ({ direction, index, at, value }));
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * 46 sessions of one workflow an hour apart: 17 of the first 20 succeed (the failures are #3, #6
 * and #9), the next 10 fail, the last 16 succeed. Ids are a permutation of the time order, so
 * the window cannot be following the id order by accident.
 */
const OUTCOMES = [
  ...Array.from({ length: 20 }, (_, i) => ([2, 5, 8].includes(i) ? 'error' : 'success')),
  ...Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 'partial' : 'abandoned')),
  ...Array.from({ length: 16 }, () => 'success'),
];
const SEQUENCE: Planned[] = OUTCOMES.map((outcome, i) => ({
  id: `s-${String((i * 7) % OUTCOMES.length).padStart(2, '0')}`,
  workflow: 'wf.a',
  outcome,
  start: T0 + i * HOUR,
}));
const endOf = (i: number) => T0 + i * HOUR + COMPLETION_DELAY;

/** Successes among the last 20 after each session from #20 on, counted by hand from OUTCOMES. */
const SUCCESSES_IN_WINDOW = [
  // #20–#30: the ten failures push successes out.
  ...[17, 16, 15, 15, 14, 13, 13, 12, 11, 11, 10],
  // #31–#40: successes replace successes.
  ...[10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
  // #41–#46: successes replace the failures.
  ...[11, 12, 13, 14, 15, 16],
];

describe('workrail: rolling session success rate', () => {
  const folders = writeTree(SEQUENCE);

  it('is undefined until 20 sessions completed, then the share of success in the last 20, after every session', async () => {
    const expected = [...Array.from({ length: 19 }, () => null), ...SUCCESSES_IN_WINDOW.map((k) => k / 20)];
    expect(expected).toHaveLength(SEQUENCE.length);
    const seen: (number | null)[] = [];
    for (let k = 1; k <= folders.length; k++) {
      const { data } = rate(await findingsOf(folders.slice(0, k)));
      expect(data).toMatchObject({
        metric: METRIC,
        window: 20,
        n: Math.min(k, 20),
        items: k,
        fallback: false,
      });
      seen.push(data.value);
    }
    expect(seen).toEqual(expected);
  });

  it('crosses up at 0.8 and down at 0.6 at exact sessions, globally and for the workflow', async () => {
    const findings = await findingsOf(folders);
    // #20: 17/20 = 0.85 ≥ 0.8; #27: 12/20 = 0.6 ≤ 0.6; #46: 16/20 = 0.8 (0.75 never crosses back).
    const expected = [
      { direction: 'up', index: 19, at: iso(endOf(19)), value: 0.85 },
      { direction: 'down', index: 26, at: iso(endOf(26)), value: 0.6 },
      { direction: 'up', index: 45, at: iso(endOf(45)), value: 0.8 },
    ];
    expect(crossings(findings)).toEqual(expected);
    expect(crossings(findings, 'wf.a')).toEqual(expected);
    const { data, finding } = rate(findings);
    expect(data).toMatchObject({ value: 0.8, state: 'above', up: 0.8, down: 0.6 });
    expect(finding.evidence).toBe(`${METRIC} = 0.8 (n=20/20)`);
    expect(finding.last_seen).toBe(iso(endOf(45)));
  });

  it('takes the window and thresholds from the health settings', async () => {
    const health: HealthSettings = {
      windows: new Map([[METRIC, 10]]),
      thresholds: new Map([[METRIC, { up: 0.9, down: 0.5 }]]),
    };
    const findings = await findingsOf(folders, health);
    // Last 10: #10–#12 7/10, #16 9/10 (only #9 failed) up; #25 5/10 down; #39 9/10 (#30–#39) up.
    expect(crossings(findings).map(({ direction, index, value }) => ({ direction, index, value }))).toEqual([
      { direction: 'up', index: 15, value: 0.9 },
      { direction: 'down', index: 24, value: 0.5 },
      { direction: 'up', index: 38, value: 0.9 },
    ]);
    expect(rate(findings).data).toMatchObject({ window: 10, n: 10, value: 1, up: 0.9, down: 0.5 });
  });
});

describe('workrail: success rate per workflow', () => {
  it('uses the global window until a workflow has its own, and leaves out sessions without a time', async () => {
    // Time order: a1 a2 b1 a3 b2 a4 b3 b4 (an hour apart), b5 still running; plus two old logs.
    const order: [string, string, string][] = [
      ['a1', 'wf.a', 'success'],
      ['a2', 'wf.a', 'success'],
      ['b1', 'wf.b', 'error'],
      ['a3', 'wf.a', 'success'],
      ['b2', 'wf.b', 'success'],
      ['a4', 'wf.a', 'partial'],
      ['b3', 'wf.b', 'success'],
      ['b4', 'wf.b', 'success'],
    ];
    const folders = writeTree([
      ...order.map(([id, workflow, outcome], i) => ({ id, workflow, outcome, start: T0 + i * HOUR })),
      { id: 'b5', workflow: 'wf.b', outcome: 'error', start: T0 + 9 * HOUR, completed: false },
      { id: 'old-1', workflow: 'wf.b', outcome: 'error', start: null },
      { id: 'old-2', workflow: null, outcome: 'success', start: null },
    ]);
    const health: HealthSettings = {
      windows: new Map([[METRIC, 3]]),
      thresholds: new Map([[METRIC, { up: 0.75, down: 0.5 }]]),
    };
    const findings = await findingsOf(folders, health);
    // Global last 3: #3 2/3, #4 2/3, #5 2/3, #6 2/3, #7 2/3, #8 2/3: between the levels all along.
    expect(rate(findings).data).toMatchObject({ n: 3, value: 2 / 3, state: 'unknown', items: 8 });
    expect(rate(findings).finding.evidence).toBe(
      `${METRIC} = 0.6667 (n=3/3); 2 sessions left out (no timestamp: logs of older WorkRail versions)`,
    );
    expect(crossings(findings)).toEqual([]);
    // wf.a: a1, a2 fall back to the global window (undefined), a3 has its own: 3/3 up; a4 2/3.
    expect(rate(findings, 'wf.a').data).toMatchObject({
      n: 3,
      value: 2 / 3,
      state: 'above',
      fallback: false,
    });
    expect(crossings(findings, 'wf.a')).toEqual([
      { direction: 'up', index: 2, at: iso(T0 + 3 * HOUR + COMPLETION_DELAY), value: 1 },
    ]);
    // wf.b: b1 and b2 take the global 2/3 (fallback), b3 its own E S S = 2/3, b4 S S S = 1: up.
    expect(rate(findings, 'wf.b').data).toMatchObject({ n: 3, value: 1, state: 'above', items: 4 });
    expect(rate(findings, 'wf.b').finding.evidence).toContain('; 1 sessions left out (no timestamp');
    expect(crossings(findings, 'wf.b')).toEqual([
      { direction: 'up', index: 3, at: iso(T0 + 7 * HOUR + COMPLETION_DELAY), value: 1 },
    ]);
  });

  it('reports a workflow with fewer sessions than the window on the global value', async () => {
    const folders = writeTree([
      ...SEQUENCE.slice(0, 20),
      { id: 'z-1', workflow: 'wf.z', outcome: 'error', start: T0 + 30 * HOUR },
    ]);
    const { data, finding } = rate(await findingsOf(folders), 'wf.z');
    // The global last 20 after z-1: sessions #2–#20 (16 successes) and z-1.
    expect(data).toMatchObject({ n: 20, value: 16 / 20, fallback: true, items: 1 });
    expect(finding.evidence).toBe(`${METRIC} = 0.8 (n=20/20) (global window: only 1 sessions here)`);
  });

  it('gives an undefined overall rate when every completed session lacks a time, and nothing without sessions', async () => {
    const folders = writeTree([
      { id: 'old-1', workflow: 'wf.a', outcome: 'success', start: null },
      { id: 'old-2', workflow: 'wf.a', outcome: 'error', start: null },
      { id: 'running', workflow: 'wf.a', outcome: 'success', start: T0, completed: false },
    ]);
    const findings = await findingsOf(folders);
    expect(findings).toHaveLength(1);
    const { data, finding } = rate(findings);
    expect(data).toMatchObject({ n: 0, value: null, items: 0 });
    expect(finding.evidence).toContain('session_success_rate = – (n=0/20); 2 sessions left out');
    expect(finding.evidence).not.toContain('undefined');
    const onlyRunning = writeTree([
      { id: 'running', workflow: 'wf.a', outcome: 'success', start: T0, completed: false },
    ]);
    expect(await findingsOf(onlyRunning)).toEqual([]);
  });
});
