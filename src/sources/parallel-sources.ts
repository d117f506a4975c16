import type { OpenLineParser } from './types.js';

/**
 * The sources whose sessions can parse a byte range on a helper thread and hand it over
 * (handOffSegment/adoptSegment), by their line handling alone: a helper that loaded the whole
 * source (analyzers, statistics) or the whole registry would start tens of milliseconds later.
 */
export const PARALLEL_SOURCES: Readonly<Record<string, () => Promise<OpenLineParser>>> = {
  'dispatch-outcomes': async () => (await import('./dispatch-outcomes/collect.js')).collectSegments,
  'claude-code': async () => (await import('./claude-code/reader.js')).openTranscriptParser,
};
