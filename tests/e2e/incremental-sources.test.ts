import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { countsAndFindings } from '../helpers/findings.js';
import { currentFile } from '../helpers/store.js';
import { generateEvents, toLines } from '../helpers/task-completions.js';

function generated(seed: number, bytes: number): Buffer {
  const chunks: string[] = [];
  generateLog({ seed, targetBytes: bytes, write: (chunk) => chunks.push(chunk) });
  return Buffer.from(chunks.join(''));
}

/** What must not depend on how the logs were read. */
function results(stdout: string): unknown {
  const report = JSON.parse(stdout) as { counts: unknown; findings: Record<string, unknown>[] };
  return countsAndFindings(report);
}

describe('discover --incremental across sources (real binary)', () => {
  it('re-reads a log cut back past its first 4 KiB and grown past the old cursor', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'outcomes.jsonl');
    const log = generated(21, 40_000);
    writeFileSync(file, log.subarray(0, log.indexOf(10, 30_000) + 1));
    const args = (store: string, more: string[] = []) => [
      'discover',
      '--path',
      file,
      '--store',
      path.join(dir, store),
      '--format',
      'json',
      ...more,
    ];
    expect((await runCli(args('store', ['--incremental']))).code).toBe(0);
    truncateSync(file, log.indexOf(10, 10_000) + 1);
    appendFileSync(file, generated(22, 30_000));
    const after = await runCli(args('store', ['--incremental']));
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).toMatch(/notice: .*outcomes\.jsonl was truncated or replaced since the last run/);
    const full = await runCli(args('full'));
    expect(results(after.stdout)).toEqual(results(full.stdout));
  });

  it('task-completions: files that grow and files that appear give what a full run gives', async () => {
    const dir = tempDir();
    const logs = path.join(dir, 'logs');
    mkdirSync(logs);
    const lines = toLines(generateEvents(4, 90));
    const write = (name: string, from: number, to: number) =>
      appendFileSync(path.join(logs, name), `${lines.slice(from, to).join('\n')}\n`);
    const args = (store: string, more: string[] = []) => [
      'discover',
      '--source',
      'task-completions',
      '--path',
      logs,
      '--store',
      path.join(dir, store),
      '--format',
      'json',
      ...more,
    ];
    write('a.jsonl', 0, 30);
    const first = await runCli(args('store', ['--incremental']));
    expect(first.code, first.stderr).toBe(0);
    write('a.jsonl', 30, 50);
    write('b.jsonl', 50, 90);
    // A duplicate of an event the first run read.
    write('b.jsonl', 0, 1);
    const second = await runCli(args('store', ['--incremental']));
    expect(second.code, second.stderr).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.counts_this_run).toMatchObject({ lines: 61, events: 61, duplicates: 0 });
    expect(report.counts).toMatchObject({ lines: 91, events: 91, duplicates: 1 });
    expect(results(second.stdout)).toEqual(results((await runCli(args('full'))).stdout));
    const state = readFileSync(currentFile(path.join(dir, 'store'), 'state/task-completions.state'));
    expect(state.subarray(0, 16).toString()).toBe('afterburn-state\n');
  });

  it('refuses --incremental for a source that keeps no state, at once, before reading anything', async () => {
    const dir = tempDir();
    const store = path.join(dir, 'store');
    // A path that does not exist: a run that looked at its inputs first would say so instead.
    const result = await runCli([
      'discover',
      '--source',
      'workrail',
      '--path',
      path.join(dir, 'missing'),
      '--store',
      store,
      '--incremental',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^afterburn: source workrail cannot run incrementally \(.*afterburn sources/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(store)).toBe(false);
  });

  it('afterburn sources says which sources can run incrementally', async () => {
    const text = await runCli(['sources']);
    expect(text.stdout).toMatch(/^task-completions\n(?:.*\n)*?\s+--incremental: yes/m);
    expect(text.stdout).toMatch(/^workrail\n(?:.*\n)*?\s+--incremental: no \(refused/m);
    const json = JSON.parse((await runCli(['sources', '--json'])).stdout) as {
      sources: { name: string; incremental: boolean }[];
    };
    const byName = new Map(json.sources.map((source) => [source.name, source.incremental]));
    expect(byName.get('dispatch-outcomes')).toBe(true);
    expect(byName.get('task-completions')).toBe(true);
    expect(byName.get('workrail')).toBe(false);
  });
});
