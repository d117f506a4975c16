import { stat } from 'node:fs/promises';
import type { InputFile } from '../input/inputs.js';
import { PARALLEL_SOURCES } from '../sources/parallel-sources.js';
import type { OpenLineParser } from '../sources/types.js';
import type { ParseJob, ParseOutcome } from './helper-protocol.js';
import type { HelperThread } from './helper-thread.js';
import { parseRange } from './parse-range.js';

/**
 * Many files spread over the cores: a tree of transcripts is hundreds of files of a few MB, too
 * small to cut into ranges, so each thread (the helpers and this one) parses whole files, taking
 * the next unread one as soon as it is free, and hands back the file's compact state. The run
 * adopts those states in input order, so what it keeps, reports and warns about does not depend
 * on which thread read what, or when.
 */
export class FilePool {
  private readonly pending = new Map<number, Promise<ParseOutcome>>();
  private next = 0;

  private constructor(
    private readonly jobs: ReadonlyMap<number, ParseJob>,
    private readonly order: readonly number[],
  ) {}

  /**
   * Starts parsing every input with a job, on `helpers` and on this thread; null when the source
   * cannot hand over a whole file's state (it is then read the usual way).
   */
  static async start(
    source: string,
    jobs: ReadonlyMap<number, ParseJob>,
    helpers: readonly HelperThread[],
  ): Promise<FilePool | null> {
    const load = PARALLEL_SOURCES[source];
    if (load === undefined || jobs.size === 0) return null;
    const pool = new FilePool(
      jobs,
      [...jobs.keys()].sort((a, b) => a - b),
    );
    const openParser = await load();
    for (const helper of helpers) void pool.work((job) => helper.parse(job));
    void pool.work((job) => parseHere(openParser, job));
    return pool;
  }

  /** Whether input `index` is read by the pool. */
  has(index: number): boolean {
    return this.jobs.has(index);
  }

  /** What the pool read of input `index` (waits for it); throws what reading it threw. */
  take(index: number): Promise<ParseOutcome> {
    const outcome = this.pending.get(index);
    if (outcome === undefined) return Promise.reject(new Error(`input ${index} is not read by the pool`));
    this.pending.delete(index);
    return outcome;
  }

  private async work(parse: (job: ParseJob) => Promise<ParseOutcome>): Promise<void> {
    for (;;) {
      const index = this.order[this.next];
      if (index === undefined) return;
      this.next += 1;
      const outcome = parse(this.jobs.get(index) as ParseJob);
      // Seen by take() in input order; a failure is kept for it, not left unhandled here.
      outcome.catch(() => {});
      this.pending.set(index, outcome);
      await outcome.catch(() => {});
    }
  }
}

function parseHere(openParser: OpenLineParser, job: ParseJob): Promise<ParseOutcome> {
  return parseRange(openParser, job, () => {}).then(({ reply }) => reply);
}

/**
 * The job for each plain file a run reads in full or from its saved offset; none for gzip, stdin
 * and files the run reuses (`startOf` null).
 */
export async function wholeFileJobs(
  inputs: readonly InputFile[],
  options: {
    readonly maxLineBytes: number;
    readonly emitPartial: boolean;
    readonly startOf: (index: number) => number | null;
  },
): Promise<Map<number, ParseJob>> {
  const jobs = new Map<number, ParseJob>();
  for (const [index, input] of inputs.entries()) {
    const start = options.startOf(index);
    // A pipe has no size and cannot be read twice: it takes the usual streaming path.
    if (input.kind !== 'file' || input.pipe || input.path === null || start === null) continue;
    // A file that cannot be read is left to the usual path, which reports its error.
    const size = (await stat(input.path).catch(() => null))?.size;
    if (size === undefined) continue;
    jobs.set(index, {
      name: input.name,
      path: input.path,
      start,
      emitPartial: options.emitPartial,
      maxLineBytes: options.maxLineBytes,
      bytes: Math.max(0, size - start),
      progress: false,
    });
  }
  return jobs;
}
