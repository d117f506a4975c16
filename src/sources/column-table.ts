/**
 * A growable table of typed-array columns: rows are appended one at a time (or a whole other table
 * at once) and capacity doubles, so building a column of a million numbers costs a million stores
 * and about twenty reallocations, not a million objects.
 */
export type NumericArray = Float64Array | Uint32Array | Int32Array | Uint8Array | Int8Array;

type NumericArrayConstructor = new (length: number) => NumericArray;

export type ColumnLayout = Readonly<Record<string, NumericArrayConstructor>>;

/** One typed array per field of the layout. */
export type Columns<L extends ColumnLayout> = { [K in keyof L]: InstanceType<L[K]> };

/** The columns with their row count: what a table hands out when it is done. */
export type ColumnSet<L extends ColumnLayout> = Columns<L> & { readonly length: number };

const INITIAL_CAPACITY = 1024;

export class ColumnTable<L extends ColumnLayout> {
  length = 0;
  columns: Columns<L>;
  private capacity: number;

  constructor(
    private readonly layout: L,
    capacity = INITIAL_CAPACITY,
  ) {
    this.capacity = Math.max(1, capacity);
    this.columns = allocate(layout, this.capacity);
  }

  /** Index of a new row (its cells start as zero). */
  addRow(): number {
    if (this.length === this.capacity) this.grow(this.length + 1);
    const row = this.length;
    this.length += 1;
    return row;
  }

  /**
   * Appends every row of `other`. `remap` rewrites one column's values on the way in (dictionary
   * indexes of another table's dictionary into this one's); negative values (none) are kept.
   */
  append(other: ColumnSet<L>, remap: Partial<Record<keyof L, Int32Array>> = {}): void {
    if (other.length === 0) return;
    if (this.length + other.length > this.capacity) this.grow(this.length + other.length);
    for (const name of Object.keys(this.layout) as (keyof L)[]) {
      const target = this.columns[name];
      const source = other[name].subarray(0, other.length);
      const map = remap[name];
      if (map === undefined) {
        target.set(source, this.length);
      } else {
        for (let i = 0; i < source.length; i += 1) {
          const value = source[i] as number;
          target[this.length + i] = value < 0 ? value : (map[value] as number);
        }
      }
    }
    this.length += other.length;
  }

  /** The rows so far, as views (no copy); later appends may reallocate, so use it when done. */
  view(from = 0, to = this.length): ColumnSet<L> {
    const view = {} as Columns<L>;
    for (const name of Object.keys(this.layout) as (keyof L)[]) {
      view[name] = this.columns[name].subarray(from, to) as InstanceType<L[keyof L]>;
    }
    return Object.assign(view, { length: to - from });
  }

  private grow(needed: number): void {
    let capacity = this.capacity;
    while (capacity < needed) capacity *= 2;
    const next = allocate(this.layout, capacity);
    for (const name of Object.keys(this.layout) as (keyof L)[]) {
      next[name].set(this.columns[name].subarray(0, this.length));
    }
    this.columns = next;
    this.capacity = capacity;
  }
}

function allocate<L extends ColumnLayout>(layout: L, capacity: number): Columns<L> {
  const columns = {} as Columns<L>;
  for (const name of Object.keys(layout) as (keyof L)[]) {
    columns[name] = new (layout[name] as NumericArrayConstructor)(capacity) as InstanceType<L[keyof L]>;
  }
  return columns;
}

/** A copy of `columns` holding only the given rows, in the given order. */
export function selectRows<L extends ColumnLayout>(
  layout: L,
  columns: ColumnSet<L>,
  rows: ArrayLike<number>,
): ColumnSet<L> {
  const out = allocate(layout, rows.length);
  for (const name of Object.keys(layout) as (keyof L)[]) {
    const source = columns[name];
    const target = out[name];
    for (let i = 0; i < rows.length; i += 1) target[i] = source[rows[i] as number] as number;
  }
  return Object.assign(out, { length: rows.length });
}
