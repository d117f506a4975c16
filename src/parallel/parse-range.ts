import type { OpenLineParser } from '../sources/types.js';
import { DETAILED_SKIPS, type ParseJob, type ParseOutcome } from './helper-protocol.js';
import { readInto } from './read-input.js';

/**
 * What a helper thread does with a parse job, apart from the messaging: reads the byte range
 * into a fresh session of the source's line handling and hands back what it read, with its first
 * skipped lines (numbered from the start of the range). `onBytes` hears the bytes read so far
 * when the job asks for progress.
 */
export async function parseRange(
  openParser: OpenLineParser,
  job: ParseJob,
  onBytes: (bytesRead: number) => void,
): Promise<{ reply: ParseOutcome; transfer: ArrayBuffer[] }> {
  const skips: [number, string][] = [];
  let moreSkips = 0;
  const session = openParser(
    {
      skipped: (location, reason) => {
        if (skips.length < DETAILED_SKIPS) skips.push([location.line, reason]);
        else moreSkips += 1;
      },
    },
    { keepKeys: job.keepKeys === true },
  );
  session.beginInput(undefined);
  session.reserveBytes(job.bytes);
  const read = await readInto(
    session,
    { name: job.name, kind: 'file', path: job.path },
    {
      maxLineBytes: job.maxLineBytes,
      start: job.start,
      ...(job.end === undefined ? {} : { end: job.end }),
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
