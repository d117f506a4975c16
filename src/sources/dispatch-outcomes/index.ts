import { efficiencyTrend } from '../../analyzers/efficiency-trend.js';
import { gateFriction } from '../../analyzers/gate-friction.js';
import { registrySuggestions } from '../../analyzers/registry-suggestions.js';
import { canonicalJson, jsonDepthExceeds, MAX_JSON_DEPTH } from '../../core/canonical-json.js';
import type { Dataset } from '../records.js';
import { SecondsTimestamps } from '../timestamp-units.js';
import {
  defineSource,
  pathEnvVarFor,
  type SourceAdapter,
  type SourceDiagnostics,
  type SourceSession,
} from '../types.js';
import { describeIssue } from '../zod-issue.js';
import { DispatchJoin } from './join.js';
import { RECORD_SCHEMAS } from './schema.js';

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

function open(diagnostics: SourceDiagnostics): SourceSession<Dataset> {
  const join = new DispatchJoin();
  let lines = 0;
  let blank = 0;
  let skipped = 0;
  const secondsTimestamps = new SecondsTimestamps();

  const skip = (location: Parameters<SourceDiagnostics['skipped']>[0], reason: string): void => {
    skipped += 1;
    diagnostics.skipped(location, reason);
  };

  return {
    acceptLine(text, location) {
      lines += 1;
      if (text.trim() === '') {
        blank += 1;
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        skip(location, 'not valid JSON');
        return;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        skip(location, 'not a JSON object');
        return;
      }
      const kind = (parsed as { kind?: unknown }).kind;
      if (kind !== 'dispatch' && kind !== 'finalize') {
        skip(location, kind === undefined ? 'no "kind" field' : `unknown kind ${describeKind(kind)}`);
        return;
      }
      if (kind === 'dispatch') {
        const result = RECORD_SCHEMAS.dispatch.safeParse(parsed);
        if (!result.success) return skip(location, `dispatch ${describeIssue(result.error)}`);
        secondsTimestamps.check('ts_dispatched', result.data.ts_dispatched, location);
        join.addDispatch(result.data);
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
      join.addFinalize(result.data, suggestion == null ? '' : canonicalJson(suggestion));
    },

    rejectLine(location, reason) {
      lines += 1;
      skip(location, reason);
    },

    finish() {
      const notice = secondsTimestamps.notice();
      if (notice !== null) diagnostics.notice?.(notice);
      const joined = join.finish();
      return {
        counts: { lines, blank, skipped, ...joined.counts },
        dataset: { tasks: joined.tasks, denials: joined.denials, suggestions: joined.suggestions },
      };
    },
  };
}

export const dispatchOutcomesAdapter: SourceAdapter<Dataset> = {
  name: DISPATCH_OUTCOMES,
  description: 'dispatch-gate log: one dispatch record per gate decision, one finalize record per completion',
  pathEnvVar: pathEnvVarFor(DISPATCH_OUTCOMES),
  // The producer is private and machine-local: there is no default location to guess.
  defaultPaths: () => [],
  analyzers: [efficiencyTrend, gateFriction, registrySuggestions],
  open,
};

export const dispatchOutcomes = defineSource(dispatchOutcomesAdapter);
