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
});
