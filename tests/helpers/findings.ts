import type { FindingDraft, FindingDraftOf, FindingType } from '../../src/findings/schema.js';

/** The findings of one type, typed by that type's data schema. */
export function ofType<Type extends FindingType>(
  findings: readonly FindingDraft[],
  type: Type,
): FindingDraftOf<Type>[] {
  return findings.filter((finding): finding is FindingDraftOf<Type> => finding.type === type);
}
