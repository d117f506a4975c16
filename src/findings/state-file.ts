import { createHash } from 'node:crypto';
import { AfterburnError } from '../common/errors.js';

/**
 * The bytes of an incremental state file: a JSON header, then the binary attachments it points
 * at. A source's state is mostly typed-array columns; written as base64 inside JSON they were a
 * third larger and passed through two strings of that size each way (a cron run with nothing new
 * on a 256 MB log peaked at 400 MB reading and rewriting them). Here each Uint8Array in the state
 * is written as its own bytes and read back as a view of the file, without a copy.
 *
 *   "afterburn-state\n" (16 bytes) | format version (uint32 LE) | header length (uint32 LE)
 *   | sha256 of every byte after the prefix (32 bytes)
 *   | header: JSON {"attachments":[byte lengths],"value":…} | zero padding to a multiple of 8
 *   | each attachment, padded to a multiple of 8
 *
 * In `value`, attachment i stands as {"$bytes":i}. The padding keeps every attachment 8-byte
 * aligned in the file, so a reader can view a Float64Array column in place.
 *
 * The checksum is what lets a reader trust the file: a flipped bit anywhere (the prefix is
 * checked field by field, the rest by the hash) makes it a DamagedStateFile, never a state that
 * decodes to other numbers. sha256 costs about 2.5 ms a megabyte here (0.1 s at 40 MB), less
 * than the column checks it lets a cron run skip.
 */

const MAGIC = Buffer.from('afterburn-state\n', 'latin1');
/** 1 was the unchecked layout (header length, then 4 zero bytes); 2 adds the version and checksum. */
export const STATE_FILE_FORMAT = 2;
const DIGEST_BYTES = 32;
const PREFIX_BYTES = MAGIC.length + 8 + DIGEST_BYTES;
const ALIGN = 8;
const BYTES_KEY = '$bytes';

/** The bytes are not a state file this code wrote; the message says what is wrong. */
export class DamagedStateFile extends Error {}

/** A state file of another format (an older or newer afterburn): rebuilt, not misread. */
export class UnknownStateFormat extends DamagedStateFile {}

/**
 * The error a source raises when its saved state passed the checksum but does not hold together
 * (another version's layout, a bug): its DamagedStateFile cause makes an incremental run discard
 * the state with a warning and re-read the logs (core/incremental.ts), like a checksum mismatch.
 */
export function corruptIncrementalState(source: string, why: string): AfterburnError {
  return new AfterburnError('corrupt_store', `the incremental state of ${source} is corrupt (${why})`, {
    hint: 'delete the state file under <store>/state/ to re-read the logs from the start',
    cause: new DamagedStateFile(why),
  });
}

function digestOf(chunks: readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest();
}

const padding = (length: number): number => (ALIGN - (length % ALIGN)) % ALIGN;

/** The file's bytes for `value`, as chunks to write in order (attachments are not copied). */
export function encodeStateFile(value: unknown): Uint8Array[] {
  const attachments: Uint8Array[] = [];
  // The holder's own value, not `item`: a Buffer reaches a replacer already turned into JSON.
  const json = JSON.stringify(value, function (this: Record<string, unknown>, key, item: unknown) {
    const original = this[key];
    if (!(original instanceof Uint8Array)) return item;
    attachments.push(original);
    return { [BYTES_KEY]: attachments.length - 1 };
  });
  const lengths = JSON.stringify(attachments.map((bytes) => bytes.byteLength));
  const header = Buffer.from(`{"attachments":${lengths},"value":${json ?? 'null'}}`, 'utf8');
  const body: Uint8Array[] = [header, Buffer.alloc(padding(header.length))];
  for (const bytes of attachments) body.push(bytes, Buffer.alloc(padding(bytes.byteLength)));
  const prefix = Buffer.alloc(PREFIX_BYTES);
  MAGIC.copy(prefix);
  prefix.writeUInt32LE(STATE_FILE_FORMAT, MAGIC.length);
  prefix.writeUInt32LE(header.length, MAGIC.length + 4);
  digestOf(body).copy(prefix, MAGIC.length + 8);
  return [prefix, ...body].filter((chunk) => chunk.byteLength > 0);
}

/** Whether the bytes start like a state file: a `.state` file that does not is damaged. */
function isStateFile(bytes: Uint8Array): boolean {
  return (
    bytes.length >= MAGIC.length && Buffer.from(bytes.buffer, bytes.byteOffset, MAGIC.length).equals(MAGIC)
  );
}

/** The value `encodeStateFile` was given; Uint8Arrays come back as views of `bytes`. */
export function decodeStateFile(bytes: Buffer): unknown {
  if (!isStateFile(bytes)) throw new DamagedStateFile('not a state file');
  if (bytes.length < MAGIC.length + 8) throw new DamagedStateFile('truncated header');
  const format = bytes.readUInt32LE(MAGIC.length);
  if (format !== STATE_FILE_FORMAT)
    throw new UnknownStateFormat(`format ${format}, not ${STATE_FILE_FORMAT}`);
  if (bytes.length < PREFIX_BYTES) throw new DamagedStateFile('truncated header');
  const headerLength = bytes.readUInt32LE(MAGIC.length + 4);
  const headerEnd = PREFIX_BYTES + headerLength;
  if (headerEnd > bytes.length) throw new DamagedStateFile('truncated header');
  const digest = bytes.subarray(MAGIC.length + 8, PREFIX_BYTES);
  if (!digestOf([bytes.subarray(PREFIX_BYTES)]).equals(digest)) {
    throw new DamagedStateFile('checksum mismatch');
  }
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString('utf8', PREFIX_BYTES, headerEnd));
  } catch {
    throw new DamagedStateFile('header is not valid JSON');
  }
  const lengths = (header as { attachments?: unknown } | null)?.attachments;
  if (!Array.isArray(lengths) || !lengths.every((length) => Number.isSafeInteger(length) && length >= 0)) {
    throw new DamagedStateFile('header has no list of attachment lengths');
  }
  const attachments: Uint8Array[] = [];
  let offset = headerEnd + padding(headerLength);
  for (const length of lengths as number[]) {
    if (offset + length > bytes.length) throw new DamagedStateFile('truncated attachment');
    attachments.push(new Uint8Array(bytes.buffer, bytes.byteOffset + offset, length));
    offset += length + padding(length);
  }
  if (offset !== bytes.length) throw new DamagedStateFile('bytes after the last attachment');
  return restoreAttachments((header as { value?: unknown }).value, attachments);
}

function restoreAttachments(value: unknown, attachments: readonly Uint8Array[]): unknown {
  if (Array.isArray(value)) return value.map((item) => restoreAttachments(item, attachments));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === BYTES_KEY) {
    const index = record[BYTES_KEY];
    const bytes = typeof index === 'number' ? attachments[index] : undefined;
    if (bytes === undefined) throw new DamagedStateFile(`no attachment ${String(index)}`);
    return bytes;
  }
  const restored: Record<string, unknown> = {};
  for (const key of keys) restored[key] = restoreAttachments(record[key], attachments);
  return restored;
}
