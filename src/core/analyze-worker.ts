import { parentPort, workerData } from 'node:worker_threads';
import type { AnalyzerContext } from '../analyzers/types.js';
import type { FindingDraft } from '../findings/schema.js';
import { PARALLEL_SOURCES } from '../sources/parallel-sources.js';

/**
 * A worker thread that runs one analyzer of a source over the dataset fields it declared
 * (`meta.offload`): the same pure function the main thread would run, on the other core.
 */
export interface AnalyzeJob {
  readonly source: string;
  readonly analyzerId: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly context: AnalyzerContext;
}

export type AnalyzeOutcome = { readonly findings: FindingDraft[] } | { readonly error: string };

const job = workerData as AnalyzeJob;
const load = PARALLEL_SOURCES[job.source];
const analyzer = (await load?.())?.analyzers.find((candidate) => candidate.meta.id === job.analyzerId);
if (analyzer === undefined)
  throw new Error(`no analyzer ${job.analyzerId} of ${job.source} can run on a worker`);
const outcome: AnalyzeOutcome = { findings: analyzer.analyze(job.fields as never, job.context) };
parentPort?.postMessage(outcome);
