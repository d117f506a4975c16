import { parentPort, workerData } from 'node:worker_threads';
import { isAfterburnError } from '../common/errors.js';
import { PARALLEL_SOURCES } from '../sources/parallel-sources.js';
import {
  type ParseJob,
  type ParseProgress,
  type ParseReply,
  PROGRESS_STEP_BYTES,
} from './helper-protocol.js';
import { parseRange } from './parse-range.js';

// A helper thread: parses byte ranges of logs with the same source code, schemas and limits as
// the main thread and hands back what it read (the column buffers move, nothing is copied). It
// loads the source's line handling at once, before its first job arrives.
const load = PARALLEL_SOURCES[(workerData as { source: string }).source];
if (load === undefined) throw new Error('the helper thread was started for a source it cannot parse');
const parser = load();

/** Progress reaches the main thread every PROGRESS_STEP_BYTES, not once per chunk. */
function progressPoster(): (bytesRead: number) => void {
  let posted = 0;
  return (bytesRead) => {
    if (bytesRead - posted < PROGRESS_STEP_BYTES) return;
    posted = bytesRead;
    const progress: ParseProgress = { kind: 'progress', bytesRead };
    parentPort?.postMessage(progress);
  };
}

parentPort?.on('message', async (job: ParseJob) => {
  try {
    const { reply, transfer } = await parseRange(await parser, job, progressPoster());
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
