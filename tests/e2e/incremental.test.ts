import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeStateFile, encodeStateFile } from '../../src/findings/state-file.js';
import { FIXTURE, runCli, tempDir } from '../helpers/cli.js';
import { currentFile } from '../helpers/store.js';

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

  it('keeps its analysis, with the build that made it, for a run with nothing new', async () => {
    const store = path.join(tempDir(), 'store');
    const args = ['discover', '--path', FIXTURE, '--store', store, '--format', 'json', '--incremental'];
    const first = await runCli(args);
    const stateFile = currentFile(store, 'state/dispatch-outcomes.state');
    const written = statSync(stateFile);
    const second = await runCli(args);
    expect(second.code, second.stderr).toBe(0);
    // Reused, not analysed again: a run that analyses writes a new state file (a new inode); one
    // that reuses it carries the same file into the store's next generation (a hard link).
    const kept = currentFile(store, 'state/dispatch-outcomes.state');
    expect(kept).not.toBe(stateFile);
    expect(statSync(kept).ino).toBe(written.ino);
    expect(statSync(kept).mtimeMs).toBe(written.mtimeMs);
    const findings = (report: string) =>
      (JSON.parse(report) as { findings: Record<string, unknown>[] }).findings.map(
        ({ updated_at: _u, ...finding }) => finding,
      );
    expect(findings(second.stdout)).toEqual(findings(first.stdout));
    // Nothing was read: no line to warn about.
    expect(second.stderr).toBe('');
    const state = decodeStateFile(readFileSync(kept)) as {
      analysis: { key: string; drafts: unknown[] };
    };
    expect(state.analysis.key).toMatch(/^[0-9a-f]{64}$/);
    expect(state.analysis.drafts).toHaveLength(findings(first.stdout).length);
  });

  it('reports a corrupt state file in one line with exit 2 and leaves it in place', async () => {
    const store = path.join(tempDir(), 'store');
    const args = ['discover', '--path', FIXTURE, '--store', store, '--format', 'json', '--incremental'];
    expect((await runCli(args)).code).toBe(0);
    const stateFile = currentFile(store, 'state/dispatch-outcomes.state');
    const truncated = readFileSync(stateFile).subarray(0, 100);
    writeFileSync(stateFile, truncated);
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^afterburn: .*state.*dispatch-outcomes\.state is corrupt \(truncated (header|attachment)\).*\(delete it/,
    );
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(stateFile)).toEqual(truncated);
  });

  it('reports a corrupt JSON state of an older afterburn in one line with exit 2', async () => {
    const store = path.join(tempDir(), 'store');
    const args = ['discover', '--path', FIXTURE, '--store', store, '--format', 'json', '--incremental'];
    expect((await runCli(args)).code).toBe(0);
    // The JSON file is only read when there is no state file of this version.
    rmSync(currentFile(store, 'state/dispatch-outcomes.state'));
    const legacyFile = currentFile(store, 'state/dispatch-outcomes.json');
    writeFileSync(legacyFile, '{"schema_version":1,');
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^afterburn: .*dispatch-outcomes\.json is corrupt \(not valid JSON\)/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('re-reads the logs once, with a notice, when the state was written by an older afterburn', async () => {
    const store = path.join(tempDir(), 'store');
    const args = ['discover', '--path', FIXTURE, '--store', store, '--format', 'json', '--incremental'];
    const first = JSON.parse((await runCli(args)).stdout);
    const stateFile = currentFile(store, 'state/dispatch-outcomes.state');
    rmSync(stateFile);
    // Versions 1 and 2 kept JSON in <source>.json; version 2 had base64 columns.
    const legacyFile = currentFile(store, 'state/dispatch-outcomes.json');
    writeFileSync(legacyFile, JSON.stringify({ schema_version: 2, source: 'dispatch-outcomes', inputs: [] }));
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('from an older afterburn; reading the logs from the start');
    const report = JSON.parse(again.stdout);
    expect(report.counts).toEqual(first.counts);
    expect(report.counts_this_run).toEqual(first.counts);
    const written = currentFile(store, 'state/dispatch-outcomes.state');
    expect((decodeStateFile(readFileSync(written)) as { schema_version: number }).schema_version).toBe(3);
    // The older file is gone once the new one is written (and not only with the old generation).
    expect(existsSync(path.dirname(written))).toBe(true);
    expect(existsSync(currentFile(store, 'state/dispatch-outcomes.json'))).toBe(false);
  });

  /** The parts of a stored state the tests below damage. */
  interface DamageableState {
    inputs: { segment: { arms: string[]; finalizes: { columns: Record<string, Uint8Array> } } }[];
    analysis: { drafts: unknown[] };
  }

  /** Runs once to write a state, lets `damage` edit it, and runs again. */
  async function rerunWithDamagedState(damage: (state: DamageableState) => void) {
    const store = path.join(tempDir(), 'store');
    const args = ['discover', '--path', FIXTURE, '--store', store, '--format', 'json', '--incremental'];
    expect((await runCli(args)).code).toBe(0);
    const stateFile = currentFile(store, 'state/dispatch-outcomes.state');
    const state = decodeStateFile(readFileSync(stateFile)) as DamageableState;
    damage(state);
    writeFileSync(stateFile, Buffer.concat(encodeStateFile(state)));
    return runCli(args);
  }

  it('reports a state whose columns were damaged as corrupt, with exit 2', async () => {
    const result = await rerunWithDamagedState((state) => {
      const columns = state.inputs[0]?.segment.finalizes.columns ?? {};
      // One byte short: the column no longer holds `length` values.
      columns.at = (columns.at ?? new Uint8Array(0)).subarray(1);
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

  it('reports a state whose kept analysis was damaged as corrupt', async () => {
    const result = await rerunWithDamagedState((state) => {
      state.analysis.drafts = [{ id: 'not a finding' }];
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^afterburn: the incremental state of dispatch-outcomes .* is corrupt/);
  });
});
