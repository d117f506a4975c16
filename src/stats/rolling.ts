/**
 * The rolling-window engine every health rate shares: a window of the last N items in event-time
 * order, a value that stays undefined (null) until the window is full, thresholds with
 * hysteresis, and windows per scope (arm, project) that fall back to the global window while the
 * scope has fewer than N items. Pure and deterministic: the same items in any input order give
 * the same points and crossings.
 */
import { quantile7 } from './quantiles.js';

export interface RollingItem {
  /** Event time (epoch ms): the order of the window. */
  readonly at: number;
  /** Breaks ties between items with the same time, so input order never matters. */
  readonly key: string;
  /** The scope the item belongs to (arm, project); null when it has none (global only). */
  readonly scope: string | null;
  /** 0/1 for a rate, the measured value for a percentile. */
  readonly value: number;
}

/** A rate is the mean of 0/1 values; a percentile is R type 7 over the window. */
export type RollingAggregate = { readonly kind: 'share' } | { readonly kind: 'quantile'; readonly p: number };

/** Cross up when the value reaches `up`, down when it falls to `down` (down < up, no flapping between). */
export interface Hysteresis {
  readonly up: number;
  readonly down: number;
}

export interface RollingSpec {
  readonly window: number;
  readonly aggregate: RollingAggregate;
  readonly thresholds: Hysteresis | null;
  /** Keep the point after every item (tests, charts); off, only the current one is kept. */
  readonly keepPoints?: boolean;
}

export type HysteresisState = 'above' | 'below' | 'unknown';

export interface RollingPoint {
  /** 0-based position of the item in its scope's event-time order. */
  readonly index: number;
  readonly at: number;
  /** Items in the window used (< window: the value is null). */
  readonly n: number;
  readonly value: number | null;
  readonly state: HysteresisState;
  /** True when the scope had fewer than `window` items and the global window was used. */
  readonly fallback: boolean;
}

export interface Crossing {
  readonly direction: 'up' | 'down';
  readonly value: number;
  readonly at: number;
  readonly index: number;
}

export interface RollingSeries {
  /** null for the global series. */
  readonly scope: string | null;
  /** Items of the scope (all items for the global series). */
  readonly items: number;
  /** The value after every item of the scope, in event-time order ([] without `keepPoints`). */
  readonly points: readonly RollingPoint[];
  readonly crossings: readonly Crossing[];
  /** Event time of the scope's first item. */
  readonly firstAt: number | null;
  /** The current value: the point after the last item; null when the scope has no items. */
  readonly current: RollingPoint | null;
}

/**
 * Hysteresis from an unknown start: the first time the value reaches `up` the state becomes
 * `above`, the first time it falls to `down` it becomes `below`; each change of state is one
 * crossing. Between the two levels the state never changes, so a value wobbling around one level
 * cannot flap.
 */
export class HysteresisTracker {
  private current: HysteresisState = 'unknown';

  constructor(private readonly thresholds: Hysteresis | null) {}

  get state(): HysteresisState {
    return this.current;
  }

  /** Feeds one value; returns the direction of the crossing it made, if any. */
  observe(value: number | null): 'up' | 'down' | null {
    if (value === null || this.thresholds === null) return null;
    if (this.current !== 'above' && value >= this.thresholds.up) {
      this.current = 'above';
      return 'up';
    }
    if (this.current !== 'below' && value <= this.thresholds.down) {
      this.current = 'below';
      return 'down';
    }
    return null;
  }
}

/**
 * A sliding window of the last `size` values in a ring buffer. A share keeps an exact integer
 * count of non-zero values (O(1) per item, no float drift); a quantile keeps the window sorted
 * (binary-search insert and delete, O(size) per item instead of a sort).
 */
class Window {
  private readonly ring: number[] = [];
  private next = 0;
  private ones = 0;
  private readonly sorted: number[] = [];

  constructor(
    private readonly size: number,
    private readonly aggregate: RollingAggregate,
  ) {}

