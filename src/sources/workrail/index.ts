import path from 'node:path';
import { describeIssue } from '../../common/zod-issue.js';
import type { TaskRecord } from '../../records/records.js';
import { eventSourceCounts } from '../counts.js';
import { parseJsonObject } from '../json-line.js';
import {
  defineSource,
  type LineLocation,
  pathEnvVarFor,
  type SourceAdapter,
  type SourceDiagnostics,
  type SourceEnvironment,
  type SourceSession,
} from '../types.js';
import { WORKRAIL_ANALYZERS } from './analyzers.js';
import { classifyFile, expandWorkrailInputs, type WorkrailFile } from './layout.js';
import { EventEnvelope, ManifestRecord, SegmentClosed } from './schema.js';
import { SessionAccumulator, type WorkrailSession } from './session-metrics.js';

export const WORKRAIL = 'workrail';

export interface WorkrailDataset {
  readonly sessions: readonly WorkrailSession[];
  /** Successful completed sessions as tasks (arm = workflow), for the shared efficiency trend. */
  readonly tasks: readonly TaskRecord[];
}

/** Stands for a session whose run_started named no workflow. */
export const UNKNOWN_WORKFLOW = '(unknown workflow)';

export function successTasks(sessions: readonly WorkrailSession[]): TaskRecord[] {
  return sessions.flatMap((session) =>
    session.completed && session.outcome === 'success' && session.endedAt !== null
      ? [
          {
            arm: session.workflowId ?? UNKNOWN_WORKFLOW,
            taskKey: session.sessionId,
            attemptNumber: 1,
            completedAt: session.endedAt,
            status: 'completed',
            inputTokens: session.tokens?.input ?? null,
            cacheReadTokens: session.tokens?.cacheRead ?? null,
            cacheCreationTokens: session.tokens?.cacheWrite ?? null,
            acceptancePassed: null,
            msElapsed: session.durationMs,
            sessionId: session.sessionId,
          },
        ]
      : [],
  );
}

function open(diagnostics: SourceDiagnostics): SourceSession<WorkrailDataset> {
  const counts = { lines: 0, blank: 0, skipped: 0, duplicates: 0, manifest: 0, events: 0, ignored: 0 };
  /** Closed segment file names per session folder, from the manifests read so far. */
  const closedSegments = new Map<string, Set<string>>();
  const ignoredSegments = new Set<string>();
  const sessions = new Map<string, SessionAccumulator>();
  let current: { input: string; file: WorkrailFile | null; ignored: boolean } | undefined;

  const skip = (location: LineLocation, reason: string): void => {
    counts.skipped += 1;
    diagnostics.skipped(location, reason);
  };

  /** Manifests are read before their segments, so a segment's standing is known at its first line. */
  const fileOf = (input: string): NonNullable<typeof current> => {
    if (current?.input !== input) {
      const file = classifyFile(input);
      const ignored =
        file?.role === 'segment' && !(closedSegments.get(file.sessionDir)?.has(file.segment) ?? false);
      current = { input, file, ignored };
    }
    return current;
  };

  const acceptManifest = (record: Record<string, unknown>, sessionDir: string, location: LineLocation) => {
    const manifest = ManifestRecord.safeParse(record);
    if (!manifest.success) return skip(location, `manifest record ${describeIssue(manifest.error)}`);
    if (manifest.data.kind === 'segment_closed') {
      const closed = SegmentClosed.safeParse(record);
      if (!closed.success) return skip(location, `segment_closed ${describeIssue(closed.error)}`);
      let names = closedSegments.get(sessionDir);
      if (names === undefined) {
        names = new Set();
        closedSegments.set(sessionDir, names);
      }
      names.add(path.posix.basename(closed.data.segmentRelPath.replaceAll('\\', '/')));
    }
    counts.manifest += 1;
  };

  const acceptEvent = (record: Record<string, unknown>, location: LineLocation) => {
    const event = EventEnvelope.safeParse(record);
    if (!event.success) return skip(location, `event ${describeIssue(event.error)}`);
    counts.events += 1;
    let session = sessions.get(event.data.sessionId);
    if (session === undefined) {
      session = new SessionAccumulator(event.data.sessionId);
      sessions.set(event.data.sessionId, session);
    }
    if (!session.add(event.data)) counts.duplicates += 1;
  };

  const ignore = (input: string): void => {
    counts.ignored += 1;
    ignoredSegments.add(input);
  };

  return {
    acceptLine(text, location) {
      counts.lines += 1;
      const { file, ignored } = fileOf(location.input);
      if (ignored) return ignore(location.input);
      if (text.trim() === '') {
        counts.blank += 1;
        return;
      }
      if (file === null) return skip(location, 'not in a WorkRail manifest.jsonl or events/ segment');
      const parsed = parseJsonObject(text);
      if ('problem' in parsed) return skip(location, parsed.problem);
      if (file.role === 'manifest') acceptManifest(parsed.value, file.sessionDir, location);
      else acceptEvent(parsed.value, location);
    },

    rejectLine(location, reason) {
      counts.lines += 1;
      if (fileOf(location.input).ignored) return ignore(location.input);
      skip(location, reason);
    },

    finish() {
      const rebuilt = [...sessions.values()]
        .map((session) => session.finish())
        .sort((a, b) => (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
      const completed = rebuilt.filter((session) => session.completed).length;
      return {
        counts: eventSourceCounts(counts, {
          manifest: counts.manifest,
          events: counts.events,
          ignored: counts.ignored,
          segments_ignored: ignoredSegments.size,
          sessions: rebuilt.length,
          completed,
          in_progress: rebuilt.length - completed,
        }),
        dataset: { sessions: rebuilt, tasks: successTasks(rebuilt) },
      };
    },
  };
}

/** `$WORKRAIL_DATA_DIR`, else `~/.workrail/data` (a blank variable counts as unset). */
export function workrailDefaultPaths({ env, homeDir }: SourceEnvironment): string[] {
  const configured = env.WORKRAIL_DATA_DIR?.trim();
  return [configured ? configured : path.join(homeDir, '.workrail', 'data')];
}

export const workrailAdapter: SourceAdapter<WorkrailDataset> = {
  name: WORKRAIL,
  description:
    'WorkRail session event logs: sessions/<id>/manifest.jsonl and its closed events/ segments, one session per folder',
  pathEnvVar: pathEnvVarFor(WORKRAIL),
  defaultPaths: workrailDefaultPaths,
  expandInputs: expandWorkrailInputs,
  analyzers: WORKRAIL_ANALYZERS,
  // Sessions judge a line by the file it is in: the sample is judged by its shape alone.
  recognises: (record) => EventEnvelope.safeParse(record).success || SegmentClosed.safeParse(record).success,
  open,
};

export const workrail = defineSource(workrailAdapter);
