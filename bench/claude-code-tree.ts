import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mulberry32, type RandomSource } from '../src/stats/random.js';

/**
 * A seeded generator of Claude Code transcript trees in the shape current versions write
 * (../shared/docs/sources.md §2): `<project>/<session>.jsonl` per session, and for each subagent
 * `<project>/<session>/subagents/agent-<id>.jsonl` with its `.meta.json`. Every line carries the
 * envelope Claude Code writes (parentUuid, isSidechain, userType, cwd, sessionId, version,
 * gitBranch, type, uuid, timestamp); an API response's usage is repeated on one line per content
 * block; tool results carry file contents and command output, the bulk of a real tree's bytes.
 * Some subagents run in the background, some calls are rejected, some sessions hold a compaction.
 * Never real user data: the text is drawn from a small word list. Same seed and size, same bytes.
 */
export interface TreeOptions {
  readonly seed: number;
  readonly targetBytes: number;
  /** About this many files in all (sessions and subagent transcripts). */
  readonly files: number;
}

const WORDS =
  'the of and to in is that for it as with was on be by this are or at from an which have not but all were when we there can been has more if will would one so what out up about into them than then its only other new some could time these two may first any like now my over such our also most me back after use way well many even want because good each those people through how day'.split(
    ' ',
  );
const TOOLS = ['Read', 'Bash', 'Grep', 'Edit', 'Glob'] as const;
const AGENT_TYPES = ['Explore', 'general-purpose', 'Plan', 'code-reviewer'] as const;
const T0 = Date.UTC(2026, 0, 5, 8);

class Writer {
  bytes = 0;
  private readonly chunks: string[] = [];
  constructor(readonly file: string) {}
  line(value: unknown): void {
    const text = `${JSON.stringify(value)}\n`;
    this.bytes += Buffer.byteLength(text);
    this.chunks.push(text);
  }
  close(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, this.chunks.join(''));
  }
}

