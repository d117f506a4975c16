import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AfterburnError } from '../common/errors.js';
import { toJson } from '../common/json.js';
import { commitGeneration, type FileData } from './generation-commit.js';
import { cleanStore, currentGeneration } from './generations.js';
import { type LockOptions, withStoreLock } from './lock.js';
import type { Finding, FindingDraft, FindingStatus } from './schema.js';
import { DamagedStateFile, decodeStateFile, encodeStateFile } from './state-file.js';
import {
  fixList,
  parseStoreFile,
  type StoreContent,
  serializeStoreFile,
  unknownFields,
} from './store-file.js';
import { nodeStoreFs, type StoreFs } from './store-fs.js';
import { readSnapshot, type StoreSnapshot } from './store-snapshot.js';

/**
 * The findings store: `findings.json` (the source of truth), the friction export
 * `fix-list.jsonl`, the last run's summary per source under `runs/`, and the incremental state
 * per source under `state/`, all in one generation directory that `CURRENT` names
 * (generations.ts, docs/store.md).
 *
 * Every change is a read-merge-write under the store lock that commits a whole new generation at
 * once, so concurrent runs never lose each other's findings, and a crash or a failed write leaves
 * all of the old store or all of the new one. A store that cannot be read is an error: it is
 * never silently replaced.
 */
const FINDINGS_FILE = 'findings.json';
const FIX_LIST_FILE = 'fix-list.jsonl';
const RUNS_DIR = 'runs';
/** `--incremental` cursors and compact source state, one file per source. */
const STATE_DIR = 'state';
/** A JSON header and binary columns (state-file.ts); before state version 3, `.json`. */
const STATE_EXTENSION = '.state';

const STORE_HINT = 'check the permissions of the store directory (--store / AFTERBURN_STORE)';
const STATE_HINT = 'check its permissions, or delete it to re-read the logs from the start';

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
  /** Every operation that changes the store on disk, injected by tests to fail any one of them. */
  fs?: StoreFs;
}

/** Source names are fixed identifiers from the registry, never data, but keep them path-safe anyway. */
function sourceFile(dir: string, source: string, extension = '.json'): string {
  return path.join(dir, `${source.replace(/[^a-z0-9-]/gi, '_')}${extension}`);
}

export class FindingStore {
  readonly dir: string;
  private readonly options: StoreOptions;

  constructor(dir: string, options: StoreOptions) {
    this.dir = dir;
    this.options = options;
  }

  /** Where the current generation keeps `findings.json` (for messages; readers use list()). */
  async findingsPath(): Promise<string> {
    return path.join((await currentGeneration(this.dir)).dir, FINDINGS_FILE);
  }

  /** Where the current generation keeps the incremental state of `source` (for messages). */
  async statePath(source: string): Promise<string> {
    return path.join((await currentGeneration(this.dir)).dir, sourceFile(STATE_DIR, source, STATE_EXTENSION));
  }

  /** All stored findings, sorted by id. A missing store is an empty one. */
  async list(): Promise<Finding[]> {
    return (await readSnapshot(this.dir, (snapshot) => this.content(snapshot))).findings;
  }

