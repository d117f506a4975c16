import type { Readable } from 'node:stream';
import type { InputFile } from '../input/inputs.js';
import { DEFAULT_MAX_LINE_BYTES } from '../input/read-lines.js';
import { helpersFor, readParallel } from '../parallel/parallel-read.js';
import { collectSegments, DISPATCH_OUTCOMES } from '../sources/dispatch-outcomes/index.js';
import type { Segment } from '../sources/dispatch-outcomes/segment.js';
import type { SourceDiagnostics } from '../sources/types.js';

export interface ExportReadOptions {
  readonly parallelMinBytes: number;
  /** Threads that parse a large file, this one included; default: defaultThreads(). */
  readonly threads?: number;
  readonly diagnostics: SourceDiagnostics;
  readonly stdin?: Readable;
  /** A named pipe has no writer yet, a second after it was opened (readLines' onWaiting). */
  readonly onWaiting?: (input: InputFile) => void;
}

/**
 * Everything `export` prints comes from one segment: the inputs' dispatch-outcomes records with
 * their join keys as written. Large plain files are parsed on several threads, as discover parses
 * them; the helper threads end once the last of them is read.
 */
export async function readForExport(
  inputs: readonly InputFile[],
  options: ExportReadOptions,
): Promise<Segment> {
  const collector = collectSegments(options.diagnostics, { keepKeys: true });
  const { helpers, lastLarge } = await helpersFor(DISPATCH_OUTCOMES, inputs, options);
  try {
    for (const [index, input] of inputs.entries()) {
      collector.beginInput(undefined);
      await readParallel(collector, input, {
        maxLineBytes: DEFAULT_MAX_LINE_BYTES,
        ...(options.stdin ? { stdin: options.stdin } : {}),
        parallelMinBytes: options.parallelMinBytes,
        helpers,
        lastHelperUse: index === lastLarge,
        keepKeys: true,
        diagnostics: options.diagnostics,
        ...(options.onWaiting ? { onWaiting: () => options.onWaiting?.(input) } : {}),
      });
    }
  } finally {
    await Promise.all(helpers.map((helper) => helper.close()));
  }
  return collector.segment();
}
