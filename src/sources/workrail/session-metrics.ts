import {
  countField,
  type EventEnvelope,
  METRIC_KEYS,
  type MetricKey,
  type MetricValues,
  metricValue,
  type Outcome,
  objectField,
  prNumberOf,
  stringField,
  UNKNOWN_OUTCOME,
} from './schema.js';

export interface Tokens {
  readonly input: number | null;
  readonly output: number | null;
  readonly cacheRead: number | null;
  readonly cacheWrite: number | null;
}

/** One WorkRail session's metrics, rebuilt from its events. */
export interface WorkrailSession {
  readonly sessionId: string;
  readonly workflowId: string | null;
  /** A `run_completed` event was seen; otherwise the session is still in progress. */
  readonly completed: boolean;
  /** Only meaningful for completed sessions: a missing or malformed `metrics_outcome` is unknown. */
  readonly outcome: Outcome;
  readonly prNumbers: readonly number[];
  readonly filesChanged: number | null;
  readonly linesAdded: number | null;
  readonly linesRemoved: number | null;
  readonly durationMs: number | null;
  /** Completion time: `run_completed.timestampMs`, else the last event time; null in old logs. */
  readonly endedAt: number | null;
  readonly steps: number;
  readonly retries: number;
  readonly tokens: Tokens | null;
  readonly harness: string | null;
  readonly model: string | null;
}

const TOKEN_FIELDS = {
  input: 'inputTokens',
  output: 'outputTokens',
  cacheRead: 'cacheReadTokens',
  cacheWrite: 'cacheWriteTokens',
} as const satisfies Record<keyof Tokens, string>;
type TokenKey = keyof Tokens;
const TOKEN_KEYS = Object.keys(TOKEN_FIELDS) as TokenKey[];

/** The value of the event with the highest index: events are applied in any order. */
class Latest<T> {
  private index = -1;
  value: T | undefined;

  offer(index: number, value: T): void {
    if (index > this.index) {
      this.index = index;
      this.value = value;
    }
  }
}

/** Like Latest, for the event with the lowest index. */
class Earliest<T> {
  private index = Number.POSITIVE_INFINITY;
  value: T | undefined;

  offer(index: number, value: T): void {
    if (index < this.index) {
      this.index = index;
      this.value = value;
    }
  }
}

function readTokens(data: Record<string, unknown> | undefined): Tokens {
  return {
    input: countField(data, TOKEN_FIELDS.input),
    output: countField(data, TOKEN_FIELDS.output),
    cacheRead: countField(data, TOKEN_FIELDS.cacheRead),
    cacheWrite: countField(data, TOKEN_FIELDS.cacheWrite),
  };
}

/**
 * Collects one session's events in whatever order they arrive and rebuilds its metrics. Where
 * order matters (last value wins), the event index decides, never the line order.
 */
export class SessionAccumulator {
  private readonly seen = new Set<string>();
  private readonly metrics = new Map<MetricKey, Latest<unknown>>();
  private readonly workflow = new Earliest<string | null>();
  private readonly completion = new Latest<{ durationMs: number | null; at: number | null }>();
  private readonly gitMetrics = new Latest<Record<string, unknown> | undefined>();
  private readonly checkpointStart = new Earliest<Tokens>();
  private readonly checkpointEnd = new Latest<Tokens>();
  private readonly usage: Record<TokenKey, number | null> = {
    input: null,
    output: null,
    cacheRead: null,
    cacheWrite: null,
  };
  private readonly deliveredPrs = new Set<number>();
  private usageEvents = 0;
  private firstAt = Number.POSITIVE_INFINITY;
  private lastAt = Number.NEGATIVE_INFINITY;
  private steps = 0;
  private retries = 0;

  constructor(readonly sessionId: string) {}

  /** False when the event was already seen (same event id): a duplicate, counted and ignored. */
  add(event: EventEnvelope): boolean {
    if (this.seen.has(event.eventId)) return false;
    this.seen.add(event.eventId);
    if (event.timestampMs !== undefined) {
      this.firstAt = Math.min(this.firstAt, event.timestampMs);
      this.lastAt = Math.max(this.lastAt, event.timestampMs);
    }
    this.apply(event);
    return true;
  }

