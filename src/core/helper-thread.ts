import { Worker } from 'node:worker_threads';
import { PARALLEL_SOURCES } from '../sources/parallel-sources.js';
import { AfterburnError } from './errors.js';
import type { HelperMessage, ParseJob, ParseOutcome, ParseReply } from './helper-protocol.js';

/**
 * The second core's thread for one run. It is started before the inputs are planned, so its
 * modules are loaded by the time the first large file is split; it then parses the second half of
 * each large file while this thread parses the first.
 */
const YOUNG_GENERATION_MB = 8;

let prestarted: HelperThread | null = null;

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
   * A helper for `source`, or null when the source cannot parse on one. Takes the prestarted
   * helper when there is one for this source.
   */
  static start(source: string): HelperThread | null {
    const early = prestarted;
    prestarted = null;
    if (early !== null && early.source === source) {
      early.worker.ref();
      return early;
    }
    void early?.close();
    return PARALLEL_SOURCES[source] === undefined ? null : new HelperThread(source);
  }

  /**
   * Starts a helper before the rest of the program loads, for a run that will likely split a
   * large log: both load at once instead of one after the other. It does not keep the process
   * alive; unclaimed, it ends with the process.
   */
  static prestart(source: string): void {
    if (prestarted !== null || PARALLEL_SOURCES[source] === undefined) return;
    prestarted = new HelperThread(source);
    prestarted.worker.unref();
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
