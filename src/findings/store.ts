import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AfterburnError } from '../common/errors.js';
import { toJson } from '../common/json.js';
import { type AtomicWriteFs, removeStaleTemporaries, writeFileAtomic } from './atomic-write.js';
import { type LockOptions, withStoreLock } from './lock.js';
import { Finding, type FindingDraft, type FindingStatus, SCHEMA_VERSION } from './schema.js';
import { DamagedStateFile, decodeStateFile, encodeStateFile } from './state-file.js';

/**
 * The findings store: a directory holding `findings.json` (the source of truth), the friction
 * export `fix-list.jsonl`, the last run's summary per source under `runs/`, and the incremental
 * state per source under `state/`.
 *
 * Every change is a read-merge-write under the store lock, and every file is replaced atomically,
 * so concurrent runs never lose each other's findings and a crash never leaves half a file.
 * A store that cannot be read is an error: it is never silently replaced.
 */
const FINDINGS_FILE = 'findings.json';
const FIX_LIST_FILE = 'fix-list.jsonl';
const RUNS_DIR = 'runs';
/** `--incremental` cursors and compact source state, one file per source. */
const STATE_DIR = 'state';
/** A JSON header and binary columns (state-file.ts); before state version 3, `.json`. */
const STATE_EXTENSION = '.state';

/** A store file's bytes, or null when there is none; `hint` says what to do when it is unreadable. */
async function readOptional(file: string, hint: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new AfterburnError('corrupt_store', `cannot read ${file}: ${code ?? 'error'}`, { hint });
  }
}

/** A state file's bytes, or null when there is none. */
function readStateBytes(file: string): Promise<Buffer | null> {
  return readOptional(file, 'check its permissions, or delete it to re-read the logs from the start');
}

const StoreFile = z.object({
  schema_version: z.number(),
  findings: z.array(Finding),
});

/** What a discover run records besides its findings. */
export interface RunRecord {
  readonly source: string;
  readonly summary: unknown;
  /** The incremental state to keep (only with --incremental). */
  readonly state?: unknown;
}

export interface StoreOptions {
  /** Injected clock (epoch ms), so tests and runs agree on created_at/updated_at. */
  now: () => number;
  lock?: LockOptions;
  /** File operations of the atomic writes, injected by tests to simulate a full disk. */
  fs?: AtomicWriteFs;
}

export class FindingStore {
  readonly dir: string;
  private readonly options: StoreOptions;

  constructor(dir: string, options: StoreOptions) {
    this.dir = dir;
    this.options = options;
  }

  get findingsPath(): string {
    return path.join(this.dir, FINDINGS_FILE);
  }

