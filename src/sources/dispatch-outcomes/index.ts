import { dispatchHealth } from '../../analyzers/dispatch-health.js';
import { efficiencyTrend } from '../../analyzers/efficiency-trend.js';
import { gateFriction } from '../../analyzers/gate-friction.js';
import { latency } from '../../analyzers/latency.js';
import { registrySuggestions } from '../../analyzers/registry-suggestions.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../core/canonical-json.js';
import { AfterburnError } from '../../core/errors.js';
import type { Counts } from '../../findings/schema.js';
import { parseJsonObject } from '../json-line.js';
import type { DispatchDataset } from '../records.js';
import { SecondsTimestamps } from '../timestamp-units.js';
import {
  defineSource,
  pathEnvVarFor,
  type SourceAdapter,
  type SourceDiagnostics,
  type SourceSession,
} from '../types.js';
import { describeIssue } from '../zod-issue.js';
import { DispatchJoin, type JoinResult } from './join.js';
import { RECORD_SCHEMAS } from './schema.js';
import { dispatchTuple, emptySegment, finalizeTuple, Segment } from './segment.js';

export const DISPATCH_OUTCOMES = 'dispatch-outcomes';

/**
 * A short description of an unexpected `kind`. Only strings are quoted: stringifying a value
 * from the log could recurse through thousands of nested arrays and overflow the stack.
 */
function describeKind(kind: unknown): string {
  if (typeof kind === 'string') return JSON.stringify(kind.slice(0, 40));
  if (Array.isArray(kind)) return '(an array)';
  if (typeof kind === 'number' || typeof kind === 'boolean' || kind === null) return String(kind);
  return '(an object)';
}

interface InputPart {
  /** What an earlier run kept of this input (incremental runs), null when read from the start. */
  readonly saved: Segment | null;
  /** What this run read. */
  readonly fresh: Segment;
}

function restore(saved: unknown): Segment {
  const result = Segment.safeParse(saved);
  if (!result.success) {
    throw new AfterburnError(
      'corrupt_store',
      `the incremental state of ${DISPATCH_OUTCOMES} is corrupt (${describeIssue(result.error)})`,
      {
        hint: 'delete the state file under <store>/state/ to re-read the logs from the start',
      },
    );
  }
  return result.data;
}

export function joinSegments(
  segments: readonly Segment[],
  detailed = false,
): { counts: Counts; joined: JoinResult } {
  const join = new DispatchJoin(detailed);
  let lines = 0;
  let blank = 0;
  let skipped = 0;
  for (const segment of segments) {
    lines += segment.lines;
    blank += segment.blank;
    skipped += segment.skipped;
    for (const dispatch of segment.dispatches) join.addDispatch(dispatch);
    for (const finalize of segment.finalizes) join.addFinalize(finalize);
  }
  const joined = join.finish();
  return { counts: { lines, blank, skipped, ...joined.counts }, joined };
}

function joinParts(segments: readonly Segment[]): { counts: Counts; dataset: DispatchDataset } {
  const { counts, joined } = joinSegments(segments);
  return {
    counts,
    dataset: {
      tasks: joined.tasks,
      denials: joined.denials,
      suggestions: joined.suggestions,
      gateDecisions: joined.gateDecisions,
    },
  };
}

/** A session's line handling and per-input segments, without the join (export joins its own way). */
export interface SegmentCollector extends Required<Omit<SourceSession<DispatchDataset>, 'finish'>> {
  /** Every segment read or restored so far: `saved` ones, then `fresh` ones, per input. */
  segments(which: 'all' | 'fresh'): Segment[];
  restoredAny(): boolean;
  /** The one notice about timestamps that look like epoch seconds, if any were read on this thread. */
  secondsNotice(): string | null;
}

