/**
 * Cuts task-completion events into the slices findings report on: all events, then one slice per
 * value of each dimension (harness, model, …). Events with no value for a dimension are in the
 * global slice only.
 */
export interface Dimension<E> {
  readonly name: string;
  readonly keyOf: (event: E) => string | null | undefined;
}

export interface EventSlice<E> {
  readonly dimension: string;
  /** null for the global slice. */
  readonly key: string | null;
  readonly events: E[];
}

/** Global first, then each dimension in the order given, larger slices first, ties by key. */
export function sliceEvents<E>(events: readonly E[], dimensions: readonly Dimension<E>[]): EventSlice<E>[] {
  const slices: EventSlice<E>[] = [{ dimension: 'global', key: null, events: [...events] }];
  for (const dimension of dimensions) {
    const byKey = new Map<string, E[]>();
    for (const event of events) {
      const key = dimension.keyOf(event);
      if (key === null || key === undefined || key === '') continue;
      const bucket = byKey.get(key);
      if (bucket === undefined) byKey.set(key, [event]);
      else bucket.push(event);
    }
    const keyed = [...byKey.entries()].sort(
      ([keyA, a], [keyB, b]) => b.length - a.length || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0),
    );
    for (const [key, bucket] of keyed) slices.push({ dimension: dimension.name, key, events: bucket });
  }
  return slices;
}

/** The dimensions the task-completion findings are reported on, after the global slice. */
export function byHarnessAndModel<
  E extends { readonly harness?: string | null; readonly model?: string | null },
>(events: readonly E[]): EventSlice<E>[] {
  return sliceEvents(events, [
    { name: 'harness', keyOf: (e) => e.harness },
    { name: 'model', keyOf: (e) => e.model },
  ]);
}

/** How a slice is named in a sentence: `all tasks`, `harness "codex"`. */
export function sliceLabel(slice: Pick<EventSlice<unknown>, 'dimension' | 'key'>, unit = 'task'): string {
  return slice.key === null ? `all ${unit}s` : `${slice.dimension} "${slice.key}"`;
}

/** The `scope` of a slice's finding: `arm` holds the slice's value (null = all), as outcome_rates does. */
export function sliceScope(slice: Pick<EventSlice<unknown>, 'dimension' | 'key'>): {
  arm: string | null;
  dimension: string;
} {
  return { arm: slice.key, dimension: slice.dimension };
}
