/**
 * `export --format parquet`: the joined attempts as a Parquet file, typed columns (INT64 for whole
 * numbers, DOUBLE, BOOLEAN, UTF8 strings; nullable where a row can hold null). Loaded only when
 * that format is asked for (the CLI imports this module dynamically), so no other command loads
 * the writer.
 */
import { ByteWriter, type ColumnSource, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import type { AtomicWriteHandle } from '../findings/atomic-write.js';
import {
  EXPORT_COLUMN_SPECS,
  EXPORT_COLUMNS,
  type ExportColumn,
  type ExportColumnSpec,
  type ExportRow,
} from '../sources/dispatch-outcomes/export.js';

/**
 * Rows per row group: the rows of one group are held (as column arrays) while it is encoded, so
 * this bounds the memory whatever the log's size; 64k rows of these columns are a few MB.
 */
export const PARQUET_ROWS_PER_GROUP = 65_536;

type ParquetValue = string | number | bigint | boolean | null;

/**
 * Encodings for the columns where the writer's default (a dictionary if it halves the size, else
 * plain) misses their shape: the times rise row by row (small deltas), and attempt ids and
 * fingerprints are unique but share prefixes with their neighbours.
 */
const ENCODINGS: Partial<Record<ExportColumn, ColumnSource['encoding']>> = {
  ts_dispatched: 'DELTA_BINARY_PACKED',
  ts_completed: 'DELTA_BINARY_PACKED',
  attempt_id: 'DELTA_BYTE_ARRAY',
  prompt_fingerprint: 'DELTA_BYTE_ARRAY',
};

function schemaElement(name: string, spec: ExportColumnSpec): SchemaElement {
  const repetition_type = spec.nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (spec.type) {
    case 'string':
      return { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type };
    case 'integer':
      return { name, type: 'INT64', repetition_type };
    case 'number':
      return { name, type: 'DOUBLE', repetition_type };
    case 'boolean':
      return { name, type: 'BOOLEAN', repetition_type };
  }
}

/** The Parquet schema of the export, its columns named `names` (in EXPORT_COLUMNS order). */
export function exportSchema(names: readonly string[]): SchemaElement[] {
  return [
    { name: 'root', num_children: EXPORT_COLUMNS.length },
    ...EXPORT_COLUMNS.map((column, i) => schemaElement(names[i] as string, EXPORT_COLUMN_SPECS[column])),
  ];
}

/** A row's value as the writer takes it: INT64 values are bigints. */
function toParquet(value: ExportRow[keyof ExportRow], spec: ExportColumnSpec): ParquetValue {
  if (value === null) return null;
  return spec.type === 'integer' ? BigInt(value as number) : value;
}

const utf8 = new TextEncoder();

/**
 * The strings as UTF-8 views into one buffer: the writer would otherwise encode each into a
 * Uint8Array of its own, a separate allocation per value (hundreds of thousands per row group).
 */
function utf8Views(values: readonly (string | null)[]): (Uint8Array | null)[] {
  let length = 0;
  for (const value of values) if (value !== null) length += value.length * 3;
  const bytes = new Uint8Array(length);
  let offset = 0;
  return values.map((value) => {
    if (value === null) return null;
    const { written } = utf8.encodeInto(value, bytes.subarray(offset));
    const view = bytes.subarray(offset, offset + written);
    offset += written;
    return view;
  });
}

/**
 * Sends each encoded row group to the file as soon as it is complete, so the buffer holds at most
 * one group's bytes.
 */
class HandleWriter extends ByteWriter {
  constructor(private readonly handle: AtomicWriteHandle) {
    super(1 << 20);
  }

  async flush(): Promise<void> {
    if (this.index === 0) return;
    // The write finishes before the next group is encoded into the same buffer.
    await this.handle.writeFile(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
  }

  override async finish(): Promise<void> {
    await this.flush();
  }
}

/**
 * Writes `rows` as Parquet through `handle`, `rowsPerGroup` rows per row group; returns the number
 * of rows written.
 */
export async function writeParquetRows(
  handle: AtomicWriteHandle,
  rows: Iterable<ExportRow>,
  names: readonly string[],
  rowsPerGroup = PARQUET_ROWS_PER_GROUP,
): Promise<number> {
  const writer = new HandleWriter(handle);
  const parquet = new ParquetWriter({ writer, schema: exportSchema(names), createdBy: 'afterburn' });
  const specs = EXPORT_COLUMNS.map((column) => EXPORT_COLUMN_SPECS[column]);
  let columns: ParquetValue[][] = EXPORT_COLUMNS.map(() => []);
  let written = 0;
  const writeGroup = async (): Promise<void> => {
    const size = (columns[0] as ParquetValue[]).length;
    if (size === 0) return;
    const columnData: ColumnSource[] = columns.map((data, i) => {
      const encoding = ENCODINGS[EXPORT_COLUMNS[i] as ExportColumn];
      return {
        name: names[i] as string,
        data: (specs[i] as ExportColumnSpec).type === 'string' ? utf8Views(data as (string | null)[]) : data,
        nullable: (specs[i] as ExportColumnSpec).nullable,
        ...(encoding === undefined ? {} : { encoding }),
      };
    });
    await parquet.write({ columnData, rowGroupSize: size });
    written += size;
    columns = EXPORT_COLUMNS.map(() => []);
  };
  for (const row of rows) {
    for (let i = 0; i < EXPORT_COLUMNS.length; i++) {
      (columns[i] as ParquetValue[]).push(
        toParquet(row[EXPORT_COLUMNS[i] as keyof ExportRow], specs[i] as ExportColumnSpec),
      );
    }
    if ((columns[0] as ParquetValue[]).length >= rowsPerGroup) await writeGroup();
  }
  await writeGroup();
  await parquet.finish();
  return written;
}
