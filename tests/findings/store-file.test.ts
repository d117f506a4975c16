import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AfterburnError } from '../../src/common/errors.js';
import type { FindingDraft } from '../../src/findings/schema.js';
import { FindingStore } from '../../src/findings/store.js';
import { currentFile } from '../helpers/store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'afterburn-store-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOW = Date.parse('2026-11-01T00:00:00.000Z');
const store = (): FindingStore => new FindingStore(dir, { now: () => NOW });

const draft: FindingDraft = {
  id: 'friction-0123456789',
  type: 'friction',
  source: 'dispatch-outcomes',
  description: 'prompt names too many files',
  confidence: 0.5,
  frequency: 3,
  sessions: [],
  evidence: 'three denies',
  verification: null,
  theme: 'friction',
  project_slug: null,
  occurrences: 3,
  first_seen: null,
  last_seen: null,
  scope: { arm: null },
  data: { kind: 'block_reason', value: 'too many files', rank: 1, remediation: 'split the prompt', arms: {} },
};

function stored(id: string, status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...draft, id, status, created_at: '2026-10-01T00:00:00.000Z', ...extra };
}

/** Writes findings.json by hand, as a user or another afterburn would (the flat layout). */
function writeStore(content: unknown): string {
  const file = path.join(dir, 'findings.json');
  writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}

async function refusal(promise: Promise<unknown>): Promise<AfterburnError> {
  const error = (await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as AfterburnError | undefined;
  expect(error, 'expected the store to be refused').toBeDefined();
  expect(error?.code).toBe('corrupt_store');
  expect(error?.exitCode).toBe(2);
  return error as AfterburnError;
}

describe('a store file afterburn did not write itself', () => {
  it.each([0, -1, 1.5, 2.5])('with schema_version %s is refused, and left as it is', async (version) => {
    const file = writeStore({ schema_version: version, findings: [stored('a-1', 'verified')] });
    const before = readFileSync(file, 'utf8');
    const error = await refusal(store().list());
    expect(error.oneLine()).toContain(`schema_version ${version}, which no afterburn writes`);
    await refusal(store().upsert([draft]));
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('of a newer schema says to upgrade', async () => {
    writeStore({ schema_version: 2, findings: [] });
    expect((await refusal(store().list())).oneLine()).toMatch(
      /written by a newer afterburn \(schema 2\).*upgrade/,
    );
  });

  it('keeps fields this afterburn does not know, on the file, on a finding and on its notes, through every write', async () => {
    const note = { at: '2026-10-02T00:00:00.000Z', status: 'verified', text: 'ok', reviewer: 'ana' };
    writeStore({
      schema_version: 1,
      findings: [
        stored(draft.id, 'verified', { ticket: 'OPS-12', data: { kept: true }, notes: [note] }),
        stored('other-1', 'candidate', { labels: ['x'] }),
      ],
      comment: 'exported for the weekly review',
    });
    await store().upsert([{ ...draft, frequency: 5 }]);
    await store().setStatus('other-1', 'rejected', 'duplicate');
    const file = JSON.parse(readFileSync(currentFile(dir, 'findings.json'), 'utf8'));
    expect(file.comment).toBe('exported for the weekly review');
    const [first, second] = file.findings;
    expect(first).toMatchObject({
      id: draft.id,
      ticket: 'OPS-12',
      frequency: 5,
      status: 'verified',
      notes: [note],
    });
    expect(second).toMatchObject({ id: 'other-1', labels: ['x'], status: 'rejected' });
  });

  it('with duplicate ids is refused, naming them, so no copy (and its status) is dropped', async () => {
    const file = writeStore({
      schema_version: 1,
      findings: [
        stored('dup-1', 'verified'),
        stored('dup-1', 'rejected'),
        stored('solo-1', 'candidate'),
        stored('dup-2', 'candidate'),
        stored('dup-2', 'candidate'),
        stored('dup-2', 'candidate'),
      ],
    });
    const before = readFileSync(file, 'utf8');
    const error = await refusal(store().list());
    expect(error.oneLine()).toContain('duplicate finding ids: dup-1 (2 copies), dup-2 (3 copies)');
    await refusal(store().setStatus('dup-1', 'verified', null));
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