  push(value: number): void {
    if (this.ring.length === this.size) {
      const leaving = this.ring[this.next] as number;
      this.ring[this.next] = value;
      this.next = (this.next + 1) % this.size;
      this.forget(leaving);
    } else {
      this.ring.push(value);
    }
    this.remember(value);
  }

  private remember(value: number): void {
    if (this.aggregate.kind === 'share') {
      if (value !== 0) this.ones += 1;
    } else {
      this.sorted.splice(lowerBound(this.sorted, value), 0, value);
    }
  }

  private forget(value: number): void {
    if (this.aggregate.kind === 'share') {
      if (value !== 0) this.ones -= 1;
    } else {
      this.sorted.splice(lowerBound(this.sorted, value), 1);
    }
  }

  get n(): number {
    return this.ring.length;
  }

  get value(): number | null {
    if (this.ring.length < this.size) return null;
    if (this.aggregate.kind === 'share') return this.ones / this.size;
    return quantile7(this.sorted, this.aggregate.p);
  }
}

/** First index whose value is not below `value` in an ascending array. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A total order on everything an item carries, so items that tie on time and key never depend on input order. */
export function compareItems(a: RollingItem, b: RollingItem): number {
  return (
    a.at - b.at ||
    compareText(a.key, b.key) ||
    compareText(a.scope ?? '', b.scope ?? '') ||
    Number(a.scope !== null) - Number(b.scope !== null) ||
    a.value - b.value
  );
}

interface ScopeState {
  readonly window: Window;
  readonly tracker: HysteresisTracker;
  readonly points: RollingPoint[];
  readonly crossings: Crossing[];
  items: number;
  first: RollingPoint | null;
  last: RollingPoint | null;
}

/**
 * Runs the window over the items (any order): one global series, then one series per scope in
 * name order. A scope's value is its own window once it holds `window` items and the global
 * window's value at that moment before then.
 */
export function rollingSeries(items: readonly RollingItem[], spec: RollingSpec): RollingSeries[] {
  if (!Number.isSafeInteger(spec.window) || spec.window < 1) {
    throw new RangeError(`rolling window must be a whole number of at least 1, got ${spec.window}`);
  }
  const sorted = [...items].sort(compareItems);
  const newState = (): ScopeState => ({
    window: new Window(spec.window, spec.aggregate),
    tracker: new HysteresisTracker(spec.thresholds),
    points: [],
    crossings: [],
    items: 0,
    first: null,
    last: null,
  });
  const keepPoints = spec.keepPoints ?? true;
  const global = newState();
  const scopes = new Map<string, ScopeState>();
  const record = (
    state: ScopeState,
    item: RollingItem,
    n: number,
    value: number | null,
    fallback: boolean,
  ) => {
    const index = state.items;
    state.items += 1;
    const direction = state.tracker.observe(value);
    if (direction !== null && value !== null) {
      state.crossings.push({ direction, value, at: item.at, index });
    }
    const point: RollingPoint = { index, at: item.at, n, value, state: state.tracker.state, fallback };
    if (keepPoints) state.points.push(point);
    if (state.first === null) state.first = point;
    state.last = point;
  };
  for (const item of sorted) {
    global.window.push(item.value);
    const globalN = global.window.n;
    const globalValue = global.window.value;
    record(global, item, globalN, globalValue, false);
    if (item.scope === null) continue;
    let scope = scopes.get(item.scope);
    if (scope === undefined) {
      scope = newState();
      scopes.set(item.scope, scope);
    }
    scope.window.push(item.value);
    if (scope.window.n >= spec.window) record(scope, item, scope.window.n, scope.window.value, false);
    else record(scope, item, globalN, globalValue, true);
  }
  const toSeries = (scope: string | null, state: ScopeState): RollingSeries => ({
    scope,
    items: state.items,
    points: state.points,
    crossings: state.crossings,
    firstAt: state.first?.at ?? null,
    current: state.last,
  });
  return [
    toSeries(null, global),
    ...[...scopes.keys()].sort().map((name) => toSeries(name, scopes.get(name) as ScopeState)),
  ];
}
