import type { Source } from './types.js';

/**
 * The sources whose sessions can parse a byte range on a worker thread (they implement
 * handOffSegment/adoptSegment), each loaded on its own: a worker that imported the whole registry
 * would spend its first tens of milliseconds loading sources it never uses.
 */
export const PARALLEL_SOURCES: Readonly<Record<string, () => Promise<Source>>> = {
  'dispatch-outcomes': async () => (await import('./dispatch-outcomes/index.js')).dispatchOutcomes,
};
