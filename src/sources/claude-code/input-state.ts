import { z } from 'zod';
import type { AgentCall, ResultBlock } from './correlate.js';
import { AgentResult } from './schema.js';
import { type SavedTranscript, Transcript } from './usage.js';

/**
 * What one input (a transcript file, or a byte range of one) contributes to a run, compact and
 * JSON-serialisable: its line counts, the sessions it belongs to, its agent calls, the tool
 * results that may answer one, and the subagent transcripts it holds. Nothing here depends on
 * another input, so inputs can be read on any thread, in any order, or in earlier runs
 * (--incremental keeps one per file) and merged: the join happens only once every input is in.
 */
export class InputState {
  lines = 0;
  blank = 0;
  skipped = 0;
  toolCalls = 0;
  messages = 0;
  other = 0;
  unknownType = 0;
  readonly sessions = new Set<string>();
  readonly subagents = new Set<string>();
  readonly compactions = new Set<string>();
  readonly calls: AgentCall[] = [];
  /** The tool_result blocks of each line that may answer an agent call. */
  readonly results: ResultBlock[][] = [];
  readonly transcripts = new Map<string, Transcript>();

  transcript(agentId: string): Transcript {
    let transcript = this.transcripts.get(agentId);
    if (transcript === undefined) {
      transcript = new Transcript(agentId);
      this.transcripts.set(agentId, transcript);
    }
    return transcript;
  }

  /** Adds what another part of the same reading holds (a later range, a restored earlier run). */
  merge(saved: SavedInputState): void {
    const [lines, blank, skipped, toolCalls, messages, other, unknownType] = saved.counts;
    this.lines += lines;
    this.blank += blank;
    this.skipped += skipped;
    this.toolCalls += toolCalls;
    this.messages += messages;
    this.other += other;
    this.unknownType += unknownType;
    for (const session of saved.sessions) this.sessions.add(session);
    for (const agentId of saved.subagents) this.subagents.add(agentId);
    for (const agentId of saved.compactions) this.compactions.add(agentId);
    this.calls.push(...saved.calls);
    this.results.push(...saved.results);
    for (const transcript of saved.transcripts) {
      const kept = this.transcripts.get(transcript.agentId);
      if (kept === undefined) this.transcripts.set(transcript.agentId, Transcript.restore(transcript));
      else kept.merge(transcript);
    }
  }

  save(): SavedInputState {
    return {
      v: SAVED_INPUT_VERSION,
      counts: [
        this.lines,
        this.blank,
        this.skipped,
        this.toolCalls,
        this.messages,
        this.other,
        this.unknownType,
      ],
      sessions: [...this.sessions],
      subagents: [...this.subagents],
      compactions: [...this.compactions],
      calls: [...this.calls],
      results: [...this.results],
      transcripts: [...this.transcripts.values()].map((transcript) => transcript.save()),
    };
  }
}

const SAVED_INPUT_VERSION = 1;
const Count = z.int().nonnegative();
const Time = z.number().nullable();
const UsageTuple = z.tuple([Count.nullable(), Count.nullable(), Count.nullable(), Count.nullable()]);

/** The saved form of an InputState: what --incremental keeps per file, checked when read back. */
export const SavedInputState = z.object({
  v: z.literal(SAVED_INPUT_VERSION),
  /** lines, blank, skipped, tool_calls, messages, other, unknown_type */
  counts: z.tuple([Count, Count, Count, Count, Count, Count, Count]),
  sessions: z.array(z.string()),
  subagents: z.array(z.string()),
  compactions: z.array(z.string()),
  calls: z.array(
    z.object({
      toolUseId: z.string(),
      arm: z.string(),
      promptFingerprint: z.string().nullable(),
      identityFingerprint: z.string(),
      at: Time,
      sessionId: z.string().nullable(),
    }),
  ),
  results: z.array(
    z.array(
      z.object({
        toolUseId: z.string(),
        at: Time,
        isError: z.boolean(),
        errorMessage: z.string().nullable(),
        result: AgentResult.nullable(),
      }),
    ),
  ),
  transcripts: z.array(
    z.object({
      agentId: z.string(),
      parent: z.string().nullable(),
      first: Time,
      last: Time,
      responses: z.array(z.tuple([z.string(), UsageTuple])),
      anonymous: z.array(UsageTuple),
    }),
  ),
});
export type SavedInputState = z.infer<typeof SavedInputState>;

export type { SavedTranscript };
