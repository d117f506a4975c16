import path from 'node:path';
import { efficiencyTrend } from '../../analyzers/efficiency-trend.js';
import { latency } from '../../analyzers/latency.js';
import type { LogFileLayout } from '../../input/inputs.js';
import type { FailureRecord, TaskRecord } from '../../records/records.js';
import { LineTally } from '../counts.js';
import { parseJsonObject } from '../json-line.js';
import {
  defineSource,
  pathEnvVarFor,
  type SourceAdapter,
  type SourceDiagnostics,
  type SourceEnvironment,
  type SourceSession,
} from '../types.js';
import { TranscriptCorrelation } from './correlate.js';
import { agentCalls, assistantUsage, resultBlocks } from './lines.js';
import { LineEnvelope, OTHER_LINE_TYPES } from './schema.js';
import { subagentFriction } from './subagent-friction.js';
import { SubagentUsage } from './usage.js';

export const CLAUDE_CODE = 'claude-code';

export interface ClaudeCodeDataset {
  readonly tasks: readonly TaskRecord[];
  readonly failures: readonly FailureRecord[];
}

/** `<session>/subagents/agent-<agentId>.jsonl`: every line there belongs to that subagent. */
const SUBAGENT_FILE = /(?:^|[\\/])subagents[\\/]agent-([^\\/]+?)\.jsonl(?:\.gz)?$/;

export const CLAUDE_CODE_LAYOUT: LogFileLayout = {
  recursive: true,
  accepts: (relativePath) => /\.jsonl(?:\.gz)?$/.test(relativePath),
  description:
    'a Claude Code directory is read recursively for *.jsonl transcripts, including subagents/agent-*.jsonl',
};

/** Each directory of CLAUDE_CONFIG_DIR (comma-separated) holds its transcripts in `projects/`. */
export function claudeCodeDefaultPaths(environment: SourceEnvironment): string[] {
  const configured = (environment.env.CLAUDE_CONFIG_DIR ?? '')
    .split(',')
    .map((dir) => dir.trim())
    .filter((dir) => dir !== '');
  const roots = configured.length > 0 ? configured : [path.join(environment.homeDir, '.claude')];
  return roots.map((root) => path.join(root, 'projects'));
}

function open(diagnostics: SourceDiagnostics): SourceSession<ClaudeCodeDataset> {
  const usage = new SubagentUsage();
  const correlation = new TranscriptCorrelation(usage);
  const sessions = new Set<string>();
  const tally = new LineTally(diagnostics);
  const skip = tally.skip;
  const counts = { tool_calls: 0, messages: 0, other: 0, unknown_type: 0 };
  const subagents = new Set<string>();

  const acceptAssistant = (line: Record<string, unknown>, envelope: LineEnvelope, agentId: string | null) => {
    const { calls, invalid } = agentCalls(line, envelope);
    if (invalid > 0 && calls.length === 0) return 'invalid';
    for (const call of calls) correlation.addCall(call);
    const message = assistantUsage(line);
    if (agentId !== null && message?.usage !== undefined && envelope.isApiErrorMessage !== true) {
      usage.add(agentId, message.id, envelope.requestId, message.usage);
    }
    return calls.length > 0 ? 'call' : 'message';
  };

  return {
    acceptLine(text, location) {
      if (!tally.hasContent(text)) return;
      const parsed = parseJsonObject(text);
      if ('problem' in parsed) return skip(location, parsed.problem);
      const record = parsed.value;
      const envelope = LineEnvelope.parse(record);
      const fromFile = SUBAGENT_FILE.exec(location.input)?.[1];
      const agentId = fromFile ?? (envelope.isSidechain === true ? (envelope.agentId ?? null) : null);
      if (agentId !== null) subagents.add(agentId);
      else if (envelope.sessionId !== undefined) sessions.add(envelope.sessionId);
      if (envelope.type === 'assistant') {
        const kind = acceptAssistant(record, envelope, agentId);
        if (kind === 'invalid') return skip(location, 'Task/Agent tool_use without an id or a prompt');
        if (kind === 'call') counts.tool_calls += 1;
        else counts.messages += 1;
        return;
      }
      if (envelope.type === 'user') {
        const blocks = resultBlocks(record, envelope);
        if (blocks.length === 0) counts.messages += 1;
        else {
          correlation.addResultLine(blocks);
        }
        return;
      }
      if (envelope.type !== undefined && OTHER_LINE_TYPES.has(envelope.type)) counts.other += 1;
      else counts.unknown_type += 1;
    },

    rejectLine(location, reason) {
      tally.reject(location, reason);
    },

    finish() {
      const joined = correlation.finish();
      const { other_results, ...correlationCounts } = joined.counts;
      return {
        counts: {
          ...tally.lineCounts(),
          dispatch: correlationCounts.dispatch,
          finalize: correlationCounts.finalize,
          joined: correlationCounts.joined,
          denied: 0,
          unmatched_dispatch: correlationCounts.unmatched_dispatch,
          unmatched_finalize: correlationCounts.unmatched_finalize,
          duplicates: correlationCounts.duplicates,
          sessions: sessions.size,
          subagent_transcripts: subagents.size,
          tool_calls: counts.tool_calls,
          results: correlationCounts.results,
          messages: counts.messages + other_results,
          other: counts.other,
          unknown_type: counts.unknown_type,
          duplicate_calls: correlationCounts.duplicate_calls,
          async_launched: correlationCounts.async_launched,
          failed: correlationCounts.failed,
          usage_from_result: correlationCounts.usage_from_result,
          usage_from_transcript: correlationCounts.usage_from_transcript,
          no_usage: correlationCounts.no_usage,
          no_timestamp: correlationCounts.no_timestamp,
        },
        dataset: { tasks: joined.tasks, failures: joined.failures },
      };
    },
  };
}

export const claudeCodeAdapter: SourceAdapter<ClaudeCodeDataset> = {
  name: CLAUDE_CODE,
  description:
    'Claude Code transcripts: one dispatch per Task/Agent tool call, one finalize per subagent result',
  pathEnvVar: pathEnvVarFor(CLAUDE_CODE),
  defaultPaths: claudeCodeDefaultPaths,
  logFiles: CLAUDE_CODE_LAYOUT,
  analyzers: [efficiencyTrend, subagentFriction, latency],
  analysed: (counts) => counts.joined,
  analysedNoun: 'joined tasks',
  // Sessions count any object as a line of an unknown type: a transcript line has a known one.
  recognises: (record) => {
    const envelope = LineEnvelope.safeParse(record);
    if (!envelope.success || envelope.data.sessionId === undefined) return false;
    const type = envelope.data.type;
    return type === 'assistant' || type === 'user' || (type !== undefined && OTHER_LINE_TYPES.has(type));
  },
  open,
};

export const claudeCode = defineSource(claudeCodeAdapter);
