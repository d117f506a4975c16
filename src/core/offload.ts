import { Worker } from 'node:worker_threads';
import { PARALLEL_SOURCES } from '../sources/parallel-sources.js';
import type { AnalyzerOffload } from '../sources/types.js';
import type { AnalyzeJob, AnalyzeOutcome } from './analyze-worker.js';

/**
 * Runs offloadable analyzers of `source` on worker threads (one each), or undefined when the source
 * cannot. The dataset fields are copied to the worker: for a million tasks that is tens of
 * milliseconds against seconds of statistics, and the main thread meanwhile runs the rest.
 */
export function workerOffload(source: string): AnalyzerOffload | undefined {
  if (PARALLEL_SOURCES[source] === undefined) return undefined;
  return (analyzerId, fields, context) =>
    new Promise((resolve, reject) => {
      const job: AnalyzeJob = { source, analyzerId, fields, context };
      const worker = new Worker(new URL('./analyze-worker.js', import.meta.url), { workerData: job });
      worker.once('message', (outcome: AnalyzeOutcome) => {
        if ('error' in outcome) reject(new Error(outcome.error));
        else resolve(outcome.findings);
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`analyzer worker exited with code ${code}`)));
    });
}
