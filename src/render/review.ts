import type { Finding, FindingStatus, RunReport } from '../findings/schema.js';

/**
 * Review statuses (`findings verify`, `--reject`) in the human reports: a rejected finding is left
 * out unless asked for, and counted in a closing line; a reviewed one is marked where it is shown.
 * The JSON report is the contract's and keeps every finding with its `status`.
 */

const MARK: Readonly<Record<FindingStatus, string>> = {
  candidate: '',
  verified: ' (verified)',
  rejected: ' (rejected)',
};

/** What follows a finding's label (its scope, value or description) in a report. */
export function reviewMark(finding: Pick<Finding, 'status'>): string {
  return MARK[finding.status] ?? '';
}

export interface ReviewedReport {
  readonly report: RunReport;
  /** Rejected findings left out of `report`. */
  readonly hiddenRejected: number;
}

export function hideRejected(report: RunReport, showRejected: boolean): ReviewedReport {
  if (showRejected) return { report, hiddenRejected: 0 };
  const findings = report.findings.filter((f) => f.status !== 'rejected');
  return { report: { ...report, findings }, hiddenRejected: report.findings.length - findings.length };
}

/** "2 rejected findings hidden; --show-rejected shows them"; null when none were. */
export function hiddenRejectedNote(hidden: number | undefined): string | null {
  if (hidden === undefined || hidden === 0) return null;
  return `${hidden} rejected finding${hidden === 1 ? '' : 's'} hidden; --show-rejected shows them`;
}
