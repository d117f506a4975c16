/**
 * Times the analyzers that scan every task (efficiency-trend, latency, dispatch-health) on ~300k
 * synthetic tasks over 4 arms, given records and given columns; median of 5 runs. By hand:
 *   node --expose-gc --trace-gc --import tsx bench/analyzers.ts [tasks] [records|columns] | bench/gc-count.awk
 * (--trace-gc lines between the `run` markers count each run's collections: allocation pressure).
 */

import { efficiencyTrend } from '../src/analyzers/efficiency-trend.js';
import { latency } from '../src/analyzers/latency.js';
import type { GateDecisionRecord, TaskRecord } from '../src/records/records.js';
import { gateDecisionColumnsFrom, taskColumnsFrom } from '../src/records/task-columns.js';
import { dispatchHealth } from '../src/sources/dispatch-outcomes/analyzers/dispatch-health.js';
import { median } from '../src/stats/quantiles.js';
import { mulberry32 } from '../src/stats/random.js';

const TASKS = Number(process.argv[2] ?? 300_000);
const RUNS = 5;
const ARMS = ['coder', 'reviewer', 'planner', 'tester'];
const random = mulberry32(4242);
const tasks: TaskRecord[] = [];
const gateDecisions: GateDecisionRecord[] = [];
let at = Date.UTC(2025, 0, 1);
for (let n = 0; tasks.length < TASKS; n++) {
  at += 30_000 + Math.floor(random() * 120_000);
  const arm = ARMS[n % ARMS.length] as string;
  const taskKey = `fp_${n.toString(36)}_${Math.floor(random() * 0xffffff).toString(16)}`;
  const attempts = random() < 0.12 ? 2 : 1;
  for (let attemptNumber = 1; attemptNumber <= attempts; attemptNumber++) {
    const denied = random() < 0.08;
    gateDecisions.push({ arm, at, key: `att_${n.toString(36)}_${attemptNumber}`, denied });
    if (denied) continue;
    const input = Math.floor(3000 + random() * 8000 - n * 0.002);
    tasks.push({
      arm,
      taskKey,
      attemptNumber,
      completedAt: at + 60_000 + Math.floor(random() * 600_000),
      status: attemptNumber < attempts ? 'failed' : 'completed',
      inputTokens: random() < 0.02 ? null : input,
      cacheReadTokens: Math.floor(random() * input),
      cacheCreationTokens: Math.floor(random() * 500),
      acceptancePassed: random() < 0.1 ? null : random() < 0.9,
      msElapsed: random() < 0.05 ? null : Math.floor(20_000 + random() * 400_000),
      sessionId: null,
    });
  }
}
const columns = { tasks: taskColumnsFrom(tasks), gateDecisions: gateDecisionColumnsFrom(gateDecisions) };
const records = { tasks, gateDecisions };
const context = {
  source: 'dispatch-outcomes',
  inputs: ['bench.jsonl'],
  options: { alpha: 0.05, minSamples: 10, requireAcceptance: false },
};

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

const analyzers = [efficiencyTrend, latency, dispatchHealth] as const;
console.log(`${tasks.length} tasks, ${gateDecisions.length} gate decisions`);
for (const analyzer of analyzers) {
  for (const [label, dataset] of [
    ['records', records],
    ['columns', columns],
  ] as const) {
    if (process.argv[3] !== undefined && process.argv[3] !== label) continue;
    const times: number[] = [];
    const heap: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      gc();
      const before = process.memoryUsage().heapUsed;
      const started = performance.now();
      analyzer.analyze(dataset, context);
      times.push(performance.now() - started);
      heap.push((process.memoryUsage().heapUsed - before) / 2 ** 20);
    }
    console.log(
      `${analyzer.meta.id.padEnd(16)} ${label}: ${(median(times) as number).toFixed(0).padStart(5)} ms, ` +
        `heapUsed +${(median(heap) as number).toFixed(1)} MB right after (median of ${RUNS})`,
    );
  }
}
