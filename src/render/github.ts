import { ThresholdCrossedData } from '../findings/data.js';
import type { RunReport } from '../findings/schema.js';
import { renderRunMarkdown } from './markdown.js';

/**
 * GitHub Actions output: workflow-command annotations and the job summary.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
export const MAX_ANNOTATIONS = 10;
/** GitHub rejects a step summary of 1 MiB or more; stay clear of it. */
export const MAX_SUMMARY_BYTES = 1024 * 1024 - 1024;

export interface Annotation {
  readonly level: 'error' | 'warning';
  readonly title: string;
  readonly message: string;
}

/** Message text: `%`, CR and LF would end or corrupt the command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values additionally must not contain the `:` and `,` that delimit properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** FAIL verdicts are errors, threshold breaches (upward crossings) warnings; errors first. */
export function annotationsFor(report: RunReport): Annotation[] {
  const errors: Annotation[] = [];
  const warnings: Annotation[] = [];
  for (const finding of report.findings) {
    if (finding.verdict === 'fail') {
      errors.push({
        level: 'error',
        title: `afterburn ${finding.type} FAIL: ${finding.scope.arm ?? 'all arms'}`,
        message: finding.description,
      });
      continue;
    }
    const crossed = ThresholdCrossedData.safeParse(finding.data);
    if (crossed.success && crossed.data.direction === 'up') {
      warnings.push({
        level: 'warning',
        title: `afterburn ${finding.type}: ${crossed.data.metric} crossed its threshold`,
        message: finding.description,
      });
    }
  }
  return [...errors, ...warnings];
}

/** At most MAX_ANNOTATIONS workflow commands; the rest are counted so the caller can say so. */
export function annotationCommands(annotations: readonly Annotation[]): { lines: string[]; omitted: number } {
  const shown = annotations.slice(0, MAX_ANNOTATIONS);
  return {
    lines: shown.map((a) => `::${a.level} title=${escapeProperty(a.title)}::${escapeData(a.message)}`),
    omitted: annotations.length - shown.length,
  };
}

/** The markdown summary, cut at a line boundary if it would exceed GitHub's limit. */
export function stepSummary(report: RunReport, maxBytes = MAX_SUMMARY_BYTES): string {
  const markdown = renderRunMarkdown(report);
  if (Buffer.byteLength(markdown) <= maxBytes) return markdown;
  const note =
    '\n\n_Summary truncated to fit GitHub’s 1 MiB limit: see the full report with `afterburn report`._\n';
  const budget = maxBytes - Buffer.byteLength(note);
  const lines = markdown.split('\n');
  let size = 0;
  let kept = 0;
  while (kept < lines.length && size + Buffer.byteLength(lines[kept] as string) + 1 <= budget) {
    size += Buffer.byteLength(lines[kept] as string) + 1;
    kept += 1;
  }
  return lines.slice(0, kept).join('\n') + note;
}
