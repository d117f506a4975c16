import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE, runCli, tempDir } from '../helpers/cli.js';

describe('discover --incremental (real binary)', () => {
  it('keeps counts cumulative and adds counts_this_run; a second run over the same log reads nothing', async () => {
    const store = path.join(tempDir(), 'store');
    const args = ['discover', '--path', FIXTURE, '--store', store, '--format', 'json', '--incremental'];
    const first = JSON.parse((await runCli(args)).stdout);
    const second = JSON.parse((await runCli(args)).stdout);
    expect(second.counts).toEqual(first.counts);
    expect(first.counts_this_run).toEqual(first.counts);
    expect(second.counts_this_run).toMatchObject({ lines: 0, dispatch: 0, finalize: 0, joined: 0 });
  });

  it('reports a corrupt state file in one line with exit 2 and leaves it in place', async () => {
    const store = path.join(tempDir(), 'store');
    const args = ['discover', '--path', FIXTURE, '--store', store, '--format', 'json', '--incremental'];
    expect((await runCli(args)).code).toBe(0);
    const stateFile = path.join(store, 'state', 'dispatch-outcomes.json');
    writeFileSync(stateFile, '{"schema_version":1,');
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^afterburn: .*state.*dispatch-outcomes\.json is corrupt.*\(delete it/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(stateFile, 'utf8')).toBe('{"schema_version":1,');
  });

  it('re-reads the logs once, with a notice, when the state was written by an older afterburn', async () => {
    const store = path.join(tempDir(), 'store');
    const args = ['discover', '--path', FIXTURE, '--store', store, '--format', 'json', '--incremental'];
    const first = JSON.parse((await runCli(args)).stdout);
    const stateFile = path.join(store, 'state', 'dispatch-outcomes.json');
    // Version 1 kept one tuple per record; its segments cannot be read as columns.
    writeFileSync(stateFile, JSON.stringify({ schema_version: 1, source: 'dispatch-outcomes', inputs: [] }));
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('from an older afterburn; reading the logs from the start');
    const report = JSON.parse(again.stdout);
    expect(report.counts).toEqual(first.counts);
    expect(report.counts_this_run).toEqual(first.counts);
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).schema_version).toBe(2);
  });

  /** The parts of a stored state the tests below damage. */
  interface DamageableState {
    inputs: { segment: { arms: string[]; finalizes: { columns: Record<string, string> } } }[];
  }

  /** Runs once to write a state, lets `damage` edit it, and runs again. */
  async function rerunWithDamagedState(damage: (state: DamageableState) => void) {
    const store = path.join(tempDir(), 'store');
    const args = ['discover', '--path', FIXTURE, '--store', store, '--format', 'json', '--incremental'];
    expect((await runCli(args)).code).toBe(0);
    const stateFile = path.join(store, 'state', 'dispatch-outcomes.json');
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    damage(state);
    writeFileSync(stateFile, JSON.stringify(state));
    return runCli(args);
  }

  it('reports a state whose columns were damaged as corrupt, with exit 2', async () => {
    const result = await rerunWithDamagedState((state) => {
      const columns = state.inputs[0]?.segment.finalizes.columns ?? {};
      // One byte short: the column no longer holds `length` values.
      columns.at = Buffer.from(columns.at ?? '', 'base64')
        .subarray(1)
        .toString('base64');
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^afterburn: the incremental state of dispatch-outcomes is corrupt \(column at has the wrong length\)/,
    );
  });

  it('reports a dictionary index out of range in the state as corrupt', async () => {
    const result = await rerunWithDamagedState((state) => {
      for (const input of state.inputs) input.segment.arms = [];
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('dispatch agent index out of range');
  });
});
