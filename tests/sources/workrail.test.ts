import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LineLocation } from '../../src/sources/types.js';
import { workrailAdapter } from '../../src/sources/workrail/index.js';
import { accountedLines, DAY, SessionBuilder, T0 } from '../helpers/workrail.js';

interface FileLines {
  readonly name: string;
  readonly lines: readonly string[];
}

/** Feeds files to the source in the order given, as the CLI does after expanding a data directory. */
function run(files: readonly FileLines[]) {
  const skipped: { location: LineLocation; reason: string }[] = [];
  const session = workrailAdapter.open({ skipped: (location, reason) => skipped.push({ location, reason }) });
  for (const file of files) {
    file.lines.forEach((text, i) => {
      session.acceptLine(text, { input: file.name, line: i + 1 });
    });
  }
  return { ...session.finish(), skipped };
}

function manifest(id: string, segments: readonly string[]): FileLines {
  return {
    name: `data/sessions/${id}/manifest.jsonl`,
    lines: segments.map((segment, i) =>
      JSON.stringify({
        v: 1,
        manifestIndex: i,
        sessionId: id,
        kind: 'segment_closed',
        firstEventIndex: 0,
        lastEventIndex: 0,
        segmentRelPath: `events/${segment}`,
        sha256: 'x',
        bytes: 1,
      }),
    ),
  };
}

/** One closed segment holding every event of the session. */
function closedSession(builder: SessionBuilder, lines = builder.lines): FileLines[] {
  const segment = '00000000-00004999.jsonl';
  return [
    manifest(builder.sessionId, [segment]),
    { name: `data/sessions/${builder.sessionId}/events/${segment}`, lines },
  ];
}

function onlySession(files: readonly FileLines[]) {
  const result = run(files);
  expect(result.dataset.sessions).toHaveLength(1);
  return result.dataset.sessions[0] as NonNullable<(typeof result.dataset.sessions)[0]>;
}

describe('workrail: rebuilding a session', () => {
  it('takes the last value of each metrics key by event index, malformed values as null', () => {
    const builder = new SessionBuilder('s1')
      .runStarted('wf.bugfix')
      .context({ metrics_outcome: 'partial', metrics_files_changed: 4, metrics_harness: 'claude-code' })
      .context({ metrics_outcome: 'success', metrics_lines_added: 'many', metrics_pr_numbers: [12, 7] })
      .completed({ durationMs: 90_000 });
    const lines = builder.lines;
    // Line order must not matter: the event index decides which snapshot is last.
    const session = onlySession(closedSession(builder, [...lines].reverse()));
    expect(session).toMatchObject({
      workflowId: 'wf.bugfix',
      completed: true,
      outcome: 'success',
      filesChanged: 4,
      linesAdded: null,
      prNumbers: [7, 12],
      harness: 'claude-code',
      durationMs: 90_000,
    });
  });

  it('treats a malformed or unknown outcome as unknown, never as an error', () => {
    for (const outcome of ['great', 42, null, ['success']]) {
      const builder = new SessionBuilder('s1').context({ metrics_outcome: outcome }).completed();
      expect(onlySession(closedSession(builder)).outcome).toBe('unknown');
    }
  });

  it('lets git metrics win over agent reports, field by field, and adds delivered PR numbers', () => {
    const builder = new SessionBuilder('s1')
      .context({
        metrics_files_changed: 9,
        metrics_lines_added: 900,
        metrics_lines_removed: 90,
        metrics_pr_numbers: [3],
      })
      .gitMetrics({ filesChanged: 2, linesAdded: 40, linesRemoved: 'n/a' })
      .delivered('https://github.com/acme/app/pull/41')
      .completed();
    expect(onlySession(closedSession(builder))).toMatchObject({
      filesChanged: 2,
      linesAdded: 40,
      linesRemoved: 90,
      prNumbers: [3, 41],
    });
  });

  it('counts steps and retries, sums usage, and falls back to token checkpoints', () => {
    const withUsage = new SessionBuilder('s1')
      .steps(3)
      .retries(2)
      .usage({ inputTokens: 1000, outputTokens: 200, cacheReadTokens: 5000, cacheWriteTokens: 100 })
      .usage({ inputTokens: 500, outputTokens: 'x', cacheReadTokens: 0, cacheWriteTokens: 0 })
      .completed();
    expect(onlySession(closedSession(withUsage))).toMatchObject({
      steps: 3,
      retries: 2,
      tokens: { input: 1500, output: 200, cacheRead: 5000, cacheWrite: 100 },
    });
    const withCheckpoints = new SessionBuilder('s2')
      .checkpoint('start', { inputTokens: 100, outputTokens: 10 })
      .checkpoint('end', { inputTokens: 2100, outputTokens: 310 })
      .completed();
    expect(onlySession(closedSession(withCheckpoints)).tokens).toEqual({
      input: 2000,
      output: 300,
      cacheRead: null,
      cacheWrite: null,
    });
  });

  it('takes the duration from run_completed, else from the first and last timestampMs', () => {
    const timed = new SessionBuilder('s1', { start: T0 }).steps(4).completed();
    // session_created + 4 steps + run_completed, a minute apart.
    expect(onlySession(closedSession(timed))).toMatchObject({
      durationMs: 5 * 60_000,
      endedAt: T0 + 5 * 60_000,
    });
    const old = new SessionBuilder('s2', { start: null }).steps(2).completed();
    expect(onlySession(closedSession(old))).toMatchObject({
      durationMs: null,
      endedAt: null,
      completed: true,
    });
  });

  it('gives the same sessions whatever the order of the event lines (property)', () => {
    const builder = new SessionBuilder('s1')
      .runStarted('wf')
      .context({ metrics_outcome: 'error', metrics_files_changed: 1 })
      .steps(2)
      .context({ metrics_outcome: 'success' })
      .gitMetrics({ filesChanged: 3, linesAdded: 1, linesRemoved: 2 })
      .gitMetrics({ filesChanged: 5, linesAdded: 10, linesRemoved: 20 })
      .usage({ inputTokens: 10 })
      .completed({ durationMs: 1 });
    const expected = onlySession(closedSession(builder));
    fc.assert(
      fc.property(fc.shuffledSubarray(builder.lines, { minLength: builder.lines.length }), (shuffled) => {
        expect(onlySession(closedSession(builder, shuffled))).toEqual(expected);
      }),
      { seed: 7, numRuns: 100 },
    );
  });
});

