/**
 * Tasks and gate decisions in columns: one typed array per field, strings that repeat (arms,
 * statuses, sessions) as indexes into a small dictionary, join keys as 64-bit hashes (key-hash.ts).
 * A log of millions of records is held in a few bytes per field instead of an object per record,
 * and the analyzers that scan every task (trend, latency, rolling health) read the columns.
 *
 * Unknown numbers are NaN; an unknown boolean is -1. Row i of every column is the same task.
 */
export interface TaskColumns {
  readonly length: number;
  /** Dictionary of arm names; `arm[i]` indexes it. */
  readonly arms: readonly string[];
  readonly arm: Uint32Array;
  /** Dictionary of statuses; `status[i]` indexes it. */
  readonly statuses: readonly string[];
  readonly status: Uint32Array;
  /** Dictionary of session ids; `session[i]` indexes it, -1 for none. */
  readonly sessions: readonly string[];
  readonly session: Int32Array;
  /** The task key (prompt fingerprint) as a 64-bit hash: retries of one task share it. */
  readonly keyHi: Uint32Array;
  readonly keyLo: Uint32Array;
  readonly attemptNumber: Uint32Array;
  readonly completedAt: Float64Array;
  readonly inputTokens: Float64Array;
  readonly cacheReadTokens: Float64Array;
  readonly cacheCreationTokens: Float64Array;
  /** 1 passed, 0 failed, -1 unknown. */
  readonly acceptancePassed: Int8Array;
  readonly msElapsed: Float64Array;
}

export interface GateDecisionColumns {
  readonly length: number;
  readonly arms: readonly string[];
  readonly arm: Uint32Array;
  readonly at: Float64Array;
  /** The attempt id as a 64-bit hash: breaks ties between decisions at the same time. */
  readonly keyHi: Uint32Array;
  readonly keyLo: Uint32Array;
  /** 1 denied, 0 allowed. */
  readonly denied: Uint8Array;
}
