import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate.js';
import { efficiencyTrend } from '../../src/analyzers/efficiency-trend.js';
import { latency } from '../../src/analyzers/latency.js';
import { rollingFindings } from '../../src/analyzers/rolling-findings.js';
import type { AnalyzerContext } from '../../src/analyzers/types.js';
import type { FindingDraft } from '../../src/findings/schema.js';
import { hashKey } from '../../src/records/key-hash.js';
import type { GateDecisionRecord, TaskRecord } from '../../src/records/records.js';
import { gateDecisionColumnsFrom, taskColumnsFrom } from '../../src/records/task-columns.js';
import {
  DISPATCH_METRICS,
  dispatchHealth,
} from '../../src/sources/dispatch-outcomes/analyzers/dispatch-health.js';
import { mulberry32 } from '../../src/stats/random.js';
import type { RollingItem } from '../../src/stats/rolling.js';
import {
  gateDecisionRecordsOf,
  gateDecisionsOf,
  scrambledGateDecisionColumns,
  scrambledTaskColumns,
  taskRecordsArbitrary,
  taskRecordsOf,
} from '../helpers/columns.js';
import { runSource } from '../helpers/records.js';

const options = (requireAcceptance: boolean) => ({ alpha: 0.05, minSamples: 10, requireAcceptance });
const context = (requireAcceptance = false, windows = new Map<string, number>()): AnalyzerContext => ({
  source: 'dispatch-outcomes',
  inputs: ['test.jsonl'],
  options: { ...options(requireAcceptance), health: { windows, thresholds: new Map() } },
});

/** The three analyzers on records and on columns (plain and with scrambled dictionaries). */
function findingsEachWay(
  tasks: readonly TaskRecord[],
  gateDecisions: readonly GateDecisionRecord[],
  ctx: AnalyzerContext,
): { records: FindingDraft[]; columns: FindingDraft[]; scrambled: FindingDraft[] } {
  const run = (dataset: Parameters<typeof dispatchHealth.analyze>[0]) => [
    ...efficiencyTrend.analyze(dataset, ctx),
    ...latency.analyze(dataset, ctx),
    ...dispatchHealth.analyze(dataset, ctx),
  ];
  return {
    records: run({ tasks, gateDecisions }),
    columns: run({ tasks: taskColumnsFrom(tasks), gateDecisions: gateDecisionColumnsFrom(gateDecisions) }),
    scrambled: run({
      tasks: scrambledTaskColumns(tasks),
      gateDecisions: scrambledGateDecisionColumns(gateDecisions),
    }),
  };
}

/** The joined records of a log: the source's columns read back as records (keys are hashes). */
function recordsOf(lines: readonly string[]): { tasks: TaskRecord[]; gateDecisions: GateDecisionRecord[] } {
  const { tasks, gateDecisions } = runSource(lines).dataset;
  return { tasks: taskRecordsOf(tasks), gateDecisions: gateDecisionRecordsOf(gateDecisions) };
}

function generatedDataset(
  seed: number,
  targetBytes: number,
): { tasks: TaskRecord[]; gateDecisions: GateDecisionRecord[] } {
  const chunks: string[] = [];
  generateLog({ seed, targetBytes, write: (chunk) => chunks.push(chunk) });
  return recordsOf(chunks.join('').split('\n').filter(Boolean));
}

const hex = (n: number) => n.toString(16).padStart(8, '0');
/** A string key whose text order is the (hash, attempt) order the columns break ties by. */
const hashedKey = (text: string, attempt?: number) =>
  hashKey(text).map(hex).join('') + (attempt === undefined ? '' : hex(attempt));