  private apply({ kind, data, eventIndex: index, timestampMs }: EventEnvelope): void {
    switch (kind) {
      case 'run_started':
        this.workflow.offer(index, stringField(data, 'workflowId'));
        break;
      case 'node_created': {
        const nodeKind = stringField(data, 'nodeKind');
        if (nodeKind === 'step') this.steps += 1;
        if (nodeKind === 'blocked_attempt') this.retries += 1;
        break;
      }
      case 'context_set': {
        const context = objectField(data, 'context');
        if (context === undefined) break;
        for (const key of METRIC_KEYS) {
          if (!Object.hasOwn(context, key)) continue;
          let latest = this.metrics.get(key);
          if (latest === undefined) {
            latest = new Latest();
            this.metrics.set(key, latest);
          }
          latest.offer(index, metricValue(key, context[key]));
        }
        break;
      }
      case 'run_completed':
        this.completion.offer(index, { durationMs: countField(data, 'durationMs'), at: timestampMs ?? null });
        break;
      case 'delivery_recorded': {
        const pr = prNumberOf(stringField(data, 'prUrl'));
        if (pr !== null) this.deliveredPrs.add(pr);
        break;
      }
      case 'usage_recorded': {
        this.usageEvents += 1;
        const tokens = readTokens(data);
        for (const key of TOKEN_KEYS) {
          const value = tokens[key];
          if (value !== null) this.usage[key] = (this.usage[key] ?? 0) + value;
        }
        break;
      }
      case 'token_checkpoint': {
        const phase = stringField(data, 'phase');
        if (phase === 'start') this.checkpointStart.offer(index, readTokens(data));
        if (phase === 'end') this.checkpointEnd.offer(index, readTokens(data));
        break;
      }
      case 'git_metrics_recorded':
        this.gitMetrics.offer(index, data);
        break;
    }
  }

  private metric<K extends MetricKey>(key: K): MetricValues[K] {
    return (this.metrics.get(key)?.value ?? null) as MetricValues[K];
  }

  /** Recorded usage when there is any; else the difference between the token checkpoints. */
  private tokens(): Tokens | null {
    if (this.usageEvents > 0) return { ...this.usage };
    const end = this.checkpointEnd.value;
    if (end === undefined) return null;
    const start = this.checkpointStart.value;
    const delta = (key: TokenKey): number | null => {
      const last = end[key];
      if (start === undefined || last === null) return last;
      const first = start[key];
      return first === null || first > last ? null : last - first;
    };
    return {
      input: delta('input'),
      output: delta('output'),
      cacheRead: delta('cacheRead'),
      cacheWrite: delta('cacheWrite'),
    };
  }

  finish(): WorkrailSession {
    const git = this.gitMetrics.value;
    const completion = this.completion.value;
    const timed = Number.isFinite(this.firstAt);
    const prNumbers = new Set([...(this.metric('metrics_pr_numbers') ?? []), ...this.deliveredPrs]);
    return {
      sessionId: this.sessionId,
      workflowId: this.workflow.value ?? null,
      completed: completion !== undefined,
      outcome: this.metric('metrics_outcome') ?? UNKNOWN_OUTCOME,
      prNumbers: [...prNumbers].sort((a, b) => a - b),
      // Git's own numbers win over what the agent reported, field by field.
      filesChanged: countField(git, 'filesChanged') ?? this.metric('metrics_files_changed'),
      linesAdded: countField(git, 'linesAdded') ?? this.metric('metrics_lines_added'),
      linesRemoved: countField(git, 'linesRemoved') ?? this.metric('metrics_lines_removed'),
      durationMs: completion?.durationMs ?? (timed ? this.lastAt - this.firstAt : null),
      endedAt: completion?.at ?? (timed ? this.lastAt : null),
      steps: this.steps,
      retries: this.retries,
      tokens: this.tokens(),
      harness: this.metric('metrics_harness'),
      model: this.metric('metrics_active_model'),
    };
  }
}
