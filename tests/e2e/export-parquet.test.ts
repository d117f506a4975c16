import { appendFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateLogFile } from '../../bench/generate.js';
import { cleanNumber } from '../../src/common/json.js';
import { EXPORT_COLUMNS } from '../../src/sources/dispatch-outcomes/export.js';
import { ROOT, runCli, tempDir } from '../helpers/cli.js';
import { DAY, dispatchLine, finalizeLine } from '../helpers/records.js';

const RECIPE = path.join(ROOT, 'docs/recipes/duckdb-arm-trend.sql');
/** The generator's first day (bench/generate.ts). */
const GENERATED_START = Date.UTC(2025, 0, 1);

type Row = Record<string, unknown>;

/**
 * Runs `sql` in DuckDB with relative paths resolved in `dir`, so the recipe runs verbatim. BIGINTs
 * come back as numbers (every value here is a safe integer; the schema admits no others).
 */
async function duckdb(dir: string, sql: string): Promise<Row[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`SET file_search_path = '${dir}'`);
    const reader = await connection.runAndReadAll(sql);
    return reader
      .getRowObjectsJS()
      .map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value]),
        ),
      );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * A generated log of a few thousand tasks over several days and four arms, plus what the generator
 * never writes: completed tasks without usage, and an arm whose name is not ASCII.
 */
function buildLog(): string {
  const log = path.join(tempDir('afterburn-parquet-log-'), 'outcomes.jsonl');
  generateLogFile(log, 11, 4_000_000);
  const extra: string[] = [];
  for (let i = 0; i < 6; i++) {
    const ts = GENERATED_START + i * (DAY / 2) + 1234;
    const agent = i < 4 ? 'planner' : 'coder';
    const ids = { agent, attempt_id: `extra-${i}`, prompt_fingerprint: `extra-fp-${i}` };
    extra.push(dispatchLine({ ...ids, ts_dispatched: ts }));
    // No usage at all: every usage column gets nulls, not only input_tokens.
    const usage = { input_tokens: undefined, output_tokens: undefined, cache_read_tokens: undefined };
    extra.push(finalizeLine({ ...ids, ts_completed: ts + 5000, ...usage, cache_creation_tokens: undefined }));
  }
  for (let i = 0; i < 5; i++) {
    const ts = GENERATED_START + i * DAY + 777;
    const ids = { agent: 'réviseur ✓', attempt_id: `utf-${i}`, prompt_fingerprint: `utf-fp-${i}` };
    extra.push(dispatchLine({ ...ids, ts_dispatched: ts }));
    extra.push(finalizeLine({ ...ids, ts_completed: ts + 9000, input_tokens: 4000 - 100 * i * i }));
  }
  appendFileSync(log, `${extra.join('\n')}\n`);
  return log;
}

function markdownUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => path.join(dir, name));
}

let built: string | undefined;
/** One log for every test in this file: building it is most of the work. */
function sharedLog(): string {
  built ??= buildLog();
  return built;
}

function ndjsonRows(stdout: string): Row[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Row);
}

interface TrendFinding {
  type: string;
  scope: { arm: string | null };
  data: { n: number; excluded_missing_input_tokens: number; ols_slope: number | null };
}

