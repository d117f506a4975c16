import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { DAY, dispatchLine, finalizeLine, T0 } from '../helpers/records.js';
import { taskEvent } from '../helpers/task-completions.js';

const SECRET = 'SECRET-PROMPT: refactor the billing module and email the keys';

/** Strings a log could carry to attack a terminal, a markdown page or the file system. */
const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '\u001b[2J\u001b[31mred\u001b]0;title\u0007',
  'a | b | c',
  '\u009b31mC1 escape',
  'bidi \u202eevil\u202c text',
  '../../../../tmp/escape',
  '/etc/passwd',
  'line\nbreak\r\nand\u2028more',
  '[link](javascript:alert(1))',
];

function hostileLog(): string {
  const lines: string[] = [];
  HOSTILE.forEach((text, i) => {
    lines.push(
      dispatchLine({
        ts_dispatched: T0 + i * DAY,
        agent: text,
        attempt_id: `../deny-${i}`,
        prompt_fingerprint: text,
        atomic_hook_outcome: 'deny',
        block_reasons: [text],
        rationalization_match: text,
        prompt: SECRET,
        prompt_text: SECRET,
      }),
    );
    for (let k = 0; k < 4; k += 1) {
      const id = `${text}/${k}`;
      lines.push(
        dispatchLine({
          ts_dispatched: T0 + (i * 4 + k) * DAY,
          agent: text,
          attempt_id: id,
          prompt_fingerprint: id,
          prompt: SECRET,
        }),
        finalizeLine({
          ts_completed: T0 + (i * 4 + k) * DAY + 60_000,
          agent: text,
          agent_id: text,
          attempt_id: id,
          prompt_fingerprint: id,
          input_tokens: 10_000 - k * 100,
          suggested_registry_edit: { [text]: text, path: '../../outside' },
          error: SECRET,
          prompt: SECRET,
        }),
      );
    }
  });
  // Skipped lines must not echo their content either.
  lines.push(`{"kind":"dispatch","prompt":"${SECRET}"}`, `{"kind":"finalize","prompt":"${SECRET}"`);
  return `${lines.join('\n')}\n`;
}

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory()
      ? [`${path.relative(base, full)}/`, ...walk(full, base)]
      : [path.relative(base, full)];
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const TERMINAL_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('e2e: hostile data', () => {
  it('prompts never reach any output, ids and store files are safe, hostile strings are escaped', async () => {
    const cwd = tempDir();
    const logs = tempDir();
    writeFileSync(path.join(logs, 'hostile.jsonl'), hostileLog());
    mkdirSync(path.join(cwd, 'work'));
    const env = {
      AFTERBURN_DISPATCH_OUTCOMES_PATH: path.join(logs, 'hostile.jsonl'),
      AFTERBURN_MIN_SAMPLES: '3',
    };
    const options = { cwd: path.join(cwd, 'work'), env };

    const json = await runCli(['discover', '--format', 'json', '--store', 'store'], options);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.counts).toMatchObject({ skipped: 2, denied: HOSTILE.length, joined: HOSTILE.length * 4 });
    const outputs = [json.stdout, json.stderr];

    // Every id is one safe path segment, whatever the data it was derived from.
    const ids: string[] = report.findings.map((f: { id: string }) => f.id);
    expect(ids.length).toBeGreaterThan(HOSTILE.length * 2);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);

    for (const format of ['table', 'markdown']) {
      const result = await runCli(['discover', '--format', format, '--store', 'store'], {
        ...options,
        env: { ...env, COLUMNS: '80' },
      });
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(TERMINAL_UNSAFE);
      expect(result.stderr).not.toMatch(TERMINAL_UNSAFE);
      outputs.push(result.stdout, result.stderr);
      if (format === 'markdown') {
        expect(result.stdout).not.toContain('<img');
        expect(result.stdout).not.toContain('](javascript');
        // Every row of every table keeps its header's column count: no unescaped `|` from data.
        const columns = (row: string): number => row.replace(/\\\|/g, '').split('|').length;
        const tables = result.stdout.split(/\n(?!\|)/).filter((block) => block.includes('\n|'));
        let rows = 0;
        for (const block of tables) {
          const lines = block.split('\n').filter((line) => line.startsWith('|'));
          for (const line of lines) expect(columns(line), line).toBe(columns(lines[0] as string));
          rows += lines.length;
        }
        expect(rows).toBeGreaterThan(HOSTILE.length * 3);
      } else {
        // Stripped, not wrapped: every line still fits the terminal.
        for (const line of result.stdout.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80);
      }
    }

    const html = await runCli(['report', '--format', 'html', '--store', 'store'], options);
    expect(html.code, html.stderr).toBe(0);
    expect(html.stdout).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html.stdout).not.toContain('<img');
    outputs.push(html.stdout, html.stderr);

    const list = await runCli(['findings', 'list', '--no-json', '--store', 'store'], options);
    expect(list.stdout).not.toMatch(TERMINAL_UNSAFE);
    outputs.push(list.stdout, list.stderr);
    // One finding of each type, and the ones whose text is the terminal attack.
    const findings: { id: string; type: string; data: Record<string, unknown> }[] = report.findings;
    const sample = new Set<string>();
    for (const type of new Set(findings.map((f) => f.type)))
      sample.add(findings.find((f) => f.type === type)?.id ?? '');
    for (const f of findings) if (JSON.stringify(f.data).includes('\\u001b')) sample.add(f.id);
    expect(sample.size).toBeGreaterThanOrEqual(4);
    for (const id of sample) {
      const shown = await runCli(['findings', 'show', id, '--no-json', '--store', 'store'], options);
      expect(shown.code).toBe(0);
      expect(shown.stdout).not.toMatch(TERMINAL_UNSAFE);
      outputs.push(shown.stdout);
    }

    // The store wrote only its own files, inside its own directory.
    expect(walk(cwd).sort()).toEqual(
      [
        'work/',
        'work/store/',
        'work/store/CURRENT',
        'work/store/findings.json',
        'work/store/fix-list.jsonl',
        // Three discovers, three commits: the store is its third generation, the others removed.
        'work/store/gen-3/',
        'work/store/gen-3/findings.json',
        'work/store/gen-3/fix-list.jsonl',
        'work/store/gen-3/runs/',
        'work/store/gen-3/runs/dispatch-outcomes.json',
      ].sort(),
    );
    expect(walk(logs)).toEqual(['hostile.jsonl']);
    const storeDir = path.join(cwd, 'work/store');
    for (const file of ['findings.json', 'fix-list.jsonl', 'gen-3/runs/dispatch-outcomes.json', 'CURRENT']) {
      outputs.push(readFileSync(path.join(storeDir, file), 'utf8'));
    }

    for (const text of outputs) {
      expect(text).not.toContain('SECRET-PROMPT');
      expect(text).not.toContain('refactor the billing module');
    }
  });

  it('slice names from task-completion events are inert in the table and markdown reports', async () => {
    const dir = tempDir();
    const events = HOSTILE.flatMap((text, i) =>
      [0, 1, 2, 3, 4, 5].map((k) =>
        JSON.stringify(
          taskEvent({
            event_id: `e${i}-${k}`,
            harness: text,
            model: text,
            task_type: text,
            timestamp: new Date(T0 + (i * 6 + k) * DAY).toISOString(),
            prompt: SECRET,
          }),
        ),
      ),
    );
    writeFileSync(path.join(dir, 'tasks.jsonl'), `${events.join('\n')}\n`);
    for (const format of ['table', 'markdown', 'json']) {
      const result = await runCli(
        ['discover', '--source', 'task-completions', '--path', 'tasks.jsonl', '--format', format],
        {
          cwd: dir,
          env: { COLUMNS: '100' },
        },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).not.toContain('SECRET-PROMPT');
      if (format === 'json') continue;
      expect(result.stdout).not.toMatch(TERMINAL_UNSAFE);
      if (format === 'markdown') expect(result.stdout).not.toContain('<img');
    }
  });
});