/** dispatch-health the object way (RollingItem per task, first successes in a Map of strings). */
function objectDispatchHealth(
  tasks: readonly TaskRecord[],
  decisions: readonly GateDecisionRecord[],
  ctx: AnalyzerContext,
): FindingDraft[] {
  const item = (t: TaskRecord, value: number): RollingItem => ({
    at: t.completedAt,
    key: hashedKey(t.taskKey, t.attemptNumber),
    scope: t.arm,
    value,
  });
  const completed = (t: TaskRecord) => (t.status === 'completed' ? 1 : 0);
  const first = new Map<string, TaskRecord>();
  for (const t of tasks) {
    const known = first.get(t.taskKey);
    if (completed(t) && (known === undefined || t.attemptNumber < known.attemptNumber))
      first.set(t.taskKey, t);
  }
  const m = DISPATCH_METRICS;
  return [
    ...rollingFindings(
      tasks.filter((t) => t.attemptNumber === 1).map((t) => item(t, completed(t))),
      m.firstPass,
      'arm',
      ctx,
    ),
    ...rollingFindings(
      decisions.map((d) => ({ at: d.at, key: hashedKey(d.key), scope: d.arm, value: d.denied ? 1 : 0 })),
      m.denyRate,
      'arm',
      ctx,
    ),
    ...rollingFindings(
      tasks.filter((t) => t.acceptancePassed !== null).map((t) => item(t, t.acceptancePassed ? 1 : 0)),
      m.acceptance,
      'arm',
      ctx,
    ),
    ...rollingFindings(
      [...first.values()].map((t) => item(t, t.attemptNumber)),
      m.attempts,
      'arm',
      ctx,
    ),
    ...rollingFindings(
      tasks.map((t) => item(t, completed(t))),
      m.completion,
      'arm',
      ctx,
    ),
  ];
}

describe('analyzers on columns give the findings they give on records', () => {
  it('on the repository fixture', () => {
    const lines = readFileSync('fixtures/outcomes.jsonl', 'utf8').split('\n').filter(Boolean);
    const { tasks, gateDecisions } = recordsOf(lines);
    expect(tasks.length).toBeGreaterThan(0);
    for (const requireAcceptance of [false, true]) {
      const { records, columns, scrambled } = findingsEachWay(
        tasks,
        gateDecisions,
        context(requireAcceptance),
      );
      expect(records.length).toBeGreaterThan(0);
      expect(columns).toEqual(records);
      expect(scrambled).toEqual(records);
    }
  });

  it('on a generated log (seeded), including threshold crossings', () => {
    const { tasks, gateDecisions } = generatedDataset(20261123, 2_000_000);
    expect(tasks.length).toBeGreaterThan(2000);
    const ctx = context(false, new Map([['first_pass_success_rate', 10]]));
    const { records, columns, scrambled } = findingsEachWay(tasks, gateDecisions, ctx);
    expect(records.some((f) => f.type === 'threshold_crossed')).toBe(true);
    expect(columns).toEqual(records);
    expect(scrambled).toEqual(records);
    expect(dispatchHealth.analyze({ tasks, gateDecisions }, ctx)).toEqual(
      objectDispatchHealth(tasks, gateDecisions, ctx),
    );
  });

  it('on random tasks full of ties (fast-check, fixed seed), in any input order', () => {
    const windows = new Map(Object.values(DISPATCH_METRICS).map((m) => [m.metric, 7]));
    fc.assert(
      fc.property(taskRecordsArbitrary, fc.boolean(), fc.integer(), (tasks, requireAcceptance, seed) => {
        const decisions = gateDecisionsOf(tasks);
        const ctx = context(requireAcceptance, windows);
        const { records, columns, scrambled } = findingsEachWay(tasks, decisions, ctx);
        expect(columns).toEqual(records);
        expect(scrambled).toEqual(records);
        // The object engine with the same (hash, attempt) tie-break: one engine, two entry points.
        expect(dispatchHealth.analyze({ tasks, gateDecisions: decisions }, ctx)).toEqual(
          objectDispatchHealth(tasks, decisions, ctx),
        );
        const random = mulberry32(seed);
        const shuffle = <T>(xs: readonly T[]) =>
          xs
            .map((x) => ({ x, r: random() }))
            .sort((a, b) => a.r - b.r)
            .map(({ x }) => x);
        const shuffled = findingsEachWay(shuffle(tasks), shuffle(decisions), ctx);
        expect(shuffled.columns).toEqual(columns);
      }),
      { seed: 1123, numRuns: 150 },
    );
  });
});