describe('afterburn export --format parquet', () => {
  let dir: string;
  let log: string;
  let ndjson: Row[];
  let trends: TrendFinding[];

  beforeAll(async () => {
    dir = tempDir('afterburn-parquet-');
    log = sharedLog();
    const [exported, parquet, report] = await Promise.all([
      runCli(['export', '--path', log]),
      runCli(['export', '--path', log, '--format', 'parquet', '--out', 'attempts.parquet'], { cwd: dir }),
      runCli(['discover', '--path', log, '--format', 'json']),
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(parquet.code, parquet.stderr).toBe(0);
    expect(report.code, report.stderr).toBe(0);
    ndjson = ndjsonRows(exported.stdout);
    expect(parquet.stderr).toContain(`afterburn: wrote ${ndjson.length} parquet rows to attempts.parquet\n`);
    trends = (JSON.parse(report.stdout) as { findings: TrendFinding[] }).findings.filter(
      (finding) => finding.type === 'efficiency_trend',
    );
  }, 120_000);

  it('holds the NDJSON export rows, in its order, with the same values', async () => {
    expect(ndjson.length).toBeGreaterThan(4000);
    const rows = await duckdb(dir, "SELECT * FROM 'attempts.parquet'");
    expect(rows).toHaveLength(ndjson.length);
    // NDJSON writes numbers at 12 significant digits; the Parquet doubles are exact.
    const asNdjson = rows.map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [
          key,
          typeof value === 'number' ? cleanNumber(value) : value,
        ]),
      ),
    );
    expect(asNdjson).toEqual(ndjson);
    expect(ndjson.some((row) => row.agent === 'réviseur ✓')).toBe(true);
  });

  it('types every column: INT64, DOUBLE, BOOLEAN, UTF8; optional only where NDJSON can hold null', async () => {
    const described = await duckdb(dir, "DESCRIBE SELECT * FROM 'attempts.parquet'");
    expect(Object.fromEntries(described.map((row) => [row.column_name, row.column_type]))).toEqual({
      attempt_id: 'VARCHAR',
      prompt_fingerprint: 'VARCHAR',
      agent: 'VARCHAR',
      attempt_number: 'BIGINT',
      ts_dispatched: 'BIGINT',
      ts_completed: 'BIGINT',
      status: 'VARCHAR',
      ms_elapsed: 'BIGINT',
      input_tokens: 'BIGINT',
      output_tokens: 'BIGINT',
      cache_read_tokens: 'BIGINT',
      cache_creation_tokens: 'BIGINT',
      acceptance_passed: 'BOOLEAN',
      cache_read_ratio: 'DOUBLE',
    });
    const schema = await duckdb(
      dir,
      "SELECT name, repetition_type FROM parquet_schema('attempts.parquet') WHERE name <> 'root'",
    );
    const optional = schema.filter((row) => row.repetition_type === 'OPTIONAL').map((row) => row.name);
    const nullInNdjson = EXPORT_COLUMNS.filter((column) => ndjson.some((row) => row[column] === null));
    expect(optional).toEqual(nullInNdjson);
    expect(optional).toEqual([
      'ms_elapsed',
      'input_tokens',
      'output_tokens',
      'cache_read_tokens',
      'cache_creation_tokens',
      'acceptance_passed',
      'cache_read_ratio',
    ]);
  });

  it("the docs' DuckDB recipe, run verbatim, gives afterburn's counts and OLS slopes per arm", async () => {
    const recipe = await duckdb(dir, readFileSync(RECIPE, 'utf8'));
    const expected = trends
      .map((finding) => ({
        agent: finding.scope.arm,
        completed: finding.data.n + finding.data.excluded_missing_input_tokens,
        with_input_tokens: finding.data.n,
        slope: finding.data.ols_slope,
      }))
      .sort((a, b) => (a.agent === null ? -1 : b.agent === null ? 1 : a.agent < b.agent ? -1 : 1));
    // Four generated arms, the non-ASCII one, and all arms together.
    expect(expected.map((row) => row.agent)).toEqual([
      null,
      'coder',
      'planner',
      'reviewer',
      'réviseur ✓',
      'tester',
    ]);
    expect(expected.find((row) => row.agent === 'planner')?.completed).toBeGreaterThan(
      expected.find((row) => row.agent === 'planner')?.with_input_tokens as number,
    );
    expect(recipe.map(({ tokens_per_day: _, ...counts }) => counts)).toEqual(
      expected.map(({ slope: _, ...counts }) => counts),
    );
    for (const [i, row] of recipe.entries()) {
      const slope = expected[i]?.slope as number;
      // The findings JSON keeps 12 significant digits, so 1e-9 relative is far above rounding.
      expect(Math.abs((row.tokens_per_day as number) - slope)).toBeLessThanOrEqual(1e-9 * Math.abs(slope));
    }
  });

  it('is quoted in the docs as the file the test runs', () => {
    const statement = readFileSync(RECIPE, 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('--'))
      .join('\n');
    const pages = [path.join(ROOT, 'README.md'), ...markdownUnder(path.join(ROOT, 'docs'))];
    const quoting = pages.filter((page) =>
      readFileSync(page, 'utf8').includes(`\`\`\`sql\n${statement}\`\`\``),
    );
    expect(quoting.length, 'no docs page quotes docs/recipes/duckdb-arm-trend.sql').toBeGreaterThan(0);
  });

  it('names the usage and agent columns after OpenTelemetry with --otel', async () => {
    const otelDir = tempDir('afterburn-parquet-otel-');
    const result = await runCli(['export', '--path', log, '--otel', '--out', 'otel.parquet'], {
      cwd: otelDir,
    });
    expect(result.code, result.stderr).toBe(0);
    const described = await duckdb(otelDir, "DESCRIBE SELECT * FROM 'otel.parquet'");
    expect(described.map((row) => row.column_name)).toEqual(
      Object.keys(
        JSON.parse(
          (await runCli(['export', '--path', log, '--otel'])).stdout.split('\n')[0] as string,
        ) as Row,
      ),
    );
    const [usage] = await duckdb(
      otelDir,
      `SELECT sum("gen_ai.usage.input_tokens") AS total FROM 'otel.parquet'`,
    );
    const total = ndjson.reduce((sum, row) => sum + ((row.input_tokens as number | null) ?? 0), 0);
    expect(usage?.total).toBe(total);
  });
});

