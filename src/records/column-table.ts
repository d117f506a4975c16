/**
 * A table of typed-array columns that grows in chunks: rows are appended one at a time into a
 * fixed-size chunk, a whole other table is taken over as a chunk of its own, and `compact()`
 * joins the chunks into one array per column. Growing never reallocates and copies (only
 * `reserve()`, asked once with the expected size, moves the rows so far), so a million rows cost
 * their bytes plus at most one chunk, not the two to three times that doubling arrays leave
 * behind for the garbage collector.
 */
export type NumericArray = Float64Array | Uint32Array | Int32Array | Uint8Array | Int8Array;

type NumericArrayConstructor = new (length: number) => NumericArray;

export type ColumnLayout = Readonly<Record<string, NumericArrayConstructor>>;

/** One typed array per field of the layout. */
export type Columns<L extends ColumnLayout> = { [K in keyof L]: InstanceType<L[K]> };

/** The columns with their row count. */
export type ColumnSet<L extends ColumnLayout> = Columns<L> & { readonly length: number };

const CHUNK_ROWS = 1 << 16;

interface Chunk<L extends ColumnLayout> {
  readonly columns: Columns<L>;
  length: number;
  readonly capacity: number;
}

export class ColumnTable<L extends ColumnLayout> {
  length = 0;
  private chunks: Chunk<L>[] = [];

  /** `chunkRows` is the size of the chunks `addRow()` fills (small in tests, to cross many). */
  constructor(
    private readonly layout: L,
    private readonly chunkRows = CHUNK_ROWS,
  ) {}

  /** The columns of the chunk the last `addRow()` wrote to. */
  get columns(): Columns<L> {
    return (this.chunks[this.chunks.length - 1] as Chunk<L>).columns;
  }

  /** Index, within `columns`, of a new row (its cells start as zero). */
  addRow(): number {
    let chunk = this.chunks[this.chunks.length - 1];
    if (chunk === undefined || chunk.length === chunk.capacity) {
      chunk = { columns: allocate(this.layout, this.chunkRows), length: 0, capacity: this.chunkRows };
      this.chunks.push(chunk);
    }
    this.length += 1;
    chunk.length += 1;
    return chunk.length - 1;
  }

  /**
   * Makes room for `rows` more rows in one chunk, moving the rows so far into it: a table whose
   * final size is known (about) up front then never needs `compact()` to copy it. Rows beyond the
   * estimate spill into new chunks as usual.
   */
  reserve(rows: number): void {
    const last = this.chunks[this.chunks.length - 1];
    if (last !== undefined && last.capacity - last.length >= rows) return;
    const capacity = this.length + rows;
    const columns = allocate(this.layout, capacity);
    for (const name of Object.keys(this.layout) as (keyof L)[]) {
      columns[name] = this.gatherInto(name, columns[name]);
    }
    this.chunks = [{ columns, length: this.length, capacity }];
  }

  /**
   * Appends every row of `other`. `remap` rewrites a column's values on the way in (indexes into
   * another dictionary, mapped to this table's); negative values (none) are kept. With `adopt`,
   * the table takes `other`'s arrays over as a chunk (remapped in place) instead of copying them:
   * only for arrays nobody else holds, such as a worker's or a decoded state's.
   */
  append(other: ColumnSet<L>, remap: Partial<Record<keyof L, Int32Array>> = {}, adopt = false): void {
    if (other.length === 0) return;
    // Room reserved in the last chunk beats adopting: the rows land where compact() would put them.
    const last = this.chunks[this.chunks.length - 1];
    const into = last !== undefined && last.capacity - last.length >= other.length ? last : null;
    const columns = into !== null ? into.columns : adopt ? other : allocate(this.layout, other.length);
    const offset = into !== null ? into.length : 0;
    for (const name of Object.keys(this.layout) as (keyof L)[]) {
      const source = other[name];
      const target = columns[name];
      const map = remap[name];
      if (map !== undefined) {
        for (let i = 0; i < other.length; i += 1) {
          const value = source[i] as number;
          target[offset + i] = value < 0 ? value : (map[value] as number);
        }
      } else if (into !== null || !adopt) {
        target.set(source.subarray(0, other.length), offset);
      }
    }
    if (into !== null) into.length += other.length;
    else this.chunks.push({ columns, length: other.length, capacity: other.length });
    this.length += other.length;
  }

  /**
   * Rows [from, to) as one array per column: views when they lie in one chunk (always, after
   * `compact()`), copies otherwise.
   */
  view(from = 0, to = this.length): ColumnSet<L> {
    const view = {} as Columns<L>;
    let start = 0;
    const inOne = this.chunks.find((chunk) => {
      const found = from >= start && to <= start + chunk.length;
      if (!found) start += chunk.length;
      return found;
    });
    for (const name of Object.keys(this.layout) as (keyof L)[]) {
      view[name] =
        inOne !== undefined
          ? (inOne.columns[name].subarray(from - start, to - start) as InstanceType<L[keyof L]>)
          : this.gather(name, from, to);
    }
    return Object.assign(view, { length: to - from });
  }

  /**
   * Joins the chunks into one array per column, a column at a time, letting each column's chunks
   * go as soon as they are copied: the peak is the table plus one column, not twice the table.
   */
  compact(): void {
    if (this.chunks.length <= 1) return;
    const columns = {} as Columns<L>;
    for (const name of Object.keys(this.layout) as (keyof L)[]) {
      columns[name] = this.gather(name, 0, this.length);
      for (const chunk of this.chunks) (chunk.columns as Record<keyof L, NumericArray | null>)[name] = null;
    }
    this.chunks = [{ columns, length: this.length, capacity: this.length }];
  }

  private gather<K extends keyof L>(name: K, from: number, to: number): InstanceType<L[K]> {
    const out = new (this.layout[name] as NumericArrayConstructor)(to - from) as InstanceType<L[K]>;
    return this.gatherInto(name, out, from, to);
  }

  private gatherInto<K extends keyof L>(
    name: K,
    out: InstanceType<L[K]>,
    from = 0,
    to = this.length,
  ): InstanceType<L[K]> {
    let start = 0;
    for (const chunk of this.chunks) {
      const lo = Math.max(from, start);
      const hi = Math.min(to, start + chunk.length);
      if (lo < hi) out.set(chunk.columns[name].subarray(lo - start, hi - start), lo - from);
      start += chunk.length;
    }
    return out;
  }
}

function allocate<L extends ColumnLayout>(layout: L, capacity: number): Columns<L> {
  const columns = {} as Columns<L>;
  for (const name of Object.keys(layout) as (keyof L)[]) {
    columns[name] = new (layout[name] as NumericArrayConstructor)(capacity) as InstanceType<L[keyof L]>;
  }
  return columns;
}
