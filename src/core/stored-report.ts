import { z } from 'zod';
import { AfterburnError } from '../common/errors.js';
import { Counts, type RunReport, SCHEMA_VERSION, Verdict } from '../findings/schema.js';
import type { FindingStore } from '../findings/store.js';

/** What `discover` leaves in `<store>/runs/<source>.json`: the last run, with the ids of its findings. */
export const RunSummary = z.object({
  schema_version: z.number(),
  source: z.string(),
  at: z.string(),
  inputs: z.array(z.string()),
  counts: Counts,
  verdict: Verdict.nullable(),
  finding_ids: z.array(z.string()),
});
export type RunSummary = z.infer<typeof RunSummary>;

export interface StoredReport {
  readonly report: RunReport;
  /** When that run happened (ISO 8601 UTC). */
  readonly at: string;
}

/**
 * The last run of a source as a run report, rebuilt from the store: its counts and verdict, and
 * its findings as stored now (so review statuses set since then show).
 */
export async function loadStoredReport(store: FindingStore, source: string): Promise<StoredReport> {
  const { findings, run: raw } = await store.readFindingsAndRun(source);
  if (raw === null) {
    throw new AfterburnError('no_run', `no run of source ${source} in store ${store.dir}`, {
      hint: 'run afterburn discover first, or point --store at the store it wrote',
    });
  }
  const parsed = RunSummary.safeParse(raw);
  if (!parsed.success) {
    throw new AfterburnError(
      'corrupt_store',
      `store ${store.dir} has an unreadable run summary for ${source}`,
      {
        hint: 'run afterburn discover again to rewrite it',
      },
    );
  }
  const summary = parsed.data;
  const byId = new Map(findings.map((finding) => [finding.id, finding]));
  return {
    at: summary.at,
    report: {
      schema_version: SCHEMA_VERSION,
      source: summary.source,
      inputs: summary.inputs,
      counts: summary.counts,
      verdict: summary.verdict,
      findings: summary.finding_ids.flatMap((id) => {
        const finding = byId.get(id);
        return finding ? [finding] : [];
      }),
    },
  };
}
