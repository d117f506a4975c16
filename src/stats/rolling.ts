/**
 * The rolling-window engine every health rate shares: a window of the last N items in event-time
 * order, a value that stays undefined (null) until the window is full, thresholds with
 * hysteresis, and windows per scope (arm, project) that fall back to the global window while the
 * scope has fewer than N items. Pure and deterministic: the same items in any input order give
 * the same points and crossings.
 */

import { compareText } from '../common/compare.js';
import { argsortByKey } from './argsort.js';
import { type RollingAggregate, RollingWindow } from './rolling-window.js';

export type { RollingAggregate };

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
  /**
   * The aggregate over every item of the scope (not only the last window): a rate is always known,
   * a percentile while the scope has no more items than the window. Null without items.
   */
  readonly wholeLog: number | null;
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

/**
 * Items as columns (row i of every array is one item): the entry point for sources that hold
 * hundreds of thousands of items, without an object per item.
 */
export interface RollingColumns {
  readonly length: number;
  /** Event time (epoch ms) of each item: the order of the window. */
  readonly at: Float64Array;
  readonly value: Float64Array;
  /** Index into `scopeNames`; -1 for an item without a scope (global only). */
  readonly scope: Int32Array;
  readonly scopeNames: readonly string[];
  /**
   * Orders two items that share a time (negative: `a` first). It must depend only on what the
   * items carry, never on their row, so that the input order never changes the series.
   */
  readonly breakTie: (a: number, b: number) => number;
}

/**
 * Per scope id, its rank by scope name (from 1; ids of equal names share a rank), for tie-breaks
 * by name. There is no entry for items without a scope (-1).
 */
export function scopeNameRanks(scopeNames: readonly string[]): Int32Array {
  const byName = [...scopeNames.keys()].sort((a, b) =>
    compareText(scopeNames[a] as string, scopeNames[b] as string),
  );
  const ranks = new Int32Array(scopeNames.length);
  let rank = 0;
  byName.forEach((id, i) => {
    if (i === 0 || scopeNames[id] !== scopeNames[byName[i - 1] as number]) rank += 1;
    ranks[id] = rank;
  });
  return ranks;
}

class ScopeState {
  readonly window: RollingWindow;
  readonly tracker: HysteresisTracker;
  readonly points: RollingPoint[] = [];
  readonly crossings: Crossing[] = [];
  items = 0;
  firstAt: number | null = null;
  // The last point as plain fields: without keepPoints no point object is made per item.
  private lastAt = 0;
  private lastN = 0;
  private lastValue: number | null = null;
  private lastFallback = false;

  constructor(
    spec: RollingSpec,
    private readonly keepPoints: boolean,
  ) {
    this.window = new RollingWindow(spec.window, spec.aggregate);
    this.tracker = new HysteresisTracker(spec.thresholds);
  }

  record(at: number, n: number, value: number | null, fallback: boolean): void {
    const index = this.items;
    this.items += 1;
    const direction = this.tracker.observe(value);
    if (direction !== null && value !== null) this.crossings.push({ direction, value, at, index });
    if (this.keepPoints) this.points.push({ index, at, n, value, state: this.tracker.state, fallback });
    if (this.firstAt === null) this.firstAt = at;
    this.lastAt = at;
    this.lastN = n;
    this.lastValue = value;
    this.lastFallback = fallback;
  }

  toSeries(scope: string | null): RollingSeries {
    const current: RollingPoint | null =
      this.items === 0
        ? null
        : (this.points[this.points.length - 1] ?? {
            index: this.items - 1,
            at: this.lastAt,
            n: this.lastN,
            value: this.lastValue,
            state: this.tracker.state,
            fallback: this.lastFallback,
          });
    return {
      scope,
      items: this.items,
      points: this.points,
      crossings: this.crossings,
      firstAt: this.firstAt,
      current,
      wholeLog: this.window.wholeValue,
    };
  }
}

/** True when the rows are already in (time, tie-break) order. */
function inOrder(items: RollingColumns): boolean {
  const { at, breakTie } = items;
  for (let row = 1; row < items.length; row++) {
    const previous = at[row - 1] as number;
    const current = at[row] as number;
    if (previous < current) continue;
    if (previous > current || !(previous === current) || breakTie(row - 1, row) > 0) return false;
  }
  return true;
}

/**
 * Runs the window over columnar items (any order): one global series, then one series per scope
 * in name order. A scope's value is its own window once it holds `window` items and the global
 * window's value at that moment before then.
 */
export function rollingSeriesOfColumns(items: RollingColumns, spec: RollingSpec): RollingSeries[] {
  if (!Number.isSafeInteger(spec.window) || spec.window < 1) {
    throw new RangeError(`rolling window must be a whole number of at least 1, got ${spec.window}`);
  }
  const keepPoints = spec.keepPoints ?? true;
  // One state per scope name, even if the dictionary repeats a name.
  const stateOfName = new Map<string, ScopeState>();
  const stateOfScope = items.scopeNames.map((name) => {
    let state = stateOfName.get(name);
    if (state === undefined) {
      state = new ScopeState(spec, keepPoints);
      stateOfName.set(name, state);
    }
    return state;
  });
  const global = new ScopeState(spec, keepPoints);
  // Callers that sort once for several metrics hand over rows already in order: skip the sort.
  const order = inOrder(items) ? null : argsortByKey(items.at.subarray(0, items.length), items.breakTie);
  for (let k = 0; k < items.length; k++) {
    const row = order === null ? k : (order[k] as number);
    const at = items.at[row] as number;
    const value = items.value[row] as number;
    global.window.push(value);
    const globalN = global.window.n;
    const globalValue = global.window.value;
    global.record(at, globalN, globalValue, false);
    const scopeId = items.scope[row] as number;
    if (scopeId < 0) continue;
    const scope = stateOfScope[scopeId] as ScopeState;
    scope.window.push(value);
    if (scope.window.n >= spec.window) scope.record(at, scope.window.n, scope.window.value, false);
    else scope.record(at, globalN, globalValue, true);
  }
  const named = [...stateOfName.entries()].filter(([, state]) => state.items > 0);
  named.sort(([a], [b]) => compareText(a, b));
  return [global.toSeries(null), ...named.map(([name, state]) => state.toSeries(name))];
}

/** `rollingSeriesOfColumns` for items as objects; ties at equal time are ordered by `compareItems`. */
export function rollingSeries(items: readonly RollingItem[], spec: RollingSpec): RollingSeries[] {
  const n = items.length;
  const at = new Float64Array(n);
  const value = new Float64Array(n);
  const scope = new Int32Array(n);
  const scopeNames: string[] = [];
  const scopeIds = new Map<string, number>();
  items.forEach((item, i) => {
    at[i] = item.at;
    value[i] = item.value;
    if (item.scope === null) {
      scope[i] = -1;
      return;
    }
    let id = scopeIds.get(item.scope);
    if (id === undefined) {
      id = scopeNames.length;
      scopeNames.push(item.scope);
      scopeIds.set(item.scope, id);
    }
    scope[i] = id;
  });
  const breakTie = (a: number, b: number) => compareItems(items[a] as RollingItem, items[b] as RollingItem);
  return rollingSeriesOfColumns({ length: n, at, value, scope, scopeNames, breakTie }, spec);
}
