import { closeSync, openSync, writeSync } from 'node:fs';
import { mulberry32, type RandomSource } from '../src/stats/random.js';

/**
 * A seeded generator of realistic dispatch-outcomes logs of any size, for the bench and for tests
 * that need volume. Everything a real log has is here, in realistic proportions: several arms with
 * different token trends, retries, denies with block reasons and rationalizations, finalizes
 * written late (after other tasks' lines) or before their dispatch, older-producer finalizes
 * without attempt_id, unmatched dispatches and finalizes, duplicates, registry suggestions with
 * varying key order, unknown extra fields and malformed lines. Same seed and size, same bytes.
 */
export interface GenerateOptions {
  readonly seed: number;
  /** Stop after the first line that reaches this many bytes. */
  readonly targetBytes: number;
  /** Called with chunks of complete lines (each ends with '\n'). */
  readonly write: (chunk: string) => void;
}

const ARMS = [
  { name: 'coder', base: 9000, dailyDrift: -6 },
  { name: 'reviewer', base: 3000, dailyDrift: 0 },
  { name: 'planner', base: 5200, dailyDrift: -2 },
  { name: 'tester', base: 4100, dailyDrift: 3 },
] as const;
const BLOCK_REASONS = [
  'prompt names more than 3 files',
  'missing acceptance command',
  'design verb in an atomic dispatch',
  'prompt exceeds token budget',
];
const RATIONALIZATIONS = ['just a quick fix', 'tests can come later', 'it is basically the same change'];
const MALFORMED = [
  '{"kind":"dispatch","ts_dispatched":',
  'not json at all',
  '{"kind":"finalize","ts_completed":"yesterday","agent":"coder","prompt_fingerprint":"x","status":"completed"}',
  '[1,2,3]',
  '{"kind":"heartbeat","ts":1}',
];
const START = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

class LogWriter {
  private buffer: string[] = [];
  private bufferedChars = 0;
  bytes = 0;
  constructor(private readonly write: (chunk: string) => void) {}
  line(text: string): void {
    this.buffer.push(text);
    this.bufferedChars += text.length + 1;
    // Every generated character is ASCII, so characters are bytes.
    this.bytes += text.length + 1;
    if (this.bufferedChars >= 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buffer.length === 0) return;
    this.write(`${this.buffer.join('\n')}\n`);
    this.buffer = [];
    this.bufferedChars = 0;
  }
}

function pick<T>(random: RandomSource, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}

function suggestion(random: RandomSource): Record<string, unknown> {
  const capability = pick(random, ['run_migrations', 'read_logs', 'open_pull_request']);
  const agent = pick(random, ['coder', 'tester']);
  // Same suggestion, different key order: the analyzer must group them.
  return random() < 0.5
    ? { action: 'add_capability', agent, capability }
    : { capability, agent, action: 'add_capability' };
}

function finalizeRecord(
  random: RandomSource,
  task: { at: number; arm: (typeof ARMS)[number]; fingerprint: string; attemptId: string },
  status: string,
  withAttemptId: boolean,
): Record<string, unknown> {
  const days = (task.at - START) / DAY;
  const input = Math.max(
    200,
    Math.round(task.arm.base + task.arm.dailyDrift * days + (random() - 0.5) * 1600),
  );
  const cacheRead = Math.round(input * (0.2 + random() * 0.5));
  const output = 300 + Math.floor(random() * 900);
  return {
    kind: 'finalize',
    ts_completed: task.at + 60_000 + Math.floor(random() * 1_800_000),
    agent: task.arm.name,
    agent_id: `${task.arm.name}-${1 + Math.floor(random() * 4)}`,
    prompt_fingerprint: task.fingerprint,
    ...(withAttemptId ? { attempt_id: task.attemptId } : {}),
    status,
    ms_elapsed: 20_000 + Math.floor(random() * 400_000),
    total_tokens: input + output + cacheRead,
    input_tokens: input,
    output_tokens: output,
    cache_read_tokens: cacheRead,
    cache_creation_tokens: Math.round(input * 0.05),
    acceptance_passed: status === 'completed' ? random() < 0.9 : null,
    suggested_registry_edit: random() < 0.02 ? suggestion(random) : null,
    error: status === 'failed' ? 'acceptance command exited 1' : null,
    producer_version: '3.1.0',
  };
}