  /** All stored findings, sorted by id. A missing store is an empty one. */
  async list(): Promise<Finding[]> {
    let text: string;
    try {
      text = await readFile(this.findingsPath, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return [];
      throw new AfterburnError(
        'corrupt_store',
        `cannot read store ${this.findingsPath}: ${code ?? 'error'}`,
        {
          hint: 'check the permissions of the store directory (--store / AFTERBURN_STORE)',
        },
      );
    }
    return this.parse(text);
  }

  /**
   * Inserts or updates findings by id, keeping each stored finding's status, created_at and notes.
   * Returns the stored version of each draft, in the drafts' order.
   */
  async upsert(drafts: readonly FindingDraft[], runSummary?: RunRecord): Promise<Finding[]> {
    return this.update((current) => {
      const at = new Date(this.options.now()).toISOString();
      const byId = new Map(current.map((finding) => [finding.id, finding]));
      const stored = drafts.map((draft) => {
        const previous = byId.get(draft.id);
        const finding: Finding = previous
          ? {
              ...draft,
              created_at: previous.created_at,
              status: previous.status,
              ...(previous.notes ? { notes: previous.notes } : {}),
              updated_at: at,
            }
          : { ...draft, created_at: at, status: 'candidate' };
        byId.set(finding.id, finding);
        return finding;
      });
      return { findings: [...byId.values()], result: stored, runSummary };
    });
  }

  /** Sets a finding's status (findings verify), appending a note. */
  async setStatus(idOrPrefix: string, status: FindingStatus, note: string | null): Promise<Finding> {
    return this.update((current) => {
      const target = resolveId(current, idOrPrefix);
      const at = new Date(this.options.now()).toISOString();
      const updated: Finding = {
        ...target,
        status,
        notes: [...(target.notes ?? []), { at, status, text: note }],
        updated_at: at,
      };
      return { findings: current.map((f) => (f.id === target.id ? updated : f)), result: updated };
    });
  }

  async get(idOrPrefix: string): Promise<Finding> {
    return resolveId(await this.list(), idOrPrefix);
  }

  /** The last run's summary for a source; null when none was stored, an error when it is unreadable. */
  async readRunSummary(source: string): Promise<unknown | null> {
    const file = this.runSummaryPath(source);
    const bytes = await readOptional(
      file,
      'check the permissions of the store directory (--store / AFTERBURN_STORE)',
    );
    if (bytes === null) return null;
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch {
      throw new AfterburnError('corrupt_store', `${file} is corrupt (not valid JSON)`, {
        hint: 'run afterburn discover again to rewrite it',
      });
    }
  }

  /**
   * The incremental state of `source` (null when there is none). It is only a cache of what the
   * logs hold, but an unreadable one is still an error: a silent restart would hide the problem.
   * A state in the JSON file of afterburn before state version 3 is returned as parsed, so the
   * caller can tell its version and start over with a notice.
   */
  async readState(source: string): Promise<unknown | null> {
    const file = this.sourceFile(STATE_DIR, source, STATE_EXTENSION);
    const bytes = await readStateBytes(file);
    if (bytes !== null) {
      try {
        return decodeStateFile(bytes);
      } catch (error) {
        if (!(error instanceof DamagedStateFile)) throw error;
        // The cause lets an incremental run tell a damaged state (rebuilt from the logs) from an
        // unreadable one.
        throw new AfterburnError('corrupt_store', `${file} is corrupt (${error.message})`, {
          hint: 'delete it to re-read the logs from the start',
          cause: error,
        });
      }
    }
    const legacyFile = this.sourceFile(STATE_DIR, source);
    const legacy = await readStateBytes(legacyFile);
    if (legacy === null) return null;
    try {
      return JSON.parse(legacy.toString('utf8')) as unknown;
    } catch {
      throw new AfterburnError('corrupt_store', `${legacyFile} is corrupt (not valid JSON)`, {
        hint: 'delete it to re-read the logs from the start',
        cause: new DamagedStateFile('not valid JSON'),
      });
    }
  }

  private runSummaryPath(source: string): string {
    return this.sourceFile(RUNS_DIR, source);
  }

  private sourceFile(dir: string, source: string, extension = '.json'): string {
    // Source names are fixed identifiers from the registry, never data, but keep them path-safe anyway.
    return path.join(this.dir, dir, `${source.replace(/[^a-z0-9-]/gi, '_')}${extension}`);
  }

  private async update<T>(
    change: (current: Finding[]) => {
      findings: Finding[];
      result: T;
      runSummary?: RunRecord | undefined;
    },
  ): Promise<T> {
    await this.ensureDir();
    return withStoreLock(
      this.dir,
      async () => {
        // Every store write happens under this lock, so a temporary file already here was left by
        // a writer that crashed (SIGKILL, power loss) between creating and renaming it.
        await removeStaleTemporaries(this.dir, 0, Date.now());
        await removeStaleTemporaries(path.join(this.dir, RUNS_DIR), 0, Date.now());
        const current = await this.list();
        const { findings, result, runSummary } = change(current);
        findings.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const write = { ...(this.options.fs ? { fs: this.options.fs } : {}) };
        await writeFileAtomic(
          this.findingsPath,
          `${toJson({ schema_version: SCHEMA_VERSION, findings }, 2)}\n`,
          write,
        );
        await writeFileAtomic(path.join(this.dir, FIX_LIST_FILE), fixList(findings), write);
        if (runSummary) {
          await mkdir(path.join(this.dir, RUNS_DIR), { recursive: true });
          await writeFileAtomic(
            this.runSummaryPath(runSummary.source),
            `${toJson(runSummary.summary, 2)}\n`,
            write,
          );
        }
        if (runSummary?.state !== undefined) {
          await mkdir(path.join(this.dir, STATE_DIR), { recursive: true });
          await writeFileAtomic(
            this.sourceFile(STATE_DIR, runSummary.source, STATE_EXTENSION),
            encodeStateFile(runSummary.state),
            write,
          );
          // The JSON state of an older afterburn is replaced by the file just written.
          await rm(this.sourceFile(STATE_DIR, runSummary.source), { force: true });
        }
        return result;
      },
      this.options.lock,
    );
  }

  private async ensureDir(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (error) {
      throw new AfterburnError(
        'store_write',
        `cannot create store directory ${this.dir}: ${(error as NodeJS.ErrnoException).code}`,
        {
          hint: 'choose a writable --store / AFTERBURN_STORE',
        },
      );
    }
  }

  private parse(text: string): Finding[] {
    const corrupt = (why: string): AfterburnError =>
      new AfterburnError('corrupt_store', `store ${this.findingsPath} is corrupt (${why})`, {
        hint: 'restore it from a backup or move it away to start a new store; afterburn never overwrites it',
      });
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw corrupt('not valid JSON');
    }
    const version = (raw as { schema_version?: unknown } | null)?.schema_version;
    if (typeof version === 'number' && version > SCHEMA_VERSION) {
      throw new AfterburnError(
        'corrupt_store',
        `store ${this.findingsPath} was written by a newer afterburn (schema ${version})`,
        {
          hint: 'upgrade afterburn, or point --store at another directory',
        },
      );
    }
    const parsed = StoreFile.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw corrupt(issue ? `${issue.path.join('.') || 'root'}: ${issue.message}` : 'unexpected shape');
    }
    return parsed.data.findings;
  }
}

function resolveId(findings: readonly Finding[], idOrPrefix: string): Finding {
  const exact = findings.find((f) => f.id === idOrPrefix);
  if (exact) return exact;
  const matches = idOrPrefix.length >= 4 ? findings.filter((f) => f.id.startsWith(idOrPrefix)) : [];
  if (matches.length === 1) return matches[0] as Finding;
  if (matches.length > 1) {
    throw new AfterburnError(
      'unknown_finding',
      `finding id "${idOrPrefix}" is ambiguous (${matches.length} matches)`,
      {
        hint: 'give more characters of the id',
      },
    );
  }
  throw new AfterburnError('unknown_finding', `no finding with id "${idOrPrefix}"`, {
    hint: 'list the ids with `afterburn findings list`',
  });
}

/** The friction findings, most frequent first, one JSON object per line. */
function fixList(findings: readonly Finding[]): string {
  return findings
    .filter((f) => f.type === 'friction')
    .sort((a, b) => b.frequency - a.frequency || (a.id < b.id ? -1 : 1))
    .map((f) => `${toJson(f)}\n`)
    .join('');
}
