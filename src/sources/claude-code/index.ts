import path from 'node:path';
import { efficiencyTrend } from '../../analyzers/efficiency-trend.js';
import { latency } from '../../analyzers/latency.js';
import type { LogFileLayout } from '../../input/inputs.js';
import type { FailureRecord } from '../../records/records.js';
import {
  defineSource,
  pathEnvVarFor,
  type SourceAdapter,
  type SourceDiagnostics,
  type SourceEnvironment,
  type SourceResult,
  type SourceSession,
} from '../types.js';
import { type SubagentTask, TranscriptCorrelation } from './correlate.js';
import type { InputState } from './input-state.js';
import { restoreInput, TranscriptReader } from './reader.js';
import { LineEnvelope, OTHER_LINE_TYPES } from './schema.js';
import { subagentFriction } from './subagent-friction.js';
import { Transcript } from './usage.js';

export const CLAUDE_CODE = 'claude-code';

export interface ClaudeCodeDataset {
  /** Every finished dispatch, whatever its usage basis (latency, friction). */
  readonly tasks: readonly SubagentTask[];
  /** The efficiency series: one usage basis only (sources.md §2). */
  readonly trendTasks: readonly SubagentTask[];
  readonly failures: readonly FailureRecord[];
}

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

/** Every subagent's transcript over all inputs (one may be split over several reads). */
function transcriptsOf(inputs: readonly InputState[]): Map<string, Transcript> {
  const transcripts = new Map<string, Transcript>();
  for (const input of inputs) {
    for (const [agentId, transcript] of input.transcripts) {
      const kept = transcripts.get(agentId);
      if (kept === undefined) transcripts.set(agentId, Transcript.restore(transcript.save()));
      else kept.merge(transcript.save());
    }
  }
  return transcripts;
}

/**
 * The trend never mixes bases: transcript sums where any exist, else the last-call numbers. The
 * tasks left out are counted (trend_left_out_last_call).
 */
function trendTasksOf(tasks: readonly SubagentTask[]): SubagentTask[] {
  const anyTranscript = tasks.some((task) => task.usageBasis === 'transcript');
  if (!anyTranscript) return [...tasks];
  return tasks.filter((task) => task.usageBasis !== 'last_call');
}

/** Joins what every input read: the run's counts and dataset. */
export function summarize(
  inputs: readonly InputState[],
  diagnostics: SourceDiagnostics,
): SourceResult<ClaudeCodeDataset> {
  const transcripts = transcriptsOf(inputs);
  const correlation = new TranscriptCorrelation(transcripts);
  const sessions = new Set<string>();
  const subagents = new Set<string>();
  const compactions = new Set<string>();
  const lines = { lines: 0, blank: 0, skipped: 0, toolCalls: 0, messages: 0, other: 0, unknownType: 0 };
  for (const input of inputs) {
    for (const key of Object.keys(lines) as (keyof typeof lines)[]) lines[key] += input[key];
    for (const session of input.sessions) sessions.add(session);
    for (const agentId of input.subagents) subagents.add(agentId);
    for (const agentId of input.compactions) compactions.add(agentId);
    for (const call of input.calls) correlation.addCall(call);
    for (const blocks of input.results) correlation.addResultLine(blocks);
  }
  const orphans = [...transcripts.values()].filter(
    (transcript) => transcript.parent === null || !sessions.has(transcript.parent),
  );
  if (orphans.length > 0) {
    const example = orphans[0] as Transcript;
    diagnostics.notice?.(
      `${orphans.length} subagent transcript(s) whose parent session was not read (e.g. agent ${example.agentId} of session ${example.parent ?? 'unknown'}): counted in orphan_subagent_transcripts, not as dispatches`,
    );
  }
  const joined = correlation.finish();
  const { other_results, ...correlationCounts } = joined.counts;
  const trendTasks = trendTasksOf(joined.tasks);
  return {
    counts: {
      lines: lines.lines,
      blank: lines.blank,
      skipped: lines.skipped,
      dispatch: correlationCounts.dispatch,
      finalize: correlationCounts.finalize,
      joined: correlationCounts.joined,
      denied: 0,
      unmatched_dispatch: correlationCounts.unmatched_dispatch,
      unmatched_finalize: correlationCounts.unmatched_finalize,
      duplicates: correlationCounts.duplicates,
      sessions: sessions.size,
      subagent_transcripts: subagents.size,
      tool_calls: lines.toolCalls,
      results: correlationCounts.results,
      messages: lines.messages + other_results,
      other: lines.other,
      unknown_type: lines.unknownType,
      duplicate_calls: correlationCounts.duplicate_calls,
      async_launched: correlationCounts.async_launched,
      failed: correlationCounts.failed,
      usage_from_result: correlationCounts.usage_from_result,
      usage_from_transcript: correlationCounts.usage_from_transcript,
      no_usage: correlationCounts.no_usage,
      no_timestamp: correlationCounts.no_timestamp,
      async_completed: correlationCounts.async_completed,
      rejected: correlationCounts.rejected,
      compactions: compactions.size,
      orphan_subagent_transcripts: orphans.length,
      trend_left_out_last_call: joined.tasks.length - trendTasks.length,
    },
    dataset: { tasks: joined.tasks, trendTasks, failures: joined.failures },
  };
}

function open(diagnostics: SourceDiagnostics): SourceSession<ClaudeCodeDataset> {
  const reader = new TranscriptReader(diagnostics);
  let finished = false;
  return {
    acceptLine: (text, location) => reader.acceptLine(text, location),
    // Bytes: most lines are counted from their skim and never decoded (reader.ts).
    acceptBytes: (bytes, start, end, location) => reader.acceptBytes(bytes, start, end, location),
    rejectLine: (location, reason) => reader.rejectLine(location, reason),
    beginInput: (saved) => reader.beginInput(saved),
    endInput: () => reader.endInput(),
    adoptSegment: (payload) => reader.adopt(payload),

    finish() {
      if (finished) throw new Error('finish() was already called');
      finished = true;
      const whole = summarize(reader.inputs(), diagnostics);
      // As if the lines read this run were the whole log; its notices were shown once already.
      const thisRun = summarize(reader.inputsThisRun(), { skipped: () => {} });
      return { ...whole, countsThisRun: thisRun.counts };
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
  analyzers: [
    // One usage basis, and the whole prompt: Claude's input_tokens leaves the cached part out.
    {
      meta: efficiencyTrend.meta,
      analyze: (dataset, context) =>
        efficiencyTrend.analyze({ tasks: dataset.trendTasks, seriesTokens: 'prompt' }, context),
    },
    subagentFriction,
    latency,
  ],
  analysed: (counts) => counts.joined,
  analysedNoun: 'joined tasks',
  // Sessions count any object as a line of an unknown type: a transcript line has a known one.
  recognises: (record) => {
    const envelope = LineEnvelope.safeParse(record);
    if (!envelope.success || envelope.data.sessionId === undefined) return false;
    const type = envelope.data.type;
    return type === 'assistant' || type === 'user' || (type !== undefined && OTHER_LINE_TYPES.has(type));
  },
  incremental: true,
  wholeFileParallel: true,
  checkSaved: (saved) => {
    restoreInput(saved);
  },
  open,
};

export const claudeCode = defineSource(claudeCodeAdapter);