export function collectSegments(diagnostics: SourceDiagnostics): SegmentCollector {
  const parts: InputPart[] = [];
  let current: InputPart = { saved: null, fresh: emptySegment() };
  parts.push(current);
  const secondsTimestamps = new SecondsTimestamps();

  const skip = (location: Parameters<SourceDiagnostics['skipped']>[0], reason: string): void => {
    current.fresh.skipped += 1;
    diagnostics.skipped(location, reason);
  };

  return {
    acceptLine(text, location) {
      const fresh = current.fresh;
      fresh.lines += 1;
      if (text.trim() === '') {
        fresh.blank += 1;
        return;
      }
      const line = parseJsonObject(text);
      if ('problem' in line) return skip(location, line.problem);
      const parsed = line.value;
      const kind = parsed.kind;
      if (kind !== 'dispatch' && kind !== 'finalize') {
        skip(location, kind === undefined ? 'no "kind" field' : `unknown kind ${describeKind(kind)}`);
        return;
      }
      if (kind === 'dispatch') {
        const result = RECORD_SCHEMAS.dispatch.safeParse(parsed);
        if (!result.success) return skip(location, `dispatch ${describeIssue(result.error)}`);
        secondsTimestamps.check('ts_dispatched', result.data.ts_dispatched, location);
        fresh.dispatches.push(dispatchTuple(result.data));
        return;
      }
      const result = RECORD_SCHEMAS.finalize.safeParse(parsed);
      if (!result.success) return skip(location, `finalize ${describeIssue(result.error)}`);
      const suggestion = result.data.suggested_registry_edit;
      if (suggestion != null && jsonDepthExceeds(suggestion)) {
        return skip(
          location,
          `finalize suggested_registry_edit is nested deeper than ${MAX_JSON_DEPTH} levels`,
        );
      }
      secondsTimestamps.check('ts_completed', result.data.ts_completed, location);
      fresh.finalizes.push(finalizeTuple(result.data));
    },

    rejectLine(location, reason) {
      current.fresh.lines += 1;
      skip(location, reason);
    },

    beginInput(saved) {
      current = { saved: saved === undefined ? null : restore(saved), fresh: emptySegment() };
      parts.push(current);
    },

    endInput() {
      const { saved, fresh } = current;
      if (saved === null) return fresh;
      return {
        lines: saved.lines + fresh.lines,
        blank: saved.blank + fresh.blank,
        skipped: saved.skipped + fresh.skipped,
        dispatches: saved.dispatches.concat(fresh.dispatches),
        finalizes: saved.finalizes.concat(fresh.finalizes),
      };
    },

    adoptSegment(segment) {
      // Only ever a segment this same code produced in a worker thread, so it is not re-validated.
      const other = segment as Segment;
      const fresh = current.fresh;
      fresh.lines += other.lines;
      fresh.blank += other.blank;
      fresh.skipped += other.skipped;
      fresh.dispatches = fresh.dispatches.concat(other.dispatches);
      fresh.finalizes = fresh.finalizes.concat(other.finalizes);
    },

    segments(which) {
      if (which === 'fresh') return parts.map((part) => part.fresh);
      return parts.flatMap((part) => (part.saved === null ? [part.fresh] : [part.saved, part.fresh]));
    },

    restoredAny: () => parts.some((part) => part.saved !== null),
    secondsNotice: () => secondsTimestamps.notice(),
  };
}

function open(diagnostics: SourceDiagnostics): SourceSession<DispatchDataset> {
  const collector = collectSegments(diagnostics);
  return {
    acceptLine: collector.acceptLine,
    rejectLine: collector.rejectLine,
    beginInput: collector.beginInput,
    endInput: collector.endInput,
    adoptSegment: collector.adoptSegment,
    finish() {
      const notice = collector.secondsNotice();
      if (notice !== null) diagnostics.notice?.(notice);
      const result = joinParts(collector.segments('all'));
      // This run's lines on their own, as if they were the whole log.
      const countsThisRun = collector.restoredAny()
        ? joinParts(collector.segments('fresh')).counts
        : result.counts;
      return { ...result, countsThisRun };
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
  open,
};

export const dispatchOutcomes = defineSource(dispatchOutcomesAdapter);
