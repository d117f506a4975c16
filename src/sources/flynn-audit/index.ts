import { describeIssue } from '../../common/zod-issue.js';
import { LineTally } from '../counts.js';
import { parseJsonObject } from '../json-line.js';
import {
  defineSource,
  type LineLocation,
  pathEnvVarFor,
  type SourceAdapter,
  type SourceDiagnostics,
  type SourceSession,
} from '../types.js';
import { flynnHealth } from './flynn-health.js';
import type { CancelAck, FlynnDataset, ReactionDecision, RunEnd } from './records.js';
import { AuditEnvelope, ReactionMatch, ReactionSkip, RunCancel, RunState } from './schema.js';

export type { CancelAck, FlynnDataset, ReactionDecision, RunEnd } from './records.js';

export const FLYNN_AUDIT = 'flynn-audit';

const textOrNull = (value: string | null | undefined) =>
  value == null || value.trim() === '' ? null : value;

function open(diagnostics: SourceDiagnostics): SourceSession<FlynnDataset> {
  const runEnds: RunEnd[] = [];
  const cancels: CancelAck[] = [];
  const reactions: ReactionDecision[] = [];
  const tally = new LineTally(diagnostics);
  const skip = tally.skip;
  let events = 0;
  let ignored = 0;

  /** Tie-break key from the event's content, so line order never matters. */
  const keyOf = (at: number, event: Record<string, unknown>) => `${at}\u0000${JSON.stringify(event)}`;

  const accept = (
    envelope: { timestamp: number; event_type: string; event: Record<string, unknown> },
    location: LineLocation,
  ) => {
    const at = envelope.timestamp;
    const event = envelope.event;
    switch (envelope.event_type) {
      case 'run.state': {
        const parsed = RunState.safeParse(event);
        if (!parsed.success) return skip(location, `run.state ${describeIssue(parsed.error)}`);
        events += 1;
        const state = parsed.data.state ?? parsed.data.status;
        if (state === 'complete' || state === 'cancelled' || state === 'error') {
          runEnds.push({
            at,
            key: keyOf(at, event),
            channel: textOrNull(parsed.data.channel),
            session: textOrNull(parsed.data.session_id),
            state,
          });
        }
        return;
      }
      case 'run.cancel': {
        const parsed = RunCancel.safeParse(event);
        if (!parsed.success) return skip(location, `run.cancel ${describeIssue(parsed.error)}`);
        events += 1;
        const latency = parsed.data.latency_ms;
        if (latency != null)
          cancels.push({ at, channel: textOrNull(parsed.data.channel), latencyMs: latency });
        return;
      }
      case 'reaction.match': {
        const parsed = ReactionMatch.safeParse(event);
        if (!parsed.success) return skip(location, `reaction.match ${describeIssue(parsed.error)}`);
        events += 1;
        reactions.push({
          at,
          key: keyOf(at, event),
          channel: textOrNull(parsed.data.channel),
          matched: true,
          reason: null,
        });
        return;
      }
      case 'reaction.skip': {
        const parsed = ReactionSkip.safeParse(event);
        if (!parsed.success) return skip(location, `reaction.skip ${describeIssue(parsed.error)}`);
        events += 1;
        const reason = textOrNull(parsed.data.reason) ?? textOrNull(parsed.data.category) ?? 'unspecified';
        reactions.push({
          at,
          key: keyOf(at, event),
          channel: textOrNull(parsed.data.channel),
          matched: false,
          reason,
        });
        return;
      }
      default:
        ignored += 1;
    }
  };

  return {
    acceptLine(text, location) {
      if (!tally.hasContent(text)) return;
      const parsed = parseJsonObject(text);
      if ('problem' in parsed) return skip(location, parsed.problem);
      const envelope = AuditEnvelope.safeParse(parsed.value);
      if (!envelope.success) return skip(location, `audit event ${describeIssue(envelope.error)}`);
      accept(envelope.data, location);
    },
    rejectLine(location, reason) {
      tally.reject(location, reason);
    },
    finish() {
      return {
        counts: tally.counts(0, { events, ignored }),
        dataset: { runEnds, cancels, reactions },
      };
    },
  };
}

export const flynnAuditAdapter: SourceAdapter<FlynnDataset> = {
  name: FLYNN_AUDIT,
  description: 'gateway audit log: run lifecycle, cancel acknowledgements, reaction matches and skips',
  pathEnvVar: pathEnvVarFor(FLYNN_AUDIT),
  defaultPaths: () => [],
  logFiles: {
    recursive: false,
    accepts: (name) => /^audit\.log(\.\d+)?(\.gz)?$/.test(name) || /\.jsonl(\.\d+)?(\.gz)?$/.test(name),
    description: 'a directory is read for audit.log, rotated audit.log.N and *.jsonl files',
  },
  analyzers: [flynnHealth],
  open,
};

export const flynnAudit = defineSource(flynnAuditAdapter);
