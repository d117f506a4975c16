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
  /** The value after every item of the scope, in event-time order. */
  readonly points: readonly RollingPoint[];
  readonly crossings: readonly Crossing[];
  /** The current value: the last point, or an empty window when the scope has no items. */
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

/** A sliding window of the last `size` values. */
class Window {
  private readonly values: number[] = [];
  private sum = 0;

  constructor(
    private readonly size: number,
    private readonly aggregate: RollingAggregate,
  ) {}

  push(value: number): void {
    this.values.push(value);
    this.sum += value;
    if (this.values.length > this.size) this.sum -= this.values.shift() as number;
  }

  get n(): number {
    return this.values.length;
  }

  get value(): number | null {
    if (this.values.length < this.size) return null;
    if (this.aggregate.kind === 'share') return countOnes(this.values) / this.size;
    return quantile7(
      [...this.values].sort((a, b) => a - b),
      this.aggregate.p,
    );
  }
}

/** Exact share numerator: counting avoids float drift of a running sum over millions of items. */
function countOnes(values: readonly number[]): number {
  let count = 0;
  for (const value of values) if (value !== 0) count += 1;
  return count;
}

export function compareItems(a: RollingItem, b: RollingItem): number {
  return a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.value - b.value;
}

interface ScopeState {
  readonly window: Window;
  readonly tracker: HysteresisTracker;
  readonly points: RollingPoint[];
  readonly crossings: Crossing[];
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
  });
  const global = newState();
  const scopes = new Map<string, ScopeState>();
  const record = (state: ScopeState, item: RollingItem, point: Omit<RollingPoint, 'state' | 'index'>) => {
    const index = state.points.length;
    const direction = state.tracker.observe(point.value);
    if (direction !== null && point.value !== null) {
      state.crossings.push({ direction, value: point.value, at: item.at, index });
    }
    state.points.push({ ...point, index, state: state.tracker.state });
  };
  for (const item of sorted) {
    global.window.push(item.value);
    const globalPoint = { at: item.at, n: global.window.n, value: global.window.value, fallback: false };
    record(global, item, globalPoint);
    if (item.scope === null) continue;
    let scope = scopes.get(item.scope);
    if (scope === undefined) {
      scope = newState();
      scopes.set(item.scope, scope);
    }
    scope.window.push(item.value);
    const own = scope.window.n >= spec.window;
    record(
      scope,
      item,
      own
        ? { at: item.at, n: scope.window.n, value: scope.window.value, fallback: false }
        : { ...globalPoint, fallback: true },
    );
  }
  const toSeries = (scope: string | null, state: ScopeState): RollingSeries => ({
    scope,
    items: state.points.length,
    points: state.points,
    crossings: state.crossings,
    current: state.points.at(-1) ?? null,
  });
  return [
    toSeries(null, global),
    ...[...scopes.keys()].sort().map((name) => toSeries(name, scopes.get(name) as ScopeState)),
  ];
}
