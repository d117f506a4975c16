import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateLog } from '../../bench/generate.js';
import type { RunReport } from '../../src/findings/schema.js';
import { runCli, tempDir } from '../helpers/cli.js';

/**
 * Soak (issue 3 item 6): incremental runs of the real binary, one after another, while another
 * process appends to the log in random chunks. The producer appends one chunk as each run starts,
 * so every run races a write however loaded the machine is, and the run count is fixed rather
 * than whatever fits in a time window. At the end the incremental store must hold exactly what
 * one full run finds.
 */
function results(report: RunReport): unknown {
  return {
    counts: report.counts,
    findings: report.findings.map(({ created_at: _c, updated_at: _u, status: _s, ...finding }) => finding),
  };
}

const CHUNKS = 6;

describe('soak: incremental runs while the log is being written', () => {
  it('ends with the same counts and findings as one full run', async () => {
    const dir = tempDir('afterburn-soak-');
    const source = path.join(dir, 'source.jsonl');
    const log = path.join(dir, 'outcomes.jsonl');
    const chunks: string[] = [];
    generateLog({ seed: 99, targetBytes: 400_000, write: (chunk) => chunks.push(chunk) });
    writeFileSync(source, chunks.join(''));
    writeFileSync(log, '');
    const producer = spawn(process.execPath, [
      path.join(import.meta.dirname, 'helpers/append-chunks.mjs'),
      source,
      log,
      '7',
      String(CHUNKS),
    ]);
    // A request sent just as the producer exits must not fail the test.
    producer.stdin.on('error', () => {});
    const producerDone = new Promise<number | null>((resolve) => producer.on('close', resolve));
    let running = true;
    void producerDone.then(() => {
      running = false;
    });
    const args = ['discover', '--path', log, '--store', path.join(dir, 'store'), '--format', 'json'];
    let runs = 0;
    let linesRead = 0;
    while (running) {
      const pending = runCli(args, { env: { AFTERBURN_INCREMENTAL: '1' } });
      producer.stdin.write('next\n');
      const result = await pending;
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as RunReport;
      expect(report.counts_this_run).toBeDefined();
      linesRead += report.counts_this_run?.lines ?? 0;
      runs += 1;
    }
    expect(await producerDone).toBe(0);
    const last = await runCli(args, { env: { AFTERBURN_INCREMENTAL: '1' } });
    const incremental = JSON.parse(last.stdout) as RunReport;
    linesRead += incremental.counts_this_run?.lines ?? 0;
    const full = JSON.parse(
      (await runCli(['discover', '--path', log, '--store', path.join(dir, 'full'), '--format', 'json']))
        .stdout,
    ) as RunReport;
    expect(runs).toBeGreaterThanOrEqual(CHUNKS);
    expect(results(incremental)).toEqual(results(full));
    // Nothing appended since: this run reuses the last analysis, which must be the same.
    const again = JSON.parse(
      (await runCli(args, { env: { AFTERBURN_INCREMENTAL: '1' } })).stdout,
    ) as RunReport;
    expect(again.counts_this_run?.lines).toBe(0);
    expect(results(again)).toEqual(results(full));
    // Every line was read exactly once across all the runs.
    expect(linesRead).toBe(full.counts.lines);
  }, 120_000);
});
