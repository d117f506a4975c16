import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INCREMENTAL_STATE_VERSION } from '../../src/core/incremental.js';
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

  /** A rebuilt state: one warning line, exit 0, the counts of a run with no state, a valid new file. */
  async function expectRebuilt(
    result: { code: number | null; stdout: string; stderr: string },
    store: string,
    reason: RegExp,
  ) {
    expect(result.code, result.stderr).toBe(0);
    // Besides the warnings about the fixture's bad lines, which a rebuild reads again.
    const lines = result.stderr
      .trim()
      .split('\n')
      .filter((line) => !line.includes(': skipped: '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^afterburn: warning: the incremental state of dispatch-outcomes in .* is damaged \(/,
    );
    expect(lines[0]).toMatch(reason);
    expect(result.stderr).toContain('rebuilding it from the logs');
    const report = JSON.parse(result.stdout);
    const full = JSON.parse(
      (await runCli(['discover', '--path', FIXTURE, '--store', `${store}-full`, '--format', 'json'])).stdout,
    );
    expect(report.counts).toEqual(full.counts);
    expect(report.counts_this_run).toEqual(full.counts);
    const stateFile = currentFile(store, 'state/dispatch-outcomes.state');
    expect(
      (
        decodeStateFile(readFileSync(stateFile)) as {
          schema_version: number;
        }
      ).schema_version,
    ).toBe(INCREMENTAL_STATE_VERSION);
  }

  it('rebuilds a truncated state file from the logs, with one warning', async () => {
    const store = path.join(tempDir(), 'store');
    const args = ['discover', '--path', FIXTURE, '--store', store, '--format', 'json', '--incremental'];
    expect((await runCli(args)).code).toBe(0);
    const stateFile = currentFile(store, 'state/dispatch-outcomes.state');
    writeFileSync(stateFile, readFileSync(stateFile).subarray(0, 100));
    await expectRebuilt(await runCli(args), store, /truncated header|checksum mismatch/);
  });

  it('rebuilds a state file with one byte changed: its checksum no longer matches', async () => {
    const store = path.join(tempDir(), 'store');
    const args = ['discover', '--path', FIXTURE, '--store', store, '--format', 'json', '--incremental'];
    expect((await runCli(args)).code).toBe(0);
    const stateFile = currentFile(store, 'state/dispatch-outcomes.state');
    const bytes = readFileSync(stateFile);
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 0x10;
    writeFileSync(stateFile, bytes);
    await expectRebuilt(await runCli(args), store, /checksum mismatch/);
  });

  it('rebuilds a corrupt JSON state of an older afterburn', async () => {
    const store = path.join(tempDir(), 'store');
    const args = ['discover', '--path', FIXTURE, '--store', store, '--format', 'json', '--incremental'];
    expect((await runCli(args)).code).toBe(0);
    // The JSON file is only read when there is no state file of this version.
    rmSync(currentFile(store, 'state/dispatch-outcomes.state'));
    const legacyFile = currentFile(store, 'state/dispatch-outcomes.json');
    writeFileSync(legacyFile, '{"schema_version":1,');
    await expectRebuilt(await runCli(args), store, /not valid JSON/);
    expect(existsSync(legacyFile)).toBe(false);
  });

  it('re-reads the logs once, with a notice, when the state was written by an older afterburn', async () => {
    const store = path.join(tempDir(), 'store');
    const args = ['discover', '--path', FIXTURE, '--store', store, '--format', 'json', '--incremental'];
    const first = JSON.parse((await runCli(args)).stdout);
    const stateFile = currentFile(store, 'state/dispatch-outcomes.state');
    const current = readFileSync(stateFile);
    rmSync(stateFile);
    // Versions 1 and 2 kept JSON in <source>.json; version 2 had base64 columns.
    const legacyFile = currentFile(store, 'state/dispatch-outcomes.json');
    writeFileSync(legacyFile, JSON.stringify({ schema_version: 2, source: 'dispatch-outcomes', inputs: [] }));
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('from another afterburn version; reading the logs from the start');
    const report = JSON.parse(again.stdout);
    expect(report.counts).toEqual(first.counts);
    expect(report.counts_this_run).toEqual(first.counts);
    expect(
      (
        decodeStateFile(readFileSync(currentFile(store, 'state/dispatch-outcomes.state'))) as {
          schema_version: number;
        }
      ).schema_version,
    ).toBe(INCREMENTAL_STATE_VERSION);
    // The older file is gone once the new one is written.
    expect(existsSync(legacyFile)).toBe(false);
    // A state file of another format (version 3 wrote format 1, whose word here is its header length).
    const otherFormat = Buffer.from(current);
    otherFormat.writeUInt32LE(1, 16);
    writeFileSync(currentFile(store, 'state/dispatch-outcomes.state'), otherFormat);
    const third = await runCli(args);
    expect(third.code).toBe(0);
    expect(third.stderr).toMatch(
      /^afterburn: notice: .*from another afterburn version; reading the logs from the start\n/,
    );
    expect(third.stderr).not.toContain('damaged');
    expect(JSON.parse(third.stdout).counts_this_run).toEqual(first.counts);
  });

  /** The parts of a stored state the tests below damage. */
  interface DamageableState {
    history: { segment: { arms: string[]; finalizes: { columns: Record<string, Uint8Array> } } };
    analysis: { drafts: unknown[] };
  }

  /**
   * Runs once to write a state, lets `damage` edit it, writes it back with a valid checksum (as a
   * bug in afterburn would) and runs again: the restore checks still catch it.
   */
  async function rerunWithDamagedState(damage: (state: DamageableState) => void) {
    const store = path.join(tempDir(), 'store');
    const args = ['discover', '--path', FIXTURE, '--store', store, '--format', 'json', '--incremental'];
    expect((await runCli(args)).code).toBe(0);
    const stateFile = currentFile(store, 'state/dispatch-outcomes.state');
    const state = decodeStateFile(readFileSync(stateFile)) as DamageableState;
    damage(state);
    writeFileSync(stateFile, Buffer.concat(encodeStateFile(state)));
    return { result: await runCli(args), store };
  }

  it('rebuilds a state whose columns were damaged', async () => {
    const { result, store } = await rerunWithDamagedState((state) => {
      const columns = state.history.segment.finalizes.columns;
      // One byte short: the column no longer holds `length` values.
      columns.at = (columns.at ?? new Uint8Array(0)).subarray(1);
    });
    await expectRebuilt(result, store, /column at has the wrong length/);
  });

  it('rebuilds a state with a dictionary index out of range', async () => {
    const { result, store } = await rerunWithDamagedState((state) => {
      state.history.segment.arms = [];
    });
    await expectRebuilt(result, store, /dispatch agent index out of range/);
  });

  it('rebuilds a state whose kept analysis was damaged', async () => {
    const { result, store } = await rerunWithDamagedState((state) => {
      state.analysis.drafts = [{ id: 'not a finding' }];
    });
    await expectRebuilt(result, store, /not a state of this source/);
  });
});
