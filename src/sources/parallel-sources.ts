import type { SourceDiagnostics, SourceSession } from './types.js';

/** What a helper thread needs of a source: its line handling and the hand-off of what it read. */
export type LineParser = Pick<
  Required<SourceSession<unknown>>,
  'acceptLine' | 'rejectLine' | 'beginInput' | 'reserveBytes'
> & {
  /**
   * What this session read, to post to the main thread (whose session's adoptSegment takes it),
   * with the buffers to move rather than copy.
   */
  handOffSegment(): { payload: unknown; transfer: ArrayBuffer[] };
};

/** `keepKeys`: also keep the join keys as written (export prints them). */
export type OpenLineParser = (diagnostics: SourceDiagnostics, options?: { keepKeys?: boolean }) => LineParser;

/**
 * The sources whose sessions can parse a byte range on a helper thread and hand it over
 * (handOffSegment/adoptSegment), by their line handling alone: a helper that loaded the whole
 * source (analyzers, statistics) or the whole registry would start tens of milliseconds later.
 */
export const PARALLEL_SOURCES: Readonly<Record<string, () => Promise<OpenLineParser>>> = {
  'dispatch-outcomes': async () => (await import('./dispatch-outcomes/collect.js')).collectSegments,
};
