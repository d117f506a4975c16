/**
 * Writes the samples of the four event sources under fixtures/ (or under the directory given):
 * task-completions.jsonl, merge-queue.csv, flynn-audit/ and workrail/. Deterministic: fixed
 * seeds, fixed clock. Run with `npx tsx scripts/make-fixtures.ts`; the dispatch-outcomes sample
 * comes from scripts/make-fixture.mjs and the claude-code one is hand-written.
 * tests/docs/fixtures.test.ts regenerates them into a temporary directory and compares.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { writeFlynnAudit } from './fixtures/flynn-audit.js';
import { writeMergeQueue } from './fixtures/merge-queue.js';
import { writeTaskCompletions } from './fixtures/task-completions.js';
import { writeWorkrail } from './fixtures/workrail.js';

/** The files and directories this script owns (removed first, so a shrunk sample leaves nothing behind). */
export const GENERATED = ['task-completions.jsonl', 'merge-queue.csv', 'flynn-audit', 'workrail'] as const;

export function makeFixtures(root: string): void {
  for (const entry of GENERATED) rmSync(path.join(root, entry), { recursive: true, force: true });
  writeTaskCompletions(root);
  writeMergeQueue(root);
  writeFlynnAudit(root);
  writeWorkrail(root);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, '../fixtures'));
  makeFixtures(root);
  console.log(`wrote ${GENERATED.map((entry) => path.join(root, entry)).join(', ')}`);
}
