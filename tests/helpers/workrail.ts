import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../src/common/canonical-json.js';

/**
 * Builds synthetic WorkRail sessions with the real on-disk shapes (sources.md §3): canonical JSON
 * event lines in `events/<first>-<last>.jsonl` segments named by `segment_closed` manifest records.
 * Never real user data.
 */
export const T0 = Date.UTC(2026, 0, 1);
export const DAY = 86_400_000;
const STEP_MS = 60_000;

export interface SessionOptions {
  /** Time of the first event; null writes no `timestampMs` at all (logs of older versions). */
  readonly start?: number | null;
}

export class SessionBuilder {
  private readonly events: Record<string, unknown>[] = [];
  private clock: number | null;
  private runId = 'run-1';

  constructor(
    readonly sessionId: string,
    options: SessionOptions = {},
  ) {
    this.clock = options.start === undefined ? T0 : options.start;
    this.event('session_created', {});
  }

  /** Appends one event; `at` overrides the running clock (which advances a minute per event). */
  event(kind: string, data: Record<string, unknown>, at?: number): this {
    const eventIndex = this.events.length;
    const envelope: Record<string, unknown> = {
      v: 1,
      eventId: `evt_${this.sessionId}_${eventIndex}`,
      eventIndex,
      sessionId: this.sessionId,
      kind,
      dedupeKey: `${kind}:${this.sessionId}:${eventIndex}`,
      scope: { runId: this.runId, nodeId: `node_${eventIndex}` },
      data,
    };
    if (this.clock !== null) {
      envelope.timestampMs = at ?? this.clock;
      this.clock = (at ?? this.clock) + STEP_MS;
    }
    this.events.push(envelope);
    return this;
  }

  runStarted(workflowId: string): this {
    return this.event('run_started', { workflowId, workflowHash: 'sha256:abc', runId: this.runId });
  }

  steps(count: number): this {
    for (let i = 0; i < count; i++) this.event('node_created', { nodeKind: 'step', parentNodeId: null });
    return this;
  }

  retries(count: number): this {
    for (let i = 0; i < count; i++) this.event('node_created', { nodeKind: 'blocked_attempt' });
    return this;
  }

  /** A full snapshot of the run context, as WorkRail writes on every change. */
  context(values: Record<string, unknown>): this {
    return this.event('context_set', {
      contextId: `ctx_${this.events.length}`,
      context: values,
      source: 'agent',
    });
  }

  usage(tokens: Record<string, unknown>): this {
    return this.event('usage_recorded', {
      client: 'claude-code',
      model: 'claude-sonnet-4',
      turns: 3,
      ...tokens,
    });
  }

  checkpoint(phase: 'start' | 'end', tokens: Record<string, unknown>): this {
    return this.event('token_checkpoint', { phase, ...tokens });
  }

  gitMetrics(fields: Record<string, unknown>): this {
    return this.event('git_metrics_recorded', {
      startSha: 'a'.repeat(40),
      endSha: 'b'.repeat(40),
      captureConfidence: 'high',
      ...fields,
    });
  }

  delivered(prUrl: string): this {
    return this.event('delivery_recorded', { shas: ['b'.repeat(40)], prUrl });
  }

  completed(fields: Record<string, unknown> = {}): this {
    return this.event('run_completed', {
      startGitSha: 'a'.repeat(40),
      endGitSha: 'b'.repeat(40),
      gitBranch: 'feature/x',
      agentCommitShas: ['b'.repeat(40)],
      captureConfidence: 'high',
      ...fields,
    });
  }

  get lines(): string[] {
    return this.events.map((event) => canonicalJson(event));
  }
}

function segmentName(first: number, last: number): string {
  return `${String(first).padStart(8, '0')}-${String(last).padStart(8, '0')}.jsonl`;
}

export interface WriteOptions {
  /** Events per closed segment. */
  readonly segmentSize?: number;
  /** Event lines written to a segment no manifest record names (to be ignored). */
  readonly unclosed?: readonly string[];
  /** Raw lines appended to the last closed segment (torn or malformed lines). */
  readonly extraLines?: readonly string[];
}

/** Writes a session under `<root>/sessions/<id>/`; returns the session folder. */
export function writeSession(root: string, session: SessionBuilder, options: WriteOptions = {}): string {
  const dir = path.join(root, 'sessions', session.sessionId);
  mkdirSync(path.join(dir, 'events'), { recursive: true });
  const lines = session.lines;
  const size = options.segmentSize ?? 5000;
  const manifest: string[] = [];
  for (let first = 0; first < lines.length; first += size) {
    const last = Math.min(first + size, lines.length) - 1;
    const isLast = first + size >= lines.length;
    const body = [...lines.slice(first, last + 1), ...(isLast ? (options.extraLines ?? []) : [])];
    const content = `${body.join('\n')}\n`;
    const name = segmentName(first, last);
    writeFileSync(path.join(dir, 'events', name), content);
    manifest.push(
      canonicalJson({
        v: 1,
        manifestIndex: manifest.length,
        sessionId: session.sessionId,
        kind: 'segment_closed',
        firstEventIndex: first,
        lastEventIndex: last,
        segmentRelPath: `events/${name}`,
        sha256: createHash('sha256').update(content).digest('hex'),
        bytes: Buffer.byteLength(content),
      }),
    );
  }
  if (options.unclosed !== undefined) {
    const first = lines.length;
    const name = segmentName(first, first + options.unclosed.length - 1);
    writeFileSync(path.join(dir, 'events', name), `${options.unclosed.join('\n')}\n`);
  }
  writeFileSync(path.join(dir, 'manifest.jsonl'), `${manifest.join('\n')}\n`);
  return dir;
}

/** Every line read is one of these: the invariant the workrail counts keep. */
export function accountedLines(counts: Readonly<Record<string, unknown>>): number {
  return ['blank', 'skipped', 'manifest', 'events', 'ignored'].reduce(
    (sum, key) => sum + Number(counts[key]),
    0,
  );
}
