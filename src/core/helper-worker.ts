import { parentPort, workerData } from 'node:worker_threads';
import { PARALLEL_SOURCES } from '../sources/parallel-sources.js';
import { isAfterburnError } from './errors.js';
import {
  DETAILED_SKIPS,
  type ParseJob,
  type ParseOutcome,
  type ParseProgress,
  type ParseReply,
  PROGRESS_STEP_BYTES,
} from './helper-protocol.js';
import { readInto } from './read-input.js';

/**
 * The helper thread: parses byte ranges of logs with the same source code, schemas and limits as
 * the main thread and hands back what it read (the column buffers move, nothing is copied). It
 * loads the source's line handling at once, before its first job arrives.
 */
const load = PARALLEL_SOURCES[(workerData as { source: string }).source];
if (load === undefined) throw new Error('the helper thread was started for a source it cannot parse');
const parser = load();

async function parse(job: ParseJob): Promise<{ reply: ParseOutcome; transfer: ArrayBuffer[] }> {
  const skips: [number, string][] = [];
  let moreSkips = 0;
  const session = (await parser)({
    skipped: (location, reason) => {
      if (skips.length < DETAILED_SKIPS) skips.push([location.line, reason]);
      else moreSkips += 1;
    },
  });
  session.beginInput(undefined);
  session.reserveBytes(job.bytes);
  let posted = 0;
  const onBytes = (bytesRead: number): void => {
    if (bytesRead - posted < PROGRESS_STEP_BYTES) return;
    posted = bytesRead;
    const progress: ParseProgress = { kind: 'progress', bytesRead };
    parentPort?.postMessage(progress);
  };
  const read = await readInto(
    session,
    { name: job.name, kind: 'file', path: job.path },
    {
      maxLineBytes: job.maxLineBytes,
      start: job.start,
      emitPartial: job.emitPartial,
      ...(job.progress ? { onBytes } : {}),
    },
  );
  const handOff = session.handOffSegment();
  const reply: ParseOutcome = {
    kind: 'parsed',
    payload: handOff.payload,
    lines: read.lines,
    bytesRead: read.bytesRead,
    consumedOffset: read.consumedOffset,
    skips,
    moreSkips,
  };
  return { reply, transfer: handOff.transfer };
}

parentPort?.on('message', async (job: ParseJob) => {
  try {
    const { reply, transfer } = await parse(job);
    parentPort?.postMessage(reply, transfer);
  } catch (error) {
    // An error crosses threads as a plain Error; keep what the user must see (message, hint, exit 2).
    if (!isAfterburnError(error)) throw error;
    const failure: ParseReply = {
      kind: 'failed',
      code: error.code,
      message: error.message,
      hint: error.hint,
    };
    parentPort?.postMessage(failure);
  }
});
