/** Small helpers several analyzers share. */

export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** First and last of a set of timestamps, as ISO strings (null when there are none). */
export class TimeRange {
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  add(epochMs: number): void {
    if (epochMs < this.min) this.min = epochMs;
    if (epochMs > this.max) this.max = epochMs;
  }

  get first(): string | null {
    return Number.isFinite(this.min) ? isoTime(this.min) : null;
  }

  get last(): string | null {
    return Number.isFinite(this.max) ? isoTime(this.max) : null;
  }
}

/** Counts per key in a prototype-free object, keys sorted, so data-derived keys stay plain data. */
export function sortedCounts(counts: Map<string, number>): Record<string, number> {
  const result: Record<string, number> = Object.create(null);
  for (const key of [...counts.keys()].sort()) result[key] = counts.get(key) as number;
  return result;
}

export function increment(counts: Map<string, number>, key: string, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

/** Quotes a value for a POSIX shell, so a verification command can be pasted as is. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function verificationCommand(
  source: string,
  inputs: readonly string[],
  findingId: string,
): string | null {
  if (inputs.length === 0 || inputs.includes('-')) return null;
  const paths = inputs.map((input) => `--path ${shellQuote(input)}`).join(' ');
  return `afterburn discover --source ${source} ${paths} --format json | jq '.findings[] | select(.id == "${findingId}")'`;
}

/** Whole numbers with separators: the one formatter of src/common/format.ts. */
export { integer as formatInteger } from '../common/format.js';

export function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${Math.round((100 * part) / whole)}%`;
}

/**
 * Groups a column's arm ids by arm name, names sorted: `groupOfArm[id]` is the index of its name
 * in `names`. By name, because a dictionary could list a name twice.
 */
export function armGroups(arms: readonly string[]): { names: string[]; groupOfArm: Uint32Array } {
  const names = [...new Set(arms)].sort();
  return { names, groupOfArm: Uint32Array.from(arms, (name) => names.indexOf(name)) };
}
