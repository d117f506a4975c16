import type { Finding } from '../findings/schema.js';
import { oneLine } from './format.js';

/** Scopes a health finding may carry instead of an arm (rolling-findings.ts ScopeKind). */
const OTHER_SCOPES = ['channel', 'project', 'workflow'] as const;

/**
 * "all arms", the arm, `dimension=key` for a per-slice finding (scope.dimension), or the
 * channel, project or workflow of a health finding scoped that way (arm null), so per-channel
 * rows are not all "all arms". Those go without a `channel=` prefix, as an arm does: the metric
 * beside it says what kind of scope it is, and the list's scope column is narrow.
 */
export function scopeLabel(finding: Pick<Finding, 'scope'>): string {
  const scope = finding.scope as { arm: string | null; dimension?: unknown } & Record<string, unknown>;
  const { arm, dimension } = scope;
  if (arm === null) {
    const kind = OTHER_SCOPES.find((key) => typeof scope[key] === 'string');
    return kind === undefined ? 'all arms' : oneLine(String(scope[kind]));
  }
  const name = oneLine(arm);
  return typeof dimension === 'string' && dimension !== 'arm' ? `${oneLine(dimension)}=${name}` : name;
}