  /**
   * Inserts or updates findings by id, keeping each stored finding's status, created_at and notes,
   * and any field this afterburn does not know. Returns the stored version of each draft, in the
   * drafts' order.
   */
  async upsert(drafts: readonly FindingDraft[], runSummary?: RunRecord): Promise<Finding[]> {
    return this.update((current) => {
      const at = new Date(this.options.now()).toISOString();
      const byId = new Map(current.map((finding) => [finding.id, finding]));
      const stored = drafts.map((draft) => {
        const previous = byId.get(draft.id);
        const finding: Finding = previous
          ? {
              ...unknownFields(previous),
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
    return readSnapshot(this.dir, (snapshot) => this.runSummaryOf(snapshot, source));
  }

  /** The findings and the last run's summary of `source`, both of one commit. */
  async readFindingsAndRun(source: string): Promise<{ findings: Finding[]; run: unknown | null }> {
    return readSnapshot(this.dir, async (snapshot) => ({
      findings: (await this.content(snapshot)).findings,
      run: await this.runSummaryOf(snapshot, source),
    }));
  }

  private async runSummaryOf(snapshot: StoreSnapshot, source: string): Promise<unknown | null> {
    const relative = sourceFile(RUNS_DIR, source);
    const bytes = await snapshot.read(relative, STORE_HINT);
    if (bytes === null) return null;
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch {
      throw new AfterburnError('corrupt_store', `${snapshot.path(relative)} is corrupt (not valid JSON)`, {
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
    return readSnapshot(this.dir, async (snapshot) => {
      const relative = sourceFile(STATE_DIR, source, STATE_EXTENSION);
      const bytes = await snapshot.read(relative, STATE_HINT);
      if (bytes !== null) {
        try {
          return decodeStateFile(bytes);
        } catch (error) {
          if (!(error instanceof DamagedStateFile)) throw error;
          throw new AfterburnError(
            'corrupt_store',
            `${snapshot.path(relative)} is corrupt (${error.message})`,
            {
              hint: 'delete it to re-read the logs from the start',
              // The cause lets an incremental run tell a damaged state (rebuilt from the logs) from an
              // unreadable one.
              cause: error,
            },
          );
        }
      }
      const legacyRelative = sourceFile(STATE_DIR, source);
      const legacy = await snapshot.read(legacyRelative, STATE_HINT);
      if (legacy === null) return null;
      try {
        return JSON.parse(legacy.toString('utf8')) as unknown;
      } catch {
        throw new AfterburnError(
          'corrupt_store',
          `${snapshot.path(legacyRelative)} is corrupt (not valid JSON)`,
          {
            hint: 'delete it to re-read the logs from the start',
            cause: new DamagedStateFile('not valid JSON'),
          },
        );
      }
    });
  }

  /** The store file of a generation; a store without one (a new store) is empty. */
  private async content(snapshot: StoreSnapshot): Promise<StoreContent> {
    const bytes = await snapshot.read(FINDINGS_FILE, STORE_HINT);
    if (bytes === null) {
      if (snapshot.generation.name !== null) {
        throw new AfterburnError('corrupt_store', `store ${snapshot.path(FINDINGS_FILE)} is missing`, {
          hint: 'restore it from a backup; afterburn never overwrites a store it cannot read',
        });
      }
      return { findings: [], extras: {} };
    }
    return parseStoreFile(bytes.toString('utf8'), snapshot.path(FINDINGS_FILE));
  }

  private async update<T>(
    change: (current: Finding[]) => {
      findings: Finding[];
      result: T;
      runSummary?: RunRecord | undefined;
    },
  ): Promise<T> {
    await this.ensureDir();
    const fs = this.options.fs ?? nodeStoreFs;
    return withStoreLock(
      this.dir,
      async () => {
        // Under the lock nobody else writes this store, so nothing can switch generations under
        // this read, and what a failed or killed run left behind is safe to remove.
        const generation = await currentGeneration(this.dir);
        await cleanStore(this.dir, generation, fs);
        const previous = await readSnapshot(this.dir, (snapshot) => this.content(snapshot));
        const { findings, result, runSummary } = change(previous.findings);
        findings.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const write = new Map<string, FileData>([
          [FINDINGS_FILE, serializeStoreFile({ findings, extras: previous.extras })],
          [FIX_LIST_FILE, fixList(findings)],
        ]);
        const drop = new Set<string>();
        if (runSummary) {
          write.set(sourceFile(RUNS_DIR, runSummary.source), `${toJson(runSummary.summary, 2)}\n`);
        }
        if (runSummary?.state !== undefined) {
          write.set(
            sourceFile(STATE_DIR, runSummary.source, STATE_EXTENSION),
            encodeStateFile(runSummary.state),
          );
          // The JSON state of an older afterburn is replaced by the file just written.
          drop.add(sourceFile(STATE_DIR, runSummary.source));
        }
        await commitGeneration(this.dir, generation, { write, drop }, fs);
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
}

/** Shorter prefixes would match nearly everything (every id starts with its type). */
const MIN_PREFIX = 4;

function resolveId(findings: readonly Finding[], idOrPrefix: string): Finding {
  const exact = findings.find((f) => f.id === idOrPrefix);
  if (exact) return exact;
  if (idOrPrefix.length < MIN_PREFIX) {
    throw new AfterburnError(
      'unknown_finding',
      `finding id prefix "${idOrPrefix}" is too short: it needs ${MIN_PREFIX}+ characters`,
      {
        hint: `give the id, or its first ${MIN_PREFIX} or more characters, as \`afterburn findings list\` shows them`,
      },
    );
  }
  const matches = findings.filter((f) => f.id.startsWith(idOrPrefix));
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
