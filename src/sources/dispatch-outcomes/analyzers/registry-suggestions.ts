import {
  increment,
  percent,
  sortedCounts,
  TimeRange,
  verificationCommand,
} from '../../../analyzers/shared.js';
import type { Analyzer } from '../../../analyzers/types.js';
import { canonicalJson } from '../../../common/canonical-json.js';
import { findingId, shortHash } from '../../../findings/id.js';
import type { SuggestionRecord } from '../../../records/records.js';

export const REGISTRY_SUGGESTION = 'registry_suggestion';
const PREVIEW_CHARS = 160;

interface Group {
  readonly canonical: string;
  count: number;
  readonly arms: Map<string, number>;
  readonly range: TimeRange;
}

export const registrySuggestions: Analyzer<{ readonly suggestions: readonly SuggestionRecord[] }> = {
  meta: {
    id: 'registry_suggestions',
    findingType: REGISTRY_SUGGESTION,
    description: 'Deduplicates suggested registry edits on a canonical form (key order and spacing ignored)',
    question: 'Which registry edits does the producer keep proposing?',
  },
  analyze(dataset, context) {
    const groups = new Map<string, Group>();
    for (const record of dataset.suggestions) {
      const canonical = canonicalJson(record.suggestion);
      let group = groups.get(canonical);
      if (group === undefined) {
        group = { canonical, count: 0, arms: new Map(), range: new TimeRange() };
        groups.set(canonical, group);
      }
      group.count += 1;
      increment(group.arms, record.arm);
      group.range.add(record.at);
    }
    const total = dataset.suggestions.length;
    return [...groups.values()]
      .sort((a, b) => b.count - a.count || (a.canonical < b.canonical ? -1 : 1))
      .map((group) => {
        const signature = shortHash(group.canonical);
        const id = findingId(context.source, REGISTRY_SUGGESTION, signature);
        const arms = sortedCounts(group.arms);
        const preview =
          group.canonical.length > PREVIEW_CHARS
            ? `${group.canonical.slice(0, PREVIEW_CHARS)}…`
            : group.canonical;
        return {
          id,
          type: REGISTRY_SUGGESTION,
          source: context.source,
          description: `Registry edit proposed ${group.count} time(s) by ${Object.keys(arms).join(', ')}: ${preview}`,
          confidence: total === 0 ? 0 : group.count / total,
          frequency: group.count,
          sessions: [],
          evidence: `${group.count} of ${total} proposals (${percent(group.count, total)}), signature ${signature}`,
          verification: verificationCommand(context.source, context.inputs, id),
          theme: 'registry_edit',
          project_slug: null,
          occurrences: group.count,
          first_seen: group.range.first,
          last_seen: group.range.last,
          scope: { arm: null },
          // Parsing the canonical text gives an object whose keys are plain own data, in sorted order.
          data: { suggestion: JSON.parse(group.canonical) as unknown, signature, arms },
        };
      });
  },
};
