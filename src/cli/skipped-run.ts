import type { Counts } from '../findings/schema.js';
import { bestFittingSource } from '../sources/registry.js';
import type { Source } from '../sources/types.js';
import type { SkipReporter } from './skip-reporter.js';

/**
 * What a run that read mostly lines it could not use says about it: a wrong --source or --path
 * should be obvious, not a quiet "skipped" count in a report that still looks like a run.
 */

function reasonNote(skips: SkipReporter): string {
  const reason = skips.mostCommonReason();
  return reason === null ? '' : `; most common skip reason: ${reason.reason} (${reason.count})`;
}

/** More than half of the lines with content were skipped. */
export function mostlySkipped(counts: Counts): boolean {
  const content = counts.lines - counts.blank;
  return counts.skipped > 0 && counts.skipped * 2 > content;
}

/** The loud stderr warning of a run that skipped most of its lines, with a hint at the right source. */
export function warnIfMostlySkipped(counts: Counts, source: Source, skips: SkipReporter): void {
  if (!mostlySkipped(counts)) return;
  const fit = bestFittingSource(skips.sample(), source.name);
  const hint =
    fit !== null
      ? `they look like ${fit.source} records (${fit.fits} of ${fit.of} sampled skipped lines fit): try --source ${fit.source}`
      : skips.sample().length > 0
        ? 'no other source reads them either: check --path points at the log you mean'
        : 'check --source and --path';
  skips.warn(
    `${counts.skipped} of ${counts.lines - counts.blank} non-blank lines were skipped${reasonNote(skips)}: is --source ${source.name} right? ${hint}`,
  );
}

/**
 * Why a gated run that analysed nothing fails, in one line; null when it analysed something.
 * "no joined tasks (494 lines read, 494 skipped; most common skip reason: not valid JSON (494))".
 */
export function nothingAnalysed(counts: Counts, source: Source, skips: SkipReporter): string | null {
  const { count, noun } = source.analysed(counts);
  if (count > 0) return null;
  return `no ${noun} (${counts.lines} lines read, ${counts.skipped} skipped${reasonNote(skips)})`;
}
