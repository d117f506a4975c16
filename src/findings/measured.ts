import type { Finding } from './schema.js';

/**
 * A finding that reports a measurement afterburn could not take yet: a rolling rate whose window
 * is not full (`value` null), percentiles over too few values (`p50` null). It is stored (its
 * `n` and whole-log value feed `compare`, and the next run may fill it) but it says nothing yet,
 * so the human views do not present it as a candidate with a confidence.
 */
export function isUnmeasured(finding: Pick<Finding, 'type' | 'data'>): boolean {
  switch (finding.type) {
    case 'rolling_rate':
      return finding.data.value === null;
    case 'latency':
    case 'distribution':
      return finding.data.p50 === null;
    default:
      return false;
  }
}
