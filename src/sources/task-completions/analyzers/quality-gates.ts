import { FRICTION } from '../../../analyzers/gate-friction.js';
import {
  increment,
  percent,
  sortedCounts,
  TimeRange,
  verificationCommand,
} from '../../../analyzers/shared.js';
import type { Analyzer, AnalyzerContext } from '../../../analyzers/types.js';
import { findingId } from '../../../findings/id.js';
import type { FindingDraft } from '../../../findings/schema.js';
import type { QualityGateFrictionData } from '../../../findings/task-completions-data.js';
import type { TaskCompletionEvent } from '../schema.js';

export const QUALITY_GATE = 'quality_gate' as const;

/** What to change so a gate stops failing agents' work; gates are the five the orchestrator runs. */
const HINTS: ReadonlyMap<string, string> = new Map([
  [
    'build',
    'make the agent build before it reports done and name the build command in the task prompt; a broken build usually means the task crossed module boundaries, so split it',
  ],
  [
    'lint',
    'run the linter with autofix inside the agent loop (e.g. `biome check --write`, `eslint --fix`, `ruff --fix`) and give the agent the project lint config',
  ],
  [
    'test',
    'put the test command for the touched code in the acceptance criteria and have the agent run it before finishing; add the failing cases to the prompt on retry',
  ],
  [
    'typecheck',
    'run the type checker (e.g. `tsc --noEmit`, `mypy`) inside the agent loop; type failures often mean a shared interface changed, so scope the task to one side of it',
  ],
  [
    'security',
    'give the agent the scanner rules up front (no secrets, pinned dependencies, no unsafe calls) and route tasks that touch auth, secrets or dependencies to review',
  ],
]);

const GENERIC_HINT =
  'read the gate output of the failing runs and add the same check to the agent loop so it fails before the gate does';

export function qualityGateHint(gate: string): string {
  return HINTS.get(gate) ?? GENERIC_HINT;
}

interface GateTally {
  readonly gate: string;
  runs: number;
  failures: number;
  readonly harnesses: Map<string, number>;
  readonly languages: Map<string, number>;
  readonly range: TimeRange;
}

function tallyGates(events: readonly TaskCompletionEvent[]): GateTally[] {
  const tallies = new Map<string, GateTally>();
  const tally = (gate: string): GateTally => {
    let found = tallies.get(gate);
    if (found === undefined) {
      found = {
        gate,
        runs: 0,
        failures: 0,
        harnesses: new Map(),
        languages: new Map(),
        range: new TimeRange(),
      };
      tallies.set(gate, found);
    }
    return found;
  };
  for (const event of events) {
    const failed = new Set(event.quality_gates_failed ?? []);
    // A gate that failed has run, whether or not the producer listed it under quality_gates_run.
    for (const gate of new Set([...(event.quality_gates_run ?? []), ...failed])) tally(gate).runs += 1;
    for (const gate of failed) {
      const found = tally(gate);
      found.failures += 1;
      increment(found.harnesses, event.harness);
      if (event.language != null) increment(found.languages, event.language);
      found.range.add(event.timestamp);
    }
  }
  return [...tallies.values()].filter((t) => t.failures > 0);
}

function byFailures(a: GateTally, b: GateTally): number {
  return b.failures - a.failures || (a.gate < b.gate ? -1 : a.gate > b.gate ? 1 : 0);
}

function top(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return entries.length === 0 ? 'none' : entries.map(([key, count]) => `${key} (${count})`).join(', ');
}

function toFinding(tally: GateTally, rank: number, context: AnalyzerContext): FindingDraft {
  const id = findingId(context.source, FRICTION, `${QUALITY_GATE}:${tally.gate}`);
  const remediation = qualityGateHint(tally.gate);
  const arms = sortedCounts(tally.harnesses);
  const languages = sortedCounts(tally.languages);
  const data: QualityGateFrictionData = {
    kind: QUALITY_GATE,
    value: tally.gate,
    rank,
    remediation,
    arms,
    languages,
    runs: tally.runs,
    failures: tally.failures,
    failure_rate: tally.failures / tally.runs,
  };
  return {
    id,
    type: FRICTION,
    source: context.source,
    description: `Quality gate "${tally.gate}" failed in ${tally.failures} of ${tally.runs} run(s) (${percent(tally.failures, tally.runs)}). Fix: ${remediation}.`,
    confidence: tally.failures / tally.runs,
    frequency: tally.failures,
    sessions: [],
    evidence: `harnesses: ${top(arms)}; languages: ${top(languages)}`,
    verification: verificationCommand(context.source, context.inputs, id),
    theme: `gate_friction:${QUALITY_GATE}`,
    project_slug: null,
    occurrences: tally.failures,
    first_seen: tally.range.first,
    last_seen: tally.range.last,
    scope: { arm: null },
    data,
  };
}

export const qualityGateFriction: Analyzer<{ readonly events: readonly TaskCompletionEvent[] }> = {
  meta: {
    id: 'quality_gate_friction',
    findingType: FRICTION,
    description:
      'Ranks the quality gates (build, lint, test, typecheck, security) by failures, per harness and language, with remediation hints',
    question: 'Which quality gates fail agent work most, where, and what fixes them?',
  },
  analyze(dataset, context) {
    return tallyGates(dataset.events)
      .sort(byFailures)
      .map((tally, index) => toFinding(tally, index + 1, context));
  },
};
