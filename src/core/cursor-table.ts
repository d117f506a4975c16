import { z } from 'zod';

/**
 * The cursors of an incremental state as the store keeps them: one table for all inputs instead
 * of one JSON object each. Names are a list of strings, kinds one letter each, the numbers one
 * Float64Array and the two sha256 hashes of each cursor 64 bytes, both written as the state
 * file's binary attachments. A cursor then costs its name and 128 bytes, not 400 bytes of JSON,
 * and reading 10,000 of them is a few array reads, not 10,000 objects through a schema.
 */
const FIELDS = ['dev', 'ino', 'size', 'mtimeMs', 'headLength', 'tailLength', 'offset', 'lineNo'] as const;
/** The fields that are counts (whole, not negative); dev, ino and mtimeMs are only numbers. */
const COUNTS = new Set<string>(['size', 'headLength', 'tailLength', 'offset', 'lineNo']);
const HASH_BYTES = 32;
const KINDS = { file: 'f', gzip: 'g' } as const;

/**
 * What `--incremental` keeps per input file between runs: a cursor (the byte offset just past the
 * last complete line, and its line number) with enough identity to notice that the file was
 * truncated, replaced or rotated, plus the source's compact state for that file.
 */
const Count = z.int().nonnegative();

export const FileIdentity = z.object({
  dev: z.number(),
  ino: z.number(),
  size: Count,
  mtimeMs: z.number(),
  /** sha256 of the first `headLength` bytes: a file rewritten in place no longer matches. */
  headLength: Count,
  headHash: z.string(),
  /**
   * sha256 of the `tailLength` bytes just before the cursor (after the head): a file cut back
   * past its first 4 KiB and grown again beyond the cursor no longer matches.
   */
  tailLength: Count,
  tailHash: z.string(),
});
export type FileIdentity = z.infer<typeof FileIdentity>;

export const SavedInput = z.object({
  name: z.string(),
  kind: z.enum(['file', 'gzip']),
  identity: FileIdentity,
  offset: Count,
  lineNo: Count,
  /** The source's state of this input; absent for a source that keeps one history for all inputs. */
  segment: z.unknown().optional(),
});
export type SavedInput = z.infer<typeof SavedInput>;

type Cursor = SavedInput;

export const StoredCursors = z.object({
  names: z.array(z.string()),
  kinds: z.string(),
  numbers: z.instanceof(Uint8Array),
  hashes: z.instanceof(Uint8Array),
});
export type StoredCursors = z.infer<typeof StoredCursors>;

/** The cursors as the state file keeps them; segments (per-input sources) are kept apart. */
export function storeCursors(inputs: readonly Cursor[]): StoredCursors {
  const numbers = new Float64Array(inputs.length * FIELDS.length);
  const hashes = Buffer.alloc(inputs.length * 2 * HASH_BYTES);
  inputs.forEach((input, i) => {
    const values = { ...input.identity, offset: input.offset, lineNo: input.lineNo };
    FIELDS.forEach((field, k) => {
      numbers[i * FIELDS.length + k] = values[field];
    });
    hashes.write(input.identity.headHash, 2 * i * HASH_BYTES, HASH_BYTES, 'hex');
    hashes.write(input.identity.tailHash, (2 * i + 1) * HASH_BYTES, HASH_BYTES, 'hex');
  });
  return {
    names: inputs.map((input) => input.name),
    kinds: inputs.map((input) => KINDS[input.kind]).join(''),
    numbers: new Uint8Array(numbers.buffer),
    hashes,
  };
}

/** The cursors back, with `segments[i]` as input i's segment where given; null when the table does not hold. */
export function loadCursors(stored: StoredCursors, segments?: readonly unknown[]): Cursor[] | null {
  const count = stored.names.length;
  if (
    stored.kinds.length !== count ||
    stored.numbers.byteLength !== count * FIELDS.length * 8 ||
    stored.hashes.byteLength !== count * 2 * HASH_BYTES ||
    (segments !== undefined && segments.length !== count)
  ) {
    return null;
  }
  // The attachment may sit at any offset of a buffer read into memory: copied to be aligned.
  const numbers = new Float64Array(count * FIELDS.length);
  new Uint8Array(numbers.buffer).set(stored.numbers);
  const hashes = Buffer.from(stored.hashes.buffer, stored.hashes.byteOffset, stored.hashes.byteLength);
  const inputs: Cursor[] = [];
  for (let i = 0; i < count; i += 1) {
    const kind = stored.kinds[i] === KINDS.file ? 'file' : stored.kinds[i] === KINDS.gzip ? 'gzip' : null;
    if (kind === null) return null;
    const values: Record<string, number> = {};
    for (const [k, field] of FIELDS.entries()) {
      const value = numbers[i * FIELDS.length + k] as number;
      if (!Number.isFinite(value) || (COUNTS.has(field) && !(Number.isSafeInteger(value) && value >= 0))) {
        return null;
      }
      values[field] = value;
    }
    const hash = (n: number) => hashes.toString('hex', n * HASH_BYTES, (n + 1) * HASH_BYTES);
    inputs.push({
      name: stored.names[i] as string,
      kind,
      identity: {
        dev: values.dev as number,
        ino: values.ino as number,
        size: values.size as number,
        mtimeMs: values.mtimeMs as number,
        headLength: values.headLength as number,
        headHash: hash(2 * i),
        tailLength: values.tailLength as number,
        tailHash: hash(2 * i + 1),
      },
      offset: values.offset as number,
      lineNo: values.lineNo as number,
      ...(segments === undefined ? {} : { segment: segments[i] }),
    });
  }
  return inputs;
}
