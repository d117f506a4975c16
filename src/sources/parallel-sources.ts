import type { SourceAdapter } from './types.js';

/**
 * The sources whose work can run on worker threads: their sessions parse a byte range and hand it
 * over (handOffSegment/adoptSegment), and their heavy analyzers (meta.offload) run off the main
 * thread. Each is loaded on its own: a worker that imported the whole registry would spend its
 * first tens of milliseconds loading sources it never uses.
 */
export const PARALLEL_SOURCES: Readonly<Record<string, () => Promise<SourceAdapter<never>>>> = {
  'dispatch-outcomes': async () =>
    (await import('./dispatch-outcomes/index.js')).dispatchOutcomesAdapter as SourceAdapter<never>,
};