function pick<T>(random: RandomSource, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function hex(random: RandomSource, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += Math.floor(random() * 16).toString(16);
  return text;
}

function uuid(random: RandomSource): string {
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`;
}

function base62(random: RandomSource, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

function words(random: RandomSource, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(pick(random, WORDS));
  return out.join(' ');
}

/** A file's content as Read shows it: numbered lines. */
function fileText(random: RandomSource, bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let n = 1; size < bytes; n++) {
    const line = `${String(n).padStart(6)}→  ${words(random, 4 + Math.floor(random() * 10))}`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

interface Context {
  readonly random: RandomSource;
  readonly sessionId: string;
  readonly cwd: string;
  readonly agentId?: string;
  clock: number;
  parent: string | null;
}

function envelope(context: Context, type: string): Record<string, unknown> {
  const id = uuid(context.random);
  const head = {
    parentUuid: context.parent,
    isSidechain: context.agentId !== undefined,
    userType: 'external',
    cwd: context.cwd,
    sessionId: context.sessionId,
    version: '2.1.39',
    gitBranch: 'main',
    ...(context.agentId === undefined ? {} : { agentId: context.agentId }),
    type,
  };
  context.parent = id;
  return { ...head, uuid: id };
}

function stamp(context: Context, stepMs: number): string {
  context.clock += stepMs;
  return new Date(context.clock).toISOString();
}

function usage(random: RandomSource, output: number): Record<string, unknown> {
  const creation = Math.floor(random() * 4000);
  return {
    input_tokens: 1 + Math.floor(random() * 8),
    cache_creation_input_tokens: creation,
    cache_read_input_tokens: 10_000 + Math.floor(random() * 60_000),
    cache_creation: { ephemeral_5m_input_tokens: creation, ephemeral_1h_input_tokens: 0 },
    output_tokens: output,
    service_tier: 'standard',
  };
}

/** One API response: a text block and a tool_use block, each on its own line with the same usage. */
function assistantTurn(w: Writer, context: Context, blocks: Record<string, unknown>[]): void {
  const { random } = context;
  const messageId = `msg_01${base62(random, 22)}`;
  const requestId = `req_011C${base62(random, 20)}`;
  const output = 20 + Math.floor(random() * 600);
  blocks.forEach((block, index) => {
    const last = index === blocks.length - 1;
    const line = envelope(context, 'assistant');
    const { type: _type, uuid: id, ...head } = line;
    w.line({
      ...head,
      message: {
        model: 'claude-sonnet-4-5-20250929',
        id: messageId,
        type: 'message',
        role: 'assistant',
        content: [block],
        stop_reason: last ? 'tool_use' : null,
        stop_sequence: null,
        usage: usage(random, last ? output : 3),
      },
      requestId,
      type: 'assistant',
      uuid: id,
      timestamp: stamp(context, 400 + Math.floor(random() * 3000)),
    });
  });
}

function userLine(w: Writer, context: Context, content: unknown, extra: Record<string, unknown> = {}): void {
  w.line({
    ...envelope(context, 'user'),
    message: { role: 'user', content },
    ...extra,
    timestamp: stamp(context, 50 + Math.floor(random01(context) * 2000)),
  });
}

function random01(context: Context): number {
  return context.random();
}

/** An ordinary tool call and its result: most of a transcript's bytes. */
function toolTurn(w: Writer, context: Context, resultBytes: number): void {
  const { random } = context;
  const tool = pick(random, TOOLS);
  const toolUseId = `toolu_01${base62(random, 22)}`;
  const filePath = `${context.cwd}/src/${words(random, 1)}/${words(random, 1)}.ts`;
  assistantTurn(w, context, [
    { type: 'text', text: words(random, 12 + Math.floor(random() * 30)) },
    { type: 'tool_use', id: toolUseId, name: tool, input: { file_path: filePath } },
  ]);
  w.line({
    ...envelope(context, 'progress'),
    data: { type: 'hook_progress', hookEvent: 'PostToolUse', hookName: `PostToolUse:${tool}` },
    parentToolUseID: toolUseId,
    toolUseID: toolUseId,
    timestamp: stamp(context, 20),
  });
  const text = fileText(random, resultBytes);
  userLine(w, context, [{ tool_use_id: toolUseId, type: 'tool_result', content: text }], {
    toolUseResult:
      tool === 'Read'
        ? { type: 'text', file: { filePath, content: text, numLines: 100, startLine: 1, totalLines: 100 } }
        : { stdout: text, stderr: '', interrupted: false, isImage: false },
  });
}

interface TreeState {
  readonly random: RandomSource;
  readonly root: string;
  readonly bytesPerFile: number;
  written: number;
  files: number;
}

/** A subagent's own transcript; its first and last timestamps frame its duration. */
function subagentFile(
  state: TreeState,
  parent: Context,
  dir: string,
  agentId: string,
  prompt: string,
): number {
  const { random } = state;
  const w = new Writer(path.join(dir, 'subagents', `agent-${agentId}.jsonl`));
  const context: Context = {
    random,
    sessionId: parent.sessionId,
    cwd: parent.cwd,
    agentId,
    clock: parent.clock,
    parent: null,
  };
  userLine(w, context, prompt);
  while (w.bytes < state.bytesPerFile) toolTurn(w, context, 1000 + Math.floor(random() * 12_000));
  assistantTurn(w, context, [{ type: 'text', text: words(random, 80) }]);
  w.close();
  writeFileSync(
    path.join(dir, 'subagents', `agent-${agentId}.meta.json`),
    JSON.stringify({ agentType: 'Explore' }),
  );
  state.written += w.bytes;
  state.files += 1;
  return context.clock;
}

function sessionFile(state: TreeState, project: string, index: number): void {
  const { random } = state;
  const sessionId = uuid(random);
  const dir = path.join(state.root, project, sessionId);
  const w = new Writer(path.join(state.root, project, `${sessionId}.jsonl`));
  const context: Context = {
    random,
    sessionId,
    cwd: `/home/dev/${project.replace(/^-home-dev-/, '')}`,
    clock: T0 + index * 3_600_000,
    parent: null,
  };
  w.line({ type: 'queue-operation', operation: 'dequeue', timestamp: stamp(context, 0), sessionId });
  userLine(w, context, words(random, 30));
  w.line({
    type: 'file-history-snapshot',
    messageId: uuid(random),
    snapshot: { trackedFileBackups: {}, timestamp: new Date(context.clock).toISOString() },
    isSnapshotUpdate: false,
  });
  const agents = 2;
  let agentsDone = 0;
  while (w.bytes < state.bytesPerFile || agentsDone < agents) {
    if (w.bytes > (state.bytesPerFile * (agentsDone + 1)) / (agents + 1) && agentsDone < agents) {
      agentCall(state, w, context, dir, agentsDone === 1 && index % 3 === 0);
      agentsDone += 1;
      continue;
    }
    toolTurn(w, context, 1000 + Math.floor(random() * 12_000));
    if (random() < 0.05) {
      w.line({
        ...envelope(context, 'system'),
        subtype: 'stop_hook_summary',
        content: words(random, 8),
        timestamp: stamp(context, 10),
      });
    }
  }
  // Now and then a call the tool rejects before it runs: no prompt, InputValidationError.
  if (index % 7 === 0) rejectedCall(w, context);
  // A compaction writes its own agent-acompact-* transcript, which is not a subagent.
  if (index % 5 === 0) compaction(state, context, dir);
  w.close();
  state.written += w.bytes;
  state.files += 1;
}

function agentCall(state: TreeState, w: Writer, context: Context, dir: string, background: boolean): void {
  const { random } = state;
  const toolUseId = `toolu_01${base62(random, 22)}`;
  const agentId = `a${hex(random, 16)}`;
  const subagentType = pick(random, AGENT_TYPES);
  const prompt = words(random, 40 + Math.floor(random() * 80));
  assistantTurn(w, context, [
    {
      type: 'tool_use',
      id: toolUseId,
      name: 'Agent',
      input: {
        description: words(random, 4),
        subagent_type: subagentType,
        prompt,
        ...(background ? { run_in_background: true } : {}),
      },
    },
  ]);
  const started = context.clock;
  const ended = subagentFile(state, context, dir, agentId, prompt);
  if (background) {
    userLine(w, context, [{ tool_use_id: toolUseId, type: 'tool_result', content: 'Async agent launched' }], {
      toolUseResult: { isAsync: true, status: 'async_launched', agentId, description: 'x', prompt },
    });
    return;
  }
  context.clock = ended;
  userLine(
    w,
    context,
    [{ tool_use_id: toolUseId, type: 'tool_result', content: [{ type: 'text', text: words(random, 60) }] }],
    {
      toolUseResult: {
        status: 'completed',
        prompt,
        agentId,
        content: [{ type: 'text', text: words(random, 60) }],
        totalDurationMs: ended - started,
        totalTokens: 30_000 + Math.floor(random() * 40_000),
        totalToolUseCount: 12,
        usage: usage(random, 400),
      },
    },
  );
}

function rejectedCall(w: Writer, context: Context): void {
  const { random } = context;
  const toolUseId = `toolu_01${base62(random, 22)}`;
  assistantTurn(w, context, [
    {
      type: 'tool_use',
      id: toolUseId,
      name: 'Agent',
      input: { description: words(random, 3), subagent_type: 'Explore' },
    },
  ]);
  const error =
    'InputValidationError: Agent failed due to the following issue:\nThe required parameter `prompt` is missing';
  userLine(
    w,
    context,
    [
      {
        type: 'tool_result',
        content: `<tool_use_error>${error}</tool_use_error>`,
        is_error: true,
        tool_use_id: toolUseId,
      },
    ],
    { toolUseResult: `Error: ${error}` },
  );
}

function compaction(state: TreeState, parent: Context, dir: string): void {
  const { random } = state;
  const w = new Writer(path.join(dir, 'subagents', `agent-acompact-${hex(random, 6)}.jsonl`));
  const context: Context = {
    random,
    sessionId: parent.sessionId,
    cwd: parent.cwd,
    agentId: `acompact-${hex(random, 6)}`,
    clock: parent.clock,
    parent: null,
  };
  userLine(w, context, 'Your task is to create a detailed summary of the conversation so far');
  assistantTurn(w, context, [{ type: 'text', text: words(random, 400) }]);
  w.close();
  state.written += w.bytes;
  state.files += 1;
}

/** Writes a tree under `root`; returns its bytes and file count. */
export function generateClaudeCodeTree(root: string, options: TreeOptions): { bytes: number; files: number } {
  const random = mulberry32(options.seed);
  // A session with two subagents is three files, and now and then a compaction.
  const sessions = Math.max(1, Math.round(options.files / 3.1));
  const state: TreeState = {
    random,
    root,
    bytesPerFile: Math.max(2000, Math.floor(options.targetBytes / (sessions * 3))),
    written: 0,
    files: 0,
  };
  for (let index = 0; index < sessions; index++) {
    sessionFile(state, `-home-dev-project-${index % 6}`, index);
  }
  return { bytes: state.written, files: state.files };
}
