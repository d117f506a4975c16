import { findingFailsGate, type GateOutcome, type GateRule } from '../core/gate.js';
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

/**
 * The gate a run was held to, so annotation levels match it: `::error` only for what failed the
 * gate (a job that exits 0 shows no error), `::warning` for every other FAIL verdict. Without one
 * (`afterburn report` gates nothing) every annotation is a warning.
 */
export interface AnnotationGate {
  readonly rule: GateRule;
  readonly outcome: GateOutcome;
}

/** Gate failures are errors, other FAIL verdicts and upward threshold crossings warnings; errors first. */
export function annotationsFor(report: RunReport, gate?: AnnotationGate): Annotation[] {
  const errors: Annotation[] = [];
  const warnings: Annotation[] = [];
  const failsGate = (finding: RunReport['findings'][number]): boolean =>
    gate?.outcome.failed === true && findingFailsGate(finding, gate.rule);
  const { findings } = report;
  if (gate?.outcome.failed && !findings.some((f) => failsGate(f))) {
    // Failed on nothing analysed, or on a missing verdict: no finding to hang the error on.
    errors.push({
      level: 'error',
      title: 'afterburn gate failed',
      message: gate.outcome.reasons.join('; '),
    });
  }
  for (const finding of findings) {
    const scope = finding.scope.arm ?? 'all arms';
    if (failsGate(finding)) {
      errors.push({
        level: 'error',
        title: `afterburn ${finding.type} ${(finding.verdict ?? 'no verdict').toUpperCase()}: ${scope}`,
        message: finding.description,
      });
      continue;
    }
    if (finding.verdict === 'fail') {
      warnings.push({
        level: 'warning',
        title: `afterburn ${finding.type} FAIL: ${scope}`,
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
