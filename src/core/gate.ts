import { EFFICIENCY_TREND } from '../analyzers/efficiency-trend.js';
import type { Finding, RunReport, Verdict } from '../findings/schema.js';

export const FAIL_ON = ['never', 'fail', 'inconclusive'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** What `discover --fail-on` gates on: the global verdict, and with --gate-arms every arm's too. */
export interface GateRule {
  readonly failOn: FailOn;
  readonly gateArms: boolean;
}

/** Whether a verdict fails the rule; a missing verdict counts as inconclusive (contract). */
export function verdictFails(verdict: Verdict | null | undefined, failOn: FailOn): boolean {
  if (failOn === 'fail') return verdict === 'fail';
  if (failOn === 'inconclusive') return verdict !== 'pass';
  return false;
}

export interface ArmVerdict {
  readonly arm: string;
  readonly verdict: Verdict | null;
}

/** Per-arm efficiency-trend verdicts, in arm order. */
export function armVerdicts(findings: readonly Pick<Finding, 'type' | 'scope' | 'verdict'>[]): ArmVerdict[] {
  return findings
    .filter((f) => f.type === EFFICIENCY_TREND && f.scope.arm !== null)
    .map((f) => ({ arm: f.scope.arm as string, verdict: f.verdict ?? null }))
    .sort((a, b) => (a.arm < b.arm ? -1 : a.arm > b.arm ? 1 : 0));
}

/** A finding the rule fails on: the global trend always, an arm's only with --gate-arms. */
export function findingFailsGate(
  finding: Pick<Finding, 'type' | 'scope' | 'verdict'>,
  rule: GateRule,
): boolean {
  if (finding.type !== EFFICIENCY_TREND) return false;
  if (finding.scope.arm !== null && !rule.gateArms) return false;
  return verdictFails(finding.verdict ?? null, rule.failOn);
}

export interface GateOutcome {
  readonly failed: boolean;
  /** One line per reason the gate failed (empty when it passed). */
  readonly reasons: string[];
  /** When it passed (or is off) while arms fail the rule: the line that says so; else null. */
  readonly passedDespiteArms: string | null;
}

const SHOWN_ARMS = 10;

function armList(arms: readonly ArmVerdict[], failOn: FailOn): string {
  const named = arms
    .slice(0, SHOWN_ARMS)
    .map((a) => (failOn === 'fail' ? a.arm : `${a.arm} (${a.verdict ?? 'no verdict'})`));
  const more = arms.length > SHOWN_ARMS ? `, and ${arms.length - SHOWN_ARMS} more` : '';
  return `${named.join(', ')}${more}`;
}

/**
 * The gate of a run. `nothing` is why the run analysed nothing (null when it analysed something):
 * under any rule but `never` that fails the gate on its own, whatever the verdicts say.
 */
export function evaluateGate(
  report: Pick<RunReport, 'verdict' | 'findings'>,
  rule: GateRule,
  nothing: string | null,
): GateOutcome {
  if (rule.failOn === 'never') return { failed: false, reasons: [], passedDespiteArms: null };
  const flags = `--fail-on ${rule.failOn}${rule.gateArms ? ' --gate-arms' : ''}`;
  const reasons: string[] = [];
  // Nothing analysed is the one reason given: any verdict of it follows from it.
  if (nothing !== null) {
    return {
      failed: true,
      reasons: [`${nothing} (${flags}): a gate never passes on nothing`],
      passedDespiteArms: null,
    };
  }
  if (verdictFails(report.verdict, rule.failOn)) {
    reasons.push(
      report.verdict === null
        ? `no global verdict (${flags}; a missing verdict counts as inconclusive)`
        : `global verdict ${report.verdict} (${flags})`,
    );
  }
  const arms = armVerdicts(report.findings);
  const failing = arms.filter((a) => verdictFails(a.verdict, rule.failOn));
  const what = rule.failOn === 'fail' ? 'fail' : `fail --fail-on ${rule.failOn}`;
  if (failing.length > 0 && rule.gateArms) {
    reasons.push(
      `${failing.length} of ${arms.length} arms ${what}: ${armList(failing, rule.failOn)} (${flags})`,
    );
  }
  const failed = reasons.length > 0;
  const passedDespiteArms =
    !failed && failing.length > 0 && !rule.gateArms
      ? `gate passed (global verdict ${report.verdict ?? 'none'}); ${failing.length} of ${arms.length} arms ${what}: ${armList(failing, rule.failOn)} - use --gate-arms to gate on them`
      : null;
  return { failed, reasons, passedDespiteArms };
}
