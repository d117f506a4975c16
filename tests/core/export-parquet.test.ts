import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { writeParquetRows } from '../../src/core/export-parquet.js';
import { type AtomicWriteHandle, replaceFileAtomic } from '../../src/findings/atomic-write.js';
import { type ExportRow, exportColumnNames } from '../../src/sources/dispatch-outcomes/export.js';
import { ROOT, tempDir } from '../helpers/cli.js';

function row(i: number): ExportRow {
  return {
    attempt_id: `a${i}`,
    prompt_fingerprint: `fp${i}`,
    agent: i % 2 === 0 ? 'coder' : 'planner',
    attempt_number: 1,
    ts_dispatched: 1_700_000_000_000 + i,
    ts_completed: 1_700_000_060_000 + i,
    status: 'completed',
    ms_elapsed: i % 3 === 0 ? null : 100 * i,
    input_tokens: 1000 + i,
    output_tokens: 20,
    cache_read_tokens: 500,
    cache_creation_tokens: 0,
    acceptance_passed: i % 3 === 0 ? null : i % 3 === 1,
    cache_read_ratio: 500 / (1500 + i),
  };
}

/** A handle that keeps what it is given, as a file would. */
function memoryHandle(): AtomicWriteHandle & { chunks: Uint8Array[]; bytes(): number } {
  const chunks: Uint8Array[] = [];
  return {
    chunks,
    bytes: () => chunks.reduce((sum, chunk) => sum + chunk.length, 0),
    writeFile: async (data) => {
      // A copy: the writer reuses its buffer once the write has finished.
      chunks.push(typeof data === 'string' ? Buffer.from(data) : Uint8Array.from(data));
    },
    sync: async () => undefined,
    close: async () => undefined,
  };
}

async function query(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql.replaceAll('$file', `'${file}'`));
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('writeParquetRows', () => {
  it('writes each row group as soon as it is full, not after the last row', async () => {
    const handle = memoryHandle();
    const seenWhileRowsCame: number[] = [];
    function* rows(): Generator<ExportRow> {
      for (let i = 0; i < 25; i++) {
        if (i % 10 === 0) seenWhileRowsCame.push(handle.bytes());
        yield row(i);
      }
    }
    const written = await writeParquetRows(handle, rows(), exportColumnNames(false), 10);
    expect(written).toBe(25);
    // Before any row: nothing; after 10 and 20 rows, one and two groups on the "file".
    expect(seenWhileRowsCame[0]).toBe(0);
    expect(seenWhileRowsCame[1]).toBeGreaterThan(0);
    expect(seenWhileRowsCame[2]).toBeGreaterThan(seenWhileRowsCame[1] as number);

    const file = path.join(tempDir('afterburn-parquet-unit-'), 'rows.parquet');
    writeFileSync(file, Buffer.concat(handle.chunks));
    const groups = await query(file, 'SELECT row_group_id, row_group_num_rows FROM parquet_metadata($file)');
    expect(new Set(groups.map((group) => `${group.row_group_id}:${group.row_group_num_rows}`))).toEqual(
      new Set(['0:10', '1:10', '2:5']),
    );
    const back = await query(file, 'SELECT * FROM $file');
    expect(
      back.map((values) =>
        Object.fromEntries(
          Object.entries(values).map(([key, value]) => [
            key,
            typeof value === 'bigint' ? Number(value) : value,
          ]),
        ),
      ),
    ).toEqual(Array.from({ length: 25 }, (_, i) => row(i)));
  });

  it('writes a valid file with no rows', async () => {
    const handle = memoryHandle();
    expect(await writeParquetRows(handle, [], exportColumnNames(true))).toBe(0);
    const file = path.join(tempDir('afterburn-parquet-unit-'), 'empty.parquet');
    writeFileSync(file, Buffer.concat(handle.chunks));
    expect(await query(file, 'SELECT count(*) AS n FROM $file')).toEqual([{ n: 0n }]);
    const columns = await query(file, 'DESCRIBE SELECT * FROM $file');
    expect(columns.map((column) => column.column_name)).toEqual(exportColumnNames(true));
  });
});

describe('replaceFileAtomic', () => {
  it('keeps the previous file and removes the temporary when filling fails halfway', async () => {
    const dir = tempDir('afterburn-replace-');
    const target = path.join(dir, 'attempts.parquet');
    writeFileSync(target, 'previous');
    const failure = replaceFileAtomic(
      target,
      async (handle) => {
        await handle.writeFile('PAR1 half a file');
        throw new Error('the writer broke');
      },
      { intactHint: 'no attempts.parquet was written' },
    );
    await expect(failure).rejects.toThrow(/could not write .*attempts\.parquet: the writer broke/);
    await expect(failure).rejects.toMatchObject({ hint: 'no attempts.parquet was written' });
    expect(readFileSync(target, 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['attempts.parquet']);
  });
});

describe('the bundle', () => {
  it('loads the Parquet writer only for export --format parquet', () => {
    // Every module main.js loads before it runs a command: its static imports, transitively.
    const dist = path.join(ROOT, 'dist');
    const loaded = new Set<string>();
    const visit = (file: string): void => {
      if (loaded.has(file)) return;
      loaded.add(file);
      const text = readFileSync(path.join(dist, file), 'utf8');
      for (const match of text.matchAll(/^import\s[^;]*?from\s*"\.\/([^"]+)"/gm)) visit(match[1] as string);
      for (const match of text.matchAll(/^import\s*"\.\/([^"]+)"/gm)) visit(match[1] as string);
    };
    visit('main.js');
    expect(loaded.size).toBeGreaterThan(1);
    const withWriter = readdirSync(dist).filter(
      (file) => file.endsWith('.js') && readFileSync(path.join(dist, file), 'utf8').includes('ParquetWriter'),
    );
    expect(withWriter).toHaveLength(1);
    expect(loaded.has(withWriter[0] as string)).toBe(false);
  });
});