describe('afterburn export --out', () => {
  it('refuses parquet without --out in one line, before reading anything', async () => {
    const result = await runCli(['export', '--path', 'no-such.jsonl', '--format', 'parquet']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'afterburn: export --format parquet needs --out <file> (Parquet is binary and its footer comes last; e.g. --out attempts.parquet)\n',
    );
  });

  it('takes the format from the extension and writes ndjson and csv files as stdout would get them', async () => {
    const dir = tempDir('afterburn-export-out-');
    const log = sharedLog();
    const [ndjson, csv, toFile, csvFile] = await Promise.all([
      runCli(['export', '--path', log]),
      runCli(['export', '--path', log, '--format', 'csv']),
      runCli(['export', '--path', log, '--out', 'a.ndjson'], { cwd: dir }),
      runCli(['export', '--path', log, '--out', 'a.csv'], { cwd: dir }),
    ]);
    for (const result of [ndjson, csv, toFile, csvFile]) expect(result.code, result.stderr).toBe(0);
    expect(toFile.stdout).toBe('');
    expect(readFileSync(path.join(dir, 'a.ndjson'), 'utf8')).toBe(ndjson.stdout);
    expect(readFileSync(path.join(dir, 'a.csv'), 'utf8')).toBe(csv.stdout);
  });

  it('leaves no file and no temporary behind when the file cannot be put in place', async () => {
    const dir = tempDir('afterburn-export-fail-');
    const log = sharedLog();
    // A directory where the file should go: the rename over it fails after the whole file is written.
    mkdirSync(path.join(dir, 'attempts.parquet'));
    const result = await runCli(['export', '--path', log, '--out', 'attempts.parquet'], { cwd: dir });
    expect(result.code).toBe(2);
    const lastLine = result.stderr.trimEnd().split('\n').at(-1);
    expect(lastLine).toMatch(
      /^afterburn: cannot write attempts\.parquet: it is a directory \(give the name of a file to write/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir)).toEqual(['attempts.parquet']);
    expect(readdirSync(path.join(dir, 'attempts.parquet'))).toEqual([]);
  });
});