/** Writes lines until `targetBytes` is reached; returns the number of lines and bytes written. */
export function generateLog(options: GenerateOptions): { lines: number; bytes: number } {
  const random = mulberry32(options.seed);
  const out = new LogWriter(options.write);
  let lines = 0;
  const emit = (record: unknown): void => {
    out.line(typeof record === 'string' ? record : JSON.stringify(record));
    lines += 1;
  };
  // Finalizes wait here a few tasks before they are written, as they do in a real log.
  const late: { due: number; record: Record<string, unknown> }[] = [];
  let taskNo = 0;
  let at = START;
  while (out.bytes < options.targetBytes) {
    taskNo += 1;
    at += 30_000 + Math.floor(random() * 120_000);
    const arm = pick(random, ARMS);
    const fingerprint = `fp_${taskNo.toString(36)}_${Math.floor(random() * 0xffffff).toString(16)}`;
    const attempts = random() < 0.12 ? 2 : 1;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      const attemptId = `att_${taskNo.toString(36)}_${attempt}`;
      const denied = random() < 0.08;
      const dispatch = {
        kind: 'dispatch',
        ts_dispatched: at + (attempt - 1) * 3_600_000,
        agent: arm.name,
        attempt_id: attemptId,
        prompt_fingerprint: fingerprint,
        prompt_chars: 400 + Math.floor(random() * 6000),
        prompt_files_named: Math.floor(random() * 6),
        prompt_input_token_estimate: 1000 + Math.floor(random() * 8000),
        has_design_verb: random() < 0.1,
        has_acceptance_verb: random() < 0.85,
        atomic_hook_outcome: denied ? 'deny' : 'allow',
        block_reasons: denied ? [pick(random, BLOCK_REASONS)] : [],
        rationalization_match: denied && random() < 0.4 ? pick(random, RATIONALIZATIONS) : null,
        gate_version: '2.4.1',
        host: `build-${Math.floor(random() * 16)}`,
      };
      const task = { at: dispatch.ts_dispatched, arm, fingerprint, attemptId };
      const lost = random() < 0.02;
      const finalize =
        denied || lost
          ? null
          : finalizeRecord(random, task, attempt < attempts ? 'failed' : 'completed', random() > 0.1);
      if (finalize !== null && random() < 0.03) {
        emit(finalize); // written before its dispatch (merged or rotated logs)
        emit(dispatch);
      } else {
        emit(dispatch);
        if (finalize !== null) late.push({ due: taskNo + 1 + Math.floor(random() * 6), record: finalize });
      }
      if (finalize !== null && random() < 0.01) late.push({ due: taskNo + 8, record: finalize });
    }
    if (random() < 0.01) {
      emit(
        finalizeRecord(
          random,
          { at, arm, fingerprint: `orphan_${taskNo}`, attemptId: `orph_${taskNo}` },
          'completed',
          true,
        ),
      );
    }
    if (random() < 0.005) emit(pick(random, MALFORMED));
    while (late.length > 0 && (late[0] as { due: number }).due <= taskNo) emit(late.shift()?.record);
    if (late.length > 64) emit(late.shift()?.record);
  }
  out.flush();
  return { lines, bytes: out.bytes };
}

/** Writes a generated log to `file`. */
export function generateLogFile(
  file: string,
  seed: number,
  targetBytes: number,
): { lines: number; bytes: number } {
  const fd = openSync(file, 'w');
  try {
    return generateLog({ seed, targetBytes, write: (chunk) => writeSync(fd, chunk) });
  } finally {
    closeSync(fd);
  }
}
