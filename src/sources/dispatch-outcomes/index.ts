import { efficiencyTrend } from '../../analyzers/efficiency-trend.js';
import { gateFriction } from '../../analyzers/gate-friction.js';
import { latency } from '../../analyzers/latency.js';
import type { Counts } from '../../findings/schema.js';
import type { DispatchDataset } from '../../records/records.js';
import {
  defineSource,
  pathEnvVarFor,
  type SourceAdapter,
  type SourceDiagnostics,
  type SourceSession,
} from '../types.js';
import { dispatchHealth } from './analyzers/dispatch-health.js';
import { registrySuggestions } from './analyzers/registry-suggestions.js';
import { collectSegments, DISPATCH_OUTCOMES } from './collect.js';
import { loadHistory } from './history.js';
import { joinSegment } from './join.js';
import type { Segment } from './segment.js';

export { collectSegments, DISPATCH_OUTCOMES, type SegmentCollector } from './collect.js';

function joinParts(segment: Segment, consume: boolean): { counts: Counts; dataset: DispatchDataset } {
  const joined = joinSegment(segment, { consume });
  return {
    counts: { lines: segment.lines, blank: segment.blank, skipped: segment.skipped, ...joined.counts },
    dataset: {
      tasks: joined.tasks,
      denials: joined.denials,
      suggestions: joined.suggestions,
      gateDecisions: joined.gateDecisions,
    },
  };
}

function open(diagnostics: SourceDiagnostics): SourceSession<DispatchDataset> {
  const collector = collectSegments(diagnostics);
  return {
    acceptLine: collector.acceptLine,
    acceptBytes: collector.acceptBytes,
    rejectLine: collector.rejectLine,
    beginInput: collector.beginInput,
    endInput: collector.endInput,
    reserveBytes: collector.reserveBytes,
    adoptSegment: collector.adoptSegment,
    restoreHistory: collector.restoreHistory,
    saveHistory: collector.saveHistory,
    finish() {
      const notice = collector.secondsNotice();
      if (notice !== null) diagnostics.notice?.(notice);
      const all = collector.segment();
      // This run's lines on their own, as if they were the whole log.
      const fresh = collector.freshSegment();
      // Not consumed: with one input it shares its columns with `all`.
      const countsThisRun = fresh === null ? null : joinParts(fresh, false).counts;
      // The builder's chunk list, dictionaries and maps can go; `all` keeps the columns it views.
      collector.release();
      // Nothing reads `all` after the join: its finalize columns become the task columns, unless
      // the saved history holds them until the store writes it.
      const result = joinParts(all, !collector.columnsKept());
      return { ...result, countsThisRun: countsThisRun ?? result.counts };
    },
  };
}

export const dispatchOutcomesAdapter: SourceAdapter<DispatchDataset> = {
  name: DISPATCH_OUTCOMES,
  description: 'dispatch-gate log: one dispatch record per gate decision, one finalize record per completion',
  pathEnvVar: pathEnvVarFor(DISPATCH_OUTCOMES),
  // The producer is private and machine-local: there is no default location to guess.
  defaultPaths: () => [],
  analyzers: [efficiencyTrend, gateFriction, registrySuggestions, dispatchHealth, latency],
  incremental: true,
  keepsHistory: true,
  analysed: (counts) => counts.joined,
  analysedNoun: 'joined tasks',
  checkSaved: (saved, inputs) => {
    loadHistory(saved, inputs, DISPATCH_OUTCOMES);
  },
  open,
};

export const dispatchOutcomes = defineSource(dispatchOutcomesAdapter);
