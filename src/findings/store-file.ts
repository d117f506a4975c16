/**
 * `findings.json` and `fix-list.jsonl`: what the store file may hold, and how it is written.
 * A file written by a newer afterburn or edited by hand must come back out of a read and a write
 * as it went in, or be refused: never silently rewritten into something else.
 */
import { z } from 'zod';
import { AfterburnError } from '../common/errors.js';
import { toJson } from '../common/json.js';
import { Finding, Note, SCHEMA_VERSION } from './schema.js';

/**
 * A stored finding: the contract's fields are validated, any other field (a newer afterburn's,
 * a user's own) is kept as it is, on the finding and on its notes.
 */
const StoredFinding = Finding.extend({ notes: z.array(Note.loose()).optional() }).loose();

const StoreFile = z.looseObject({
  schema_version: z.number(),
  findings: z.array(StoredFinding),
});

/** The store file's content: its findings, and any top-level fields besides the two it defines. */
export interface StoreContent {
  readonly findings: Finding[];
  readonly extras: Readonly<Record<string, unknown>>;
}

const KNOWN_FIELDS = new Set(Object.keys(Finding.shape));

/** The fields of a stored finding that this afterburn does not know, to carry into its update. */
export function unknownFields(finding: Finding): Record<string, unknown> {
  return Object.fromEntries(Object.entries(finding).filter(([key]) => !KNOWN_FIELDS.has(key)));
}

const SHOWN_DUPLICATES = 5;

function duplicateIds(findings: readonly Finding[]): string[] {
  const copies = new Map<string, number>();
  for (const finding of findings) copies.set(finding.id, (copies.get(finding.id) ?? 0) + 1);
  return [...copies].filter(([, count]) => count > 1).map(([id, count]) => `${id} (${count} copies)`);
}

export function parseStoreFile(text: string, file: string): StoreContent {
  const corrupt = (why: string, hint?: string): AfterburnError =>
    new AfterburnError('corrupt_store', `store ${file} is corrupt (${why})`, {
      hint:
        hint ??
        'restore it from a backup or move it away to start a new store; afterburn never overwrites it',
    });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw corrupt('not valid JSON');
  }
  const version = (raw as { schema_version?: unknown } | null)?.schema_version;
  if (typeof version === 'number' && Number.isInteger(version) && version > SCHEMA_VERSION) {
    throw new AfterburnError(
      'corrupt_store',
      `store ${file} was written by a newer afterburn (schema ${version})`,
      {
        hint: 'upgrade afterburn, or point --store at another directory',
      },
    );
  }
  if (typeof version === 'number' && version !== SCHEMA_VERSION) {
    throw corrupt(
      `schema_version ${version}, which no afterburn writes`,
      `set it to ${SCHEMA_VERSION} if the file is otherwise a store of this afterburn, or restore it from a backup; afterburn never overwrites it`,
    );
  }
  const parsed = StoreFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(issue ? `${issue.path.join('.') || 'root'}: ${issue.message}` : 'unexpected shape');
  }
  const { schema_version: _version, findings, ...extras } = parsed.data;
  const duplicates = duplicateIds(findings);
  if (duplicates.length > 0) {
    const shown = duplicates.slice(0, SHOWN_DUPLICATES).join(', ');
    const more =
      duplicates.length > SHOWN_DUPLICATES ? ` and ${duplicates.length - SHOWN_DUPLICATES} more` : '';
    throw corrupt(
      `duplicate finding ids: ${shown}${more}`,
      'keep one copy of each id by hand (its status and notes are yours to choose); afterburn never overwrites it',
    );
  }
  return { findings, extras };
}

export function serializeStoreFile(content: StoreContent): string {
  return `${toJson({ schema_version: SCHEMA_VERSION, findings: content.findings, ...content.extras }, 2)}\n`;
}

/** The friction findings, most frequent first, one JSON object per line. */
export function fixList(findings: readonly Finding[]): string {
  return findings
    .filter((f) => f.type === 'friction')
    .sort((a, b) => b.frequency - a.frequency || (a.id < b.id ? -1 : 1))
    .map((f) => `${toJson(f)}\n`)
    .join('');
}
