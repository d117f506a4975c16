import type { LineLocation } from './types.js';

/**
 * Epoch-millisecond timestamps below 1e11 are taken to be seconds: as milliseconds they fall
 * before 1973-03-03, while as seconds they cover every date up to the year 5138. A producer that
 * writes seconds therefore never lands above the line, and one that writes milliseconds for any
 * date since 1973 never lands below it.
 */
export const SECONDS_BELOW = 1e11;

/** How many line locations the notice names before it only counts. */
export const SHOWN_LOCATIONS = 5;

/** What one thread saw of seconds-like timestamps, to merge into another's (absorb). */
export interface SecondsSnapshot {
  readonly count: number;
  readonly shown: readonly LineLocation[];
  readonly fields: readonly string[];
}

/**
 * Collects the records whose timestamps look like seconds, so the source can say so once per run
 * instead of once per line. The records are still used as they are: guessing the unit would
 * change results silently, and a notice lets the user fix the producer.
 */
export class SecondsTimestamps {
  private count = 0;
  private readonly shown: LineLocation[] = [];
  private readonly fields = new Set<string>();

  check(field: string, value: number, location: LineLocation): void {
    if (value >= SECONDS_BELOW) return;
    this.count += 1;
    this.fields.add(field);
    if (this.shown.length < SHOWN_LOCATIONS) this.shown.push(location);
  }

  /** What was seen, to hand from a worker thread to the main one. */
  snapshot(): SecondsSnapshot {
    return { count: this.count, shown: [...this.shown], fields: [...this.fields] };
  }

  /** Adds a worker's snapshot; its line numbers count from the start of its byte range. */
  absorb(snapshot: SecondsSnapshot, lineOffset: number): void {
    this.count += snapshot.count;
    for (const field of snapshot.fields) this.fields.add(field);
    for (const location of snapshot.shown) {
      if (this.shown.length < SHOWN_LOCATIONS)
        this.shown.push({ ...location, line: location.line + lineOffset });
    }
  }

  /** The one-line notice, or null when every timestamp looked like milliseconds. */
  notice(): string | null {
    if (this.count === 0) return null;
    const where = this.shown.map((l) => `${l.input}:${l.line}`).join(', ');
    const more = this.count > this.shown.length ? ` and ${this.count - this.shown.length} more` : '';
    const fields = [...this.fields].sort().join('/');
    return (
      `${this.count} record(s) have ${fields} below ${SECONDS_BELOW.toExponential()}, which looks like ` +
      `epoch seconds rather than milliseconds (${where}${more}); they are read as milliseconds ` +
      '(fix the producer to write epoch milliseconds)'
    );
  }
}
