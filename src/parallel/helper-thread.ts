import { Worker } from 'node:worker_threads';
import { AfterburnError } from '../common/errors.js';
import { PARALLEL_SOURCES } from '../sources/parallel-sources.js';
import type { HelperMessage, ParseJob, ParseOutcome, ParseReply } from './helper-protocol.js';

const YOUNG_GENERATION_MB = 8;

let prestarted: HelperThread[] = [];

/**
 * A thread that parses part of each large file for one run, on a core of its own. Helpers are
 * started before any input is read (by the bin's prestart, before the CLI loads, when it can tell),
 * so their modules are loaded by the time the first large file is split; each then parses one
 * range of it while this thread parses the first.
 */
export class HelperThread {
  private readonly worker: Worker;
  private pending: {
    resolve: (reply: ParseReply) => void;
    reject: (error: unknown) => void;
    onProgress: ((bytesRead: number) => void) | undefined;
  } | null = null;
  private broken: unknown = null;

  private constructor(private readonly source: string) {
    this.worker = new Worker(new URL('./helper-worker.js', import.meta.url), {
      workerData: { source },
      // Parsing makes short-lived garbage; a smaller young generation costs no time here and keeps
      // about 20 MB of peak memory off a 256 MB log.
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    this.worker.on('message', (message: HelperMessage) => {
      if (message.kind === 'progress') this.pending?.onProgress?.(message.bytesRead);
      else this.settle((pending) => pending.resolve(message));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the helper thread exited with code ${code}`)));
  }

  /** Whether `source` can parse on a helper thread. */
  static supports(source: string): boolean {
    return PARALLEL_SOURCES[source] !== undefined;
  }

  /**
   * `count` helpers for `source` (none when the source cannot parse on one), the prestarted ones
   * first, so a run on N threads has N - 1 of them.
   */
  static start(source: string, count: number): HelperThread[] {
    const early = prestarted;
    prestarted = [];
    const wanted = HelperThread.supports(source) ? count : 0;
    const helpers: HelperThread[] = [];
    for (const helper of early) {
      if (helper.source === source && helpers.length < wanted) {
        helper.worker.ref();
        helpers.push(helper);
      } else {
        void helper.close();
      }
    }
    while (helpers.length < wanted) helpers.push(new HelperThread(source));
    return helpers;
  }

  /**
   * Starts `count` helpers before the rest of the program loads, for a run that will likely split
   * a large log: they load while the CLI does instead of after it. They do not keep the process
   * alive; unclaimed, they end with the process.
   */
  static prestart(source: string, count: number): void {
    if (prestarted.length > 0 || !HelperThread.supports(source)) return;
    for (let i = 0; i < count; i += 1) {
      const helper = new HelperThread(source);
      helper.worker.unref();
      prestarted.push(helper);
    }
  }

  /** Parses a range; `onProgress` hears the bytes read so far (when the job asks for progress). */
  parse(job: ParseJob, onProgress?: (bytesRead: number) => void): Promise<ParseOutcome> {
    if (this.broken !== null) return Promise.reject(this.broken);
    if (this.pending !== null)
      return Promise.reject(new Error('the helper thread parses one range at a time'));
    return new Promise<ParseReply>((resolve, reject) => {
      this.pending = { resolve, reject, onProgress };
      this.worker.postMessage(job);
    }).then((reply) => {
      if (reply.kind === 'parsed') return reply;
      throw new AfterburnError(
        reply.code,
        reply.message,
        reply.hint === undefined ? {} : { hint: reply.hint },
      );
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private settle(action: (pending: NonNullable<HelperThread['pending']>) => void): void {
    const pending = this.pending;
    this.pending = null;
    if (pending !== null) action(pending);
  }

  private fail(error: unknown): void {
    this.broken ??= error;
    this.settle((pending) => pending.reject(error));
  }
}
