import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { generateEvents, taskEvent, toLines } from '../helpers/task-completions.js';

interface Finding {
  type: string;
  scope: { arm: string | null };
  verdict?: string;
  data: Record<string, unknown>;
}

function writeEvents(dir: string): string {
  const lines = [
    ...toLines(generateEvents(9, 60)),
    '',
    '{"event_id": "torn", "harn',
    JSON.stringify(taskEvent({ event_id: 'ev-9-0' })),
  ];
  const file = path.join(dir, 'events.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('e2e: afterburn discover --source task-completions', () => {
  it('gives every finding type with the envelope counts, warnings on stderr', async () => {
    const cwd = tempDir();
    writeEvents(cwd);
    const result = await runCli(['discover', '--source', 'task-completions', '--path', 'events.jsonl'], {
      cwd,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/events\.jsonl:62: skipped: not valid JSON/);
    const report = JSON.parse(result.stdout);
    expect(report.source).toBe('task-completions');
    expect(report.counts).toEqual({
      lines: 63,
      blank: 1,
      skipped: 1,
      dispatch: 0,
      finalize: 0,
      joined: 0,
      denied: 0,
      unmatched_dispatch: 0,
      unmatched_finalize: 0,
      duplicates: 1,
      events: 61,
    });
    const findings: Finding[] = report.findings;
    expect(new Set(findings.map((f) => f.type))).toEqual(
      new Set(['estimate_accuracy', 'friction', 'outcome_rates', 'context_pressure', 'efficiency_trend']),
    );
    const global = findings.find((f) => f.type === 'efficiency_trend' && f.scope.arm === null);
    expect(report.verdict).toBe(global?.verdict);
    expect(findings.filter((f) => f.type === 'friction').every((f) => f.data.kind === 'quality_gate')).toBe(
      true,
    );
  });

  it('reads the path from AFTERBURN_TASK_COMPLETIONS_PATH and prints dollars in the table and markdown', async () => {
    const cwd = tempDir();
    const file = writeEvents(cwd);
    const env = {
      AFTERBURN_SOURCE: 'task-completions',
      AFTERBURN_TASK_COMPLETIONS_PATH: file,
      COLUMNS: '100',
    };
    const table = await runCli(['discover', '--format', 'table'], { cwd, env });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^\s+cost\s+all\s+.*\$\d+\.\d\d\s+\$\d+\.\d\d\s+(usable|not usable)$/m);
    expect(table.stdout).toContain('Quality-gate friction');
    expect(table.stdout).toContain('Context pressure and retries');
    expect(table.stdout).not.toContain('denied dispatch');
    for (const line of table.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(100);
    const markdown = await runCli(['discover', '--format', 'markdown'], { cwd, env });
    expect(markdown.stdout).toMatch(/^\| cost \| all \| .*\| \$\d+\.\d\d \| \$\d+\.\d\d \|/m);
    expect(markdown.stdout).toContain('### Outcome rates');
  });
});
