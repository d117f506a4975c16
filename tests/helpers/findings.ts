import type { FindingDraft, FindingDraftOf, FindingType } from '../../src/findings/schema.js';

/** The findings of one type, typed by that type's data schema. */
export function ofType<Type extends FindingType>(
  findings: readonly FindingDraft[],
  type: Type,
): FindingDraftOf<Type>[] {
  return findings.filter((finding): finding is FindingDraftOf<Type> => finding.type === type);
}

type Stamped = { created_at?: unknown; updated_at?: unknown };

/** Findings without the times a run stamps on them, so the findings of two runs compare equal. */
export function withoutTimes<F extends Stamped>(
  findings: readonly F[],
): Omit<F, 'created_at' | 'updated_at'>[] {
  return findings.map(({ created_at: _c, updated_at: _u, ...finding }) => finding);
}

/** A run's counts and its findings without times: what another run over the same logs must reproduce. */
export function countsAndFindings<F extends Stamped>(report: { counts: unknown; findings: readonly F[] }) {
  return { counts: report.counts, findings: withoutTimes(report.findings) };
}

/** A printed run report (`--format json`) with its findings' times left out. */
export function reportWithoutTimes(stdout: string): unknown {
  const report = JSON.parse(stdout) as { findings: Stamped[] };
  return { ...report, findings: withoutTimes(report.findings) };
}
