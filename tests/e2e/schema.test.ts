import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINDING_TYPES } from '../../src/findings/schema.js';
import { DAY as CLAUDE_DAY, T0 as CLAUDE_T0, MINUTE, writeTree } from '../helpers/claude-code.js';
import { FIXTURE, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { T0 } from '../helpers/records.js';
import { generateEvents, toLines } from '../helpers/task-completions.js';
import { SessionBuilder, DAY as WORKRAIL_DAY, T0 as WORKRAIL_T0, writeSession } from '../helpers/workrail.js';

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext resolution.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface Schemas {
  run_report: object;
  finding: object;
  finding_data: Record<string, object>;
}

interface PrintedFinding {
  id: string;
  type: string;
  data: unknown;
}

/** Every source, with a log that makes it write as many of its finding types as it has. */
interface SourceRun {
  source: string;
  args: (cwd: string) => string[];
}

const HOUR = 3_600_000;

function flynnAuditLog(cwd: string): string {
  const line = (i: number, event_type: string, event: Record<string, unknown>) =>
    JSON.stringify({ timestamp: T0 + i * 1000, level: 'info', event_type, event });
  const lines = [
    ...Array.from({ length: 120 }, (_, i) =>
      line(i, 'run.state', {
        channel: i % 2 ? 'slack' : 'web',
        session_id: `s${i}`,
        state: i % 10 === 0 ? 'error' : i < 60 ? 'complete' : i % 3 ? 'cancelled' : 'complete',
      }),
    ),
    ...Array.from({ length: 20 }, (_, i) =>
      line(200 + i, 'run.cancel', { channel: 'slack', latency_ms: (i + 1) * 50, acknowledged: true }),
    ),
    ...Array.from({ length: 30 }, (_, i) =>
      i < 18
        ? line(300 + i, 'reaction.match', { rule_name: 'r', channel: 'slack' })
        : line(300 + i, 'reaction.skip', { reason: i < 26 ? 'no_match' : 'no_rules', candidate_count: 0 }),
    ),
  ];
  writeFileSync(path.join(cwd, 'audit.log'), `${lines.join('\n')}\n`);
  return 'audit.log';
}

function mergeQueueLog(cwd: string): string {
  const lines = Array.from({ length: 120 }, (_, i) =>
    JSON.stringify({
      work_item_id: `w${i}`,
      project: i % 2 ? 'alpha' : 'beta',
      story_id: `s${i}`,
      // First-pass merges fall after item 60: the rate crosses its lower threshold.
      attempts: i < 60 || i % 4 === 0 ? 1 : 3,
      last_verdict: 'approved',
      merged_at: new Date(T0 + i * HOUR).toISOString(),
    }),
  );
  writeFileSync(path.join(cwd, 'q.jsonl'), `${lines.join('\n')}\n`);
  return 'q.jsonl';
}

function workrailDir(cwd: string): string {
  const root = path.join(cwd, 'workrail');
  for (let i = 0; i < 24; i++) {
    const session = new SessionBuilder(`feat-${i}`, { start: WORKRAIL_T0 + i * WORKRAIL_DAY })
      .runStarted(i % 3 ? 'wf.feature' : 'wf.review')
      .steps(2)
      .usage({ inputTokens: 9000 - i * 300, outputTokens: 800 })
      .gitMetrics({ filesChanged: 1 + (i % 4), linesAdded: 10 * (i + 1), linesRemoved: 5 })
      .context({ metrics_outcome: i < 12 || i % 2 ? 'success' : 'partial' })
      .completed({ durationMs: (i + 1) * 60_000 });
    writeSession(root, session);
  }
  return root;
}

function claudeCodeTree(cwd: string): string {
  const root = path.join(cwd, 'projects');
  mkdirSync(root, { recursive: true });
  writeTree(root, [
    {
      project: '-home-dev-app',
      sessionId: 'sess-1',
      calls: [
        ...Array.from({ length: 12 }, (_, i) => ({
          toolUseId: `toolu_${i}`,
          agentId: `a${i}`,
          subagentType: 'Explore',
          prompt: `task ${i}`,
          at: CLAUDE_T0 + i * CLAUDE_DAY,
          durationMs: (i + 1) * MINUTE,
          resultUsage: { input: 9000 - i * 400 },
        })),
        {
          toolUseId: 'toolu_err',
          agentId: 'aerr',
          subagentType: 'reviewr',
          prompt: 'review',
          at: CLAUDE_T0,
          durationMs: MINUTE,
          outcome: 'string_error' as const,
          errorText: "Agent type 'reviewr' not found.",
        },
      ],
    },
  ]);
  return root;
}

const SOURCES: SourceRun[] = [
  { source: 'dispatch-outcomes', args: () => ['--path', FIXTURE] },
  {
    source: 'task-completions',
    args: (cwd) => {
      writeFileSync(path.join(cwd, 'events.jsonl'), `${toLines(generateEvents(9, 120)).join('\n')}\n`);
      return ['--path', 'events.jsonl'];
    },
  },
  { source: 'workrail', args: (cwd) => ['--path', workrailDir(cwd)] },
  { source: 'claude-code', args: (cwd) => ['--path', claudeCodeTree(cwd)] },
  { source: 'flynn-audit', args: (cwd) => ['--path', flynnAuditLog(cwd)] },
  { source: 'merge-queue', args: (cwd) => ['--path', mergeQueueLog(cwd)] },
];

/** The committed sample of each source (fixtures/, made by scripts/make-fixture*.{mjs,ts}). */
const SAMPLES: Record<string, string> = {
  'dispatch-outcomes': 'outcomes.jsonl',
  'task-completions': 'task-completions.jsonl',
  workrail: 'workrail',
  'claude-code': 'claude-code',
  'flynn-audit': 'flynn-audit',
  'merge-queue': 'merge-queue.csv',
};

function explain(validate: ValidateFunction, what: string): string {
  return `${what}: ${JSON.stringify(validate.errors?.slice(0, 3))}`;
}

describe('afterburn schema describes every output', () => {
  let schemas: Schemas;
  let ajv: Ajv2020;
  beforeAll(async () => {
    const printed = await runCli(['schema']);
    expect(printed.code).toBe(0);
    schemas = JSON.parse(printed.stdout) as Schemas;
    // Strict: an unknown keyword or format in the printed schema is an error, not ignored.
    ajv = addFormats(new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }));
  });

  it('has a data schema for every finding type, and the finding schema fixes data by type', () => {
    expect(Object.keys(schemas.finding_data).sort()).toEqual([...FINDING_TYPES].sort());
    const finding = ajv.compile(schemas.finding);
    const sample = {
      id: 'x',
      type: 'latency',
      source: 's',
      description: 'd',
      confidence: 1,
      frequency: 1,
      sessions: [],
      evidence: 'e',
      verification: null,
      theme: 'health',
      project_slug: null,
      created_at: '2026-01-01T00:00:00.000Z',
      status: 'candidate',
      occurrences: 1,
      first_seen: null,
      last_seen: null,
      scope: { arm: null },
      data: { metric: 'ms_elapsed', n: 1, p50: null, p95: null, p99: null },
    };
    expect(finding(sample), explain(finding, 'latency sample')).toBe(true);
    expect(finding({ ...sample, data: { ...sample.data, extra: 1 } })).toBe(false);
    expect(finding({ ...sample, type: 'distribution' })).toBe(false);
    expect(finding({ ...sample, type: 'no_such_type' })).toBe(false);
  });

  /** Validates one discover run's report, findings, data and stored findings; returns the types seen. */
  async function validateRun(source: string, args: string[], cwd: string): Promise<string[]> {
    const runReport = ajv.compile(schemas.run_report);
    const finding = ajv.compile(schemas.finding);
    const run = await runCli(['discover', '--source', source, ...args, '--format', 'json'], { cwd });
    expect(run.code, `${source}: ${run.stderr}`).toBe(0);
    const report = JSON.parse(run.stdout) as { findings: PrintedFinding[] };
    expect(report.findings.length, source).toBeGreaterThan(0);
    expect(runReport(report), explain(runReport, `${source} run report`)).toBe(true);
    for (const f of report.findings) {
      expect(finding(f), explain(finding, `${source} ${f.id}`)).toBe(true);
      const data = ajv.compile(schemas.finding_data[f.type] as object);
      expect(data(f.data), explain(data, `${source} ${f.id} data`)).toBe(true);
    }
    const listed = await runCli(['findings', 'list', '--json'], { cwd });
    const stored = JSON.parse(listed.stdout) as PrintedFinding[];
    expect(stored.map((f) => f.id).sort()).toEqual(report.findings.map((f) => f.id).sort());
    for (const f of stored) expect(finding(f), explain(finding, `stored ${f.id}`)).toBe(true);
    return report.findings.map((f) => f.type);
  }

  it("validates every source's run report, finding and finding data, and the stored findings", async () => {
    const seen = new Set<string>();
    for (const { source, args } of SOURCES) {
      const cwd = tempDir();
      for (const type of await validateRun(source, args(cwd), cwd)) seen.add(type);
    }
    // Every type is written by some fixture here, so none of its schema goes untested.
    expect([...seen].sort()).toEqual([...FINDING_TYPES].sort());
  });

  it('validates the outputs of every sample in fixtures/, the logs the README and docs run', async () => {
    const { sources } = JSON.parse((await runCli(['sources', '--json'])).stdout) as {
      sources: { name: string }[];
    };
    expect(Object.keys(SAMPLES).sort()).toEqual(sources.map((s) => s.name).sort());
    for (const [source, sample] of Object.entries(SAMPLES)) {
      await validateRun(source, ['--path', path.join(ROOT, 'fixtures', sample)], tempDir());
    }
  });
});
