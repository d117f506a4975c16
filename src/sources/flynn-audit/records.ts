// What the flynn-audit source reads, in their own file so its analyzer (flynn-health.ts) can
// name them without importing the source's index, which imports the analyzer.

/** A run reaching a terminal state (complete, cancelled, error). */
export interface RunEnd {
  readonly at: number;
  readonly key: string;
  readonly channel: string | null;
  readonly session: string | null;
  readonly state: 'complete' | 'cancelled' | 'error';
}

export interface CancelAck {
  readonly at: number;
  readonly channel: string | null;
  readonly latencyMs: number;
}

/** A reaction decision: matched a rule, or skipped with a reason category. */
export interface ReactionDecision {
  readonly at: number;
  readonly key: string;
  readonly channel: string | null;
  readonly matched: boolean;
  readonly reason: string | null;
}

export interface FlynnDataset {
  readonly runEnds: readonly RunEnd[];
  readonly cancels: readonly CancelAck[];
  readonly reactions: readonly ReactionDecision[];
}
