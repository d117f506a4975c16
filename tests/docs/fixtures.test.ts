import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED, makeFixtures } from '../../scripts/make-fixtures.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';

/**
 * The samples under fixtures/ that the README and docs/ run: each is what its seeded generator
 * writes (so a hand edit or a changed generator without a regenerated sample fails here), and each
 * gives its source's analyzers something to say: every finding type of the source, every health
 * window full, a malformed line skipped and counted.
 */
const FIXTURES = path.join(ROOT, 'fixtures');

function files(root: string, entry: string): string[] {
  const full = path.join(root, entry);
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full)
    .sort()
    .flatMap((name) => files(root, path.join(entry, name)));
}

interface Report {
  counts: Record<string, number>;
  findings: { type: string; scope: Record<string, unknown>; data: Record<string, unknown> }[];
}

async function discover(source: string, sample: string): Promise<Report> {
  const run = await runCli([
    'discover',
    '--source',
    source,
    '--path',
    path.join(FIXTURES, sample),
    '--store',
    tempDir(),
    '--format',
    'json',
  ]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Report;
}

const types = (report: Report) => new Set(report.findings.map((f) => f.type));
/** The source-wide rolling rates (no scope): the ones a full window must define. */
const overallRates = (report: Report) =>
  report.findings.filter(
    (f) => f.type === 'rolling_rate' && Object.values(f.scope).every((value) => value === null),
  );
const crossings = (report: Report) =>
  new Set(report.findings.filter((f) => f.type === 'threshold_crossed').map((f) => f.data.direction));

describe('the samples in fixtures/', () => {
  it('are exactly what scripts/make-fixtures.ts writes (seeded: the same on every machine)', () => {
    const fresh = tempDir('afterburn-fixtures-');
    makeFixtures(fresh);
    for (const entry of GENERATED) {
      const written = files(fresh, entry);
      expect(files(FIXTURES, entry), entry).toEqual(written);
      for (const file of written)
        expect(readFileSync(path.join(FIXTURES, file), 'utf8'), file).toBe(
          readFileSync(path.join(fresh, file), 'utf8'),
        );
    }
  });

  it('task-completions: every analysis has findings, usable and unusable estimates, one bad line', async () => {
    const report = await discover('task-completions', 'task-completions.jsonl');
    expect(report.counts).toMatchObject({ skipped: 1, duplicates: 1, events: 161 });
    for (const type of [
      'efficiency_trend',
      'estimate_accuracy',
      'friction',
      'outcome_rates',
      'context_pressure',
    ])
      expect(types(report), type).toContain(type);
    const assessments = new Set(
      report.findings.filter((f) => f.type === 'estimate_accuracy').map((f) => f.data.assessment),
    );
    expect(assessments).toEqual(new Set(['usable', 'not_usable']));
    const verdicts = new Set(
      report.findings
        .filter((f) => f.type === 'efficiency_trend')
        .map((f) => (f as { verdict?: string }).verdict),
    );
    expect(verdicts).toContain('pass');
    expect(verdicts).toContain('fail');
  });

  it('merge-queue: all three windows full, crossings both ways, a duplicate and a bad row', async () => {
    const report = await discover('merge-queue', 'merge-queue.csv');
    expect(report.counts).toMatchObject({ skipped: 1, duplicates: 1, header: 1 });
    const rates = overallRates(report);
    expect(rates.map((f) => f.data.metric).sort()).toEqual([
      'first_pass_merge_rate',
      'p95_attempts_to_merge',
      'rebase_conflict_rate',
    ]);
    for (const rate of rates) expect(rate.data.value, String(rate.data.metric)).not.toBeNull();
    expect(crossings(report)).toEqual(new Set(['up', 'down']));
  });

  it('flynn-audit: a rotated directory, every rate measured, cancel p95, ranked skip reasons', async () => {
    const report = await discover('flynn-audit', 'flynn-audit');
    expect(report.counts.skipped).toBe(1);
    expect(report.counts.ignored).toBeGreaterThan(0);
    const rates = overallRates(report);
    expect(rates).toHaveLength(5);
    for (const rate of rates) expect(rate.data.value, String(rate.data.metric)).not.toBeNull();
    const latency = report.findings.find(
      (f) => f.type === 'latency' && Object.values(f.scope).every((value) => value === null),
    );
    expect(latency?.data.p95).not.toBeNull();
    const reasons = report.findings.filter((f) => f.type === 'friction').map((f) => f.data.value);
    expect(reasons).toEqual(['no_match', 'no_rules', 'cooldown']);
  });

  it('workrail: sessions in progress and an unclosed segment, the success rate measured and falling', async () => {
    const report = await discover('workrail', 'workrail');
    expect(report.counts).toMatchObject({ sessions: 42, in_progress: 2, segments_ignored: 1, skipped: 0 });
    for (const type of [
      'efficiency_trend',
      'outcome_rates',
      'rolling_rate',
      'threshold_crossed',
      'latency',
      'distribution',
    ])
      expect(types(report), type).toContain(type);
    const [rate] = overallRates(report);
    expect(rate?.data.value).not.toBeNull();
    expect(crossings(report)).toEqual(new Set(['up', 'down']));
  });

  it.each([
    ['flynn-audit', 'flynn-audit'],
    ['merge-queue', 'merge-queue.csv'],
  ])(
    '%s: findings list rows can be told apart without their ids (the channel or project is shown)',
    async (source, sample) => {
      const cwd = tempDir();
      const run = await runCli(['discover', '--source', source, '--path', path.join(FIXTURES, sample)], {
        cwd,
      });
      expect(run.code, run.stderr).toBe(0);
      const list = await runCli(['findings', 'list', '--no-json'], {
        cwd,
        env: { COLUMNS: '120' },
      });
      expect(list.code, list.stderr).toBe(0);
      const rows = list.stdout.split('\n').slice(1, list.stdout.split('\n').indexOf(''));
      const withoutIds = rows.map((row) => row.replace(/^\S+\s+/, ''));
      expect(withoutIds.length).toBeGreaterThan(10);
      expect(withoutIds.filter((row, i) => withoutIds.indexOf(row) !== i)).toEqual([]);
    },
  );
});