describe('workrail: counts', () => {
  it('reads only closed segments, counts in-progress sessions and accounts for every line', () => {
    const done = new SessionBuilder('done').runStarted('wf').completed();
    const running = new SessionBuilder('running').runStarted('wf').steps(1);
    const open = new SessionBuilder('done').event('node_created', { nodeKind: 'step' });
    const duplicate = done.lines[1] as string;
    const result = run([
      manifest('done', ['00000000-00000002.jsonl']),
      {
        name: 'data/sessions/done/events/00000000-00000002.jsonl',
        lines: [...done.lines, duplicate, '', '{torn'],
      },
      // Not named by a segment_closed record: its steps must not count.
      { name: 'data/sessions/done/events/00000003-00000004.jsonl', lines: [...open.lines, 'garbage'] },
      {
        ...manifest('running', ['00000000-00000002.jsonl']),
        lines: [
          ...manifest('running', ['00000000-00000002.jsonl']).lines,
          '{"v":1}',
          '{"kind":"snapshot_pinned","v":1}',
        ],
      },
      { name: 'data/sessions/running/events/00000000-00000002.jsonl', lines: running.lines },
    ]);
    const { counts } = result;
    expect(counts).toEqual({
      lines: 16,
      blank: 1,
      skipped: 2,
      dispatch: 0,
      finalize: 0,
      joined: 0,
      denied: 0,
      unmatched_dispatch: 0,
      unmatched_finalize: 0,
      duplicates: 1,
      manifest: 3,
      events: 7,
      ignored: 3,
      segments_ignored: 1,
      sessions: 2,
      completed: 1,
      in_progress: 1,
    });
    expect(counts.lines).toBe(accountedLines(counts));
    expect(result.skipped.map((s) => s.reason)).toEqual([
      'not valid JSON',
      'manifest record field "kind": expected string, received undefined',
    ]);
    expect(result.dataset.sessions.find((s) => s.sessionId === 'done')?.steps).toBe(0);
  });

  it('keeps the line invariant on arbitrary input (property)', () => {
    const line = fc.oneof(
      fc.string(),
      fc.constant(''),
      fc.constantFrom(...new SessionBuilder('p').runStarted('wf').steps(2).completed().lines),
    );
    fc.assert(
      fc.property(fc.array(line), fc.array(line), fc.array(line), (closed, open, manifestLines) => {
        const { counts } = run([
          { ...manifest('p', ['a.jsonl']), lines: [...manifest('p', ['a.jsonl']).lines, ...manifestLines] },
          { name: 'data/sessions/p/events/a.jsonl', lines: closed },
          { name: 'data/sessions/p/events/b.jsonl', lines: open },
        ]);
        expect(counts.lines).toBe(accountedLines(counts));
        expect(counts.ignored).toBe(open.length);
        expect(counts.sessions).toBe(Number(counts.completed) + Number(counts.in_progress));
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});

describe('workrail: tasks for the efficiency trend', () => {
  it('turns each successful, completed, dated session into a task whose arm is its workflow', () => {
    const files = [
      new SessionBuilder('ok', { start: T0 + DAY })
        .runStarted('wf.a')
        .context({ metrics_outcome: 'success' })
        .usage({ inputTokens: 700, cacheReadTokens: 300 })
        .completed(),
      new SessionBuilder('failed').runStarted('wf.a').context({ metrics_outcome: 'error' }).completed(),
      new SessionBuilder('running').runStarted('wf.a').context({ metrics_outcome: 'success' }),
      new SessionBuilder('old', { start: null })
        .runStarted('wf.a')
        .context({ metrics_outcome: 'success' })
        .completed(),
    ].flatMap((builder) => closedSession(builder));
    const { dataset } = run(files);
    expect(dataset.tasks).toEqual([
      expect.objectContaining({
        arm: 'wf.a',
        taskKey: 'ok',
        status: 'completed',
        inputTokens: 700,
        cacheReadTokens: 300,
        sessionId: 'ok',
      }),
    ]);
  });
});
